import ArgumentParser
import UnitifyClient
import UnitifyCore

struct Top: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "top",
        abstract: "A live view of every job: state, CPU %, memory, tasks, restarts, uptime.",
        discussion: """
            Refreshed every --interval until q or Ctrl-C; c, m, t, r, u and n sort by CPU, memory, \
            tasks, restarts, uptime and name. When standard output is not a terminal it prints \
            plain frames, one after another; --once prints one (after one interval, to measure CPU). \
            Numbers marked ~ are estimated from /proc, where the manager reports no accounting.
            """
    )

    @Flag(help: "Print one frame and exit.")
    var once = false

    @Option(help: ArgumentHelp("Sort by: \(TopSort.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "key"))
    var sort: String = "cpu"

    @Option(help: ArgumentHelp("Time between frames, e.g. 1s or 500ms.", valueName: "duration"))
    var interval: String = "1s"

    @OptionGroup var scope: ScopeOptions

    @OptionGroup var remote: HostOptions

    func run() throws {
        guard var order = TopSort(rawValue: sort) else {
            throw UnitifyError.usage("invalid --sort '\(sort)': use one of \(TopSort.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let pause = try TimeSpan(parsing: interval)
        guard pause.microseconds >= 100_000 else { throw UnitifyError.usage("--interval must be 100ms or more") }
        let hosts = try remote.remoteHosts(system: scope.system)
        // Plain frames only: the live view reads keys, which a host's unitify would not get.
        let plain = once || !Output.standard.isTerminal
        let targets = TargetSet(scope: scope.scope, hosts: hosts, parallel: remote.parallel,
                                delegating: plain ? HostOptions.delegation(follows: !once) : nil)
        let place = HostOptions.place(hosts, scope: scope.scope)
        var sampler = TopSampler()
        // Every target at once each frame, through one path: this machine's connection kept, the
        // hosts over their warm ssh masters; the targets that failed, in a line each.
        var failures: [String] = []
        var firstFrame = true
        func rows() throws -> [TopRow] {
            let outcomes = targets.run { target, report in try target.listJobs(tasks: true, into: &report) }
            // When no target answers the first time, there is nothing to show: say why, and end.
            if firstFrame, outcomes.count == 1, let failure = outcomes[0].failure { throw failure }
            firstFrame = false
            failures = outcomes.compactMap { outcome in
                outcome.failure.map { (outcome.failureNamesHost ? "" : outcome.host.map { "\($0): " } ?? "") + $0.message }
            }
            return outcomes.flatMap { outcome in
                outcome.failure == nil ? sampler.rows(outcome.report?.statuses ?? [], now: Environment.now(), host: outcome.host?.description) : []
            }
        }
        let out = Output.standard
        _ = try rows()
        guard out.isTerminal && !once else {
            // Plain frames: for pipes, logs and --once.
            while true {
                sleepMicroseconds(pause.microseconds)
                for line in TopView.frame(try rows(), sort: order, place: place) { out.line(line) }
                for failure in failures { printError("unitify: \(failure)") }
                if once {
                    if !failures.isEmpty { throw UnitifyError.exit(1) }
                    return
                }
                out.line()
                out.flush()
            }
        }
        let keyboard = Terminal.keyboard()
        defer {
            keyboard?.restore()
            out.write("\u{1B}[?25h\u{1B}[?1049l")  // the cursor and the screen as they were
            out.flush()
        }
        out.write("\u{1B}[?1049h\u{1B}[?25l")
        var current = try rows()
        while true {
            var lines = TopView.frame(current, sort: order, live: true, width: out.terminalWidth, height: Terminal.height.map { $0 - failures.count }, place: place)
                + failures.map { Format.truncate($0, to: out.terminalWidth ?? .max) }
            if out.usesColour, lines.count > 2 { lines[2] = "\u{1B}[1m" + lines[2] + "\u{1B}[0m" }
            out.write("\u{1B}[H\u{1B}[2J" + lines.joined(separator: "\n"))
            out.flush()
            let deadline = monotonicNow() + pause.microseconds
            var redrawOnly = false
            while case let now = monotonicNow(), now < deadline {
                guard let keyboard else { sleepMicroseconds(deadline - now); break }
                guard let key = keyboard.key(within: deadline - now) else { break }
                if key == "q" || key == "Q" || key == "\u{03}" || key == "\u{04}" { return }
                if let picked = TopSort(key: Character(key.lowercased())) {
                    order = picked
                    redrawOnly = true
                    break
                }
            }
            if !redrawOnly { current = try rows() }
        }
    }
}
