import UnitifyCore

/// `top`'s frames: every target's jobs each `pause`, redrawn in place on a terminal (q or Ctrl-C
/// ends it, a sort key re-sorts at once), and printed one after another anywhere else.
public struct TopScreen {
    let targets: TargetSet
    var order: TopSort
    let pause: TimeSpan
    /// Where the jobs are, for the frame's title (`on web1, web2`).
    let place: TargetOptions
    var sampler = TopSampler()
    /// The targets that failed in the last round, in a line each.
    var failures: [String] = []
    var firstFrame = true

    public init(targets: TargetSet, order: TopSort, pause: TimeSpan, place: TargetOptions) {
        (self.targets, self.order, self.pause, self.place) = (targets, order, pause, place)
    }

    /// Every target at once, through one path: this machine's connection kept, the hosts over
    /// their warm ssh masters. When no target answers the first time there is nothing to show:
    /// it says why, and ends.
    mutating func rows() throws -> [TopRow] {
        let outcomes = targets.run { target, report in try target.listJobs(tasks: true, into: &report) }
        if firstFrame, outcomes.count == 1, let failure = outcomes[0].failure { throw failure }
        firstFrame = false
        failures = outcomes.compactMap { outcome in
            outcome.failure.map { (outcome.failureNamesHost ? "" : outcome.host.map { "\($0): " } ?? "") + $0.message }
        }
        var rows: [TopRow] = []
        for outcome in outcomes where outcome.failure == nil {
            rows += sampler.rows(outcome.report?.statuses ?? [], now: Environment.now(), host: outcome.host?.description)
        }
        return rows
    }

    /// Runs until q or Ctrl-C on a terminal; elsewhere, or with `once`, prints plain frames (one
    /// with `once`, after one interval, so that CPU % can be measured).
    public mutating func run(once: Bool) throws {
        let out = Output.standard
        _ = try rows()
        guard out.isTerminal && !once else {
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
