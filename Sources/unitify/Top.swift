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
        guard let order = TopSort(rawValue: sort) else {
            throw UnitifyError.usage("invalid --sort '\(sort)': use one of \(TopSort.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let pause = try TimeSpan(parsing: interval)
        guard pause.microseconds >= 100_000 else { throw UnitifyError.usage("--interval must be 100ms or more") }
        let hosts = try remote.remoteHosts(system: scope.system)
        // Plain frames only: the live view reads keys, which a host's unitify would not get.
        let plain = once || !Output.standard.isTerminal
        var screen = TopScreen(
            targets: TargetSet(scope: scope.scope, hosts: hosts, parallel: remote.parallel,
                               delegating: plain ? HostOptions.delegation(follows: !once) : nil),
            order: order, pause: pause, place: HostOptions.place(hosts, scope: scope.scope))
        try screen.run(once: once)
    }
}
