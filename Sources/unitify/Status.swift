import ArgumentParser
import UnitifyClient
import UnitifyCore

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show every job in a table, or named jobs in detail with their last log lines.",
        discussion: "Exit status: 0 when every named job is running, 3 when one is not, 4 when one does not exist.",
        aliases: ["list"]
    )

    @Argument(help: "Units, with or without .service; none for a table of every unitify job.", completion: .custom(JobNameCompletion.candidates))
    var names: [String] = []

    @Option(name: [.customShort("n"), .customLong("lines")], help: "Log lines to show under each named job (0 for none).")
    var lines: Int = 10

    @Flag(help: "Print JSON: an array of objects with snake_case keys.")
    var json = false

    @OptionGroup var scope: ScopeOptions

    @OptionGroup var remote: HostOptions

    func run() throws {
        guard lines >= 0 else { throw UnitifyError.usage("invalid -n \(lines): give 0 or more lines") }
        let units = try names.map { name throws(UnitifyError) in try UnitName.normalize(name) }
        let hosts = try remote.remoteHosts(system: scope.system)
        let (names, json, lines, now) = (names, json, lines, Environment.now())
        let out = Output.standard
        let (width, legend) = (out.terminalWidth, out.isTerminal)
        /// Every target's jobs as JSON records, each with its host on other hosts.
        func printJSON(_ outcomes: [TargetOutcome]) {
            let records = outcomes.flatMap { outcome in
                (outcome.report?.statuses ?? []).map { StatusRecord($0, now: now, host: outcome.host?.description) }
            }
            out.line(JSON.encode(records))
        }
        guard !units.isEmpty else {
            // One table of every target's jobs, a HOST column first for other hosts; a host that
            // fails is said in one line and the others are shown. The table shows no tasks: it
            // asks for none.
            try HostOptions.act(scope: scope.scope, hosts: hosts, parallel: remote.parallel, unloadedRecords: true, delegating: true, finally: { outcomes in
                if json { return printJSON(outcomes) }
                let rows = outcomes.flatMap { outcome in (outcome.report?.statuses ?? []).map { (host: outcome.host, status: $0) } }
                guard !rows.isEmpty || outcomes.allSatisfy({ $0.failure == nil }) else { return }
                let onHosts = outcomes.contains { $0.host != nil }
                let hostColumn = onHosts ? rows.map { $0.host?.description ?? "" } : nil
                for line in StatusView.table(rows.map(\.status), now: now, width: width, hosts: hostColumn, legend: legend && !onHosts,
                                                    place: HostOptions.place(hosts, scope: scope.scope)) {
                    out.line(line)
                }
            }) { target, report in
                try target.listJobs(tasks: json, into: &report)
            }
            return
        }
        // Each job in detail with its last lines, read where it runs; an app's jobs in a table,
        // from the target's own files. The exit status is per target: 3 when a job is not
        // running, 4 when one does not exist (1 when targets disagree).
        // Each named job's last lines in its journal, asked as soon as the host answers (the
        // bus then says whether it writes to a log file instead).
        var prefetch: (@Sendable (UInt32) -> [[String]])?
        if lines > 0 && !json { prefetch = { @Sendable uid in units.map { RemoteTarget.lastLinesArguments(of: $0, lines, uid: uid) } } }
        try HostOptions.act(scope: scope.scope, hosts: hosts, parallel: remote.parallel, records: names, prefetching: prefetch, delegating: true, finally: { outcomes in
            if json { printJSON(outcomes) }
        }) { target, report in
            try target.describe(names, lines: lines, blocks: !json, now: now, width: width, legend: legend, into: &report)
        }
    }
}
