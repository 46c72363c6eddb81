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
        let hosts = try remote.remoteHosts()
        if !hosts.isEmpty {
            try HostOptions.refuseSystem(scope.system)
            return try names.isEmpty || json ? fleetTable(hosts) : fleetBlocks(hosts)
        }
        let jobs = try Jobs.connect(scope.scope)
        let now = Environment.now()
        let out = Output.standard
        guard !names.isEmpty else {
            // Loaded units in the slice, persistent ones even when stopped (not loaded), and
            // stopped transient ones the manager forgot but unitify keeps a record of. The table
            // shows no tasks: it asks for none.
            let statuses = try jobs.allJobStatuses(tasks: json)
            if json {
                out.line(JSON.encode(statuses.map { StatusRecord($0, now: now) }))
            } else {
                for line in StatusView.table(statuses, now: now, width: out.terminalWidth, legend: out.isTerminal) { out.line(line) }
            }
            return
        }
        let units = try JobStorage.local(scope.scope).units(naming: names)
        if !json, try units != names.map({ name throws(UnitifyError) in try UnitName.normalize(name) }) {
            // An app: its jobs as a table, as plain 'status' shows every job.
            let statuses = try jobs.jobStatuses(of: units)
            for line in StatusView.table(statuses, now: now, width: out.terminalWidth, legend: out.isTerminal) { out.line(line) }
            if statuses.contains(where: { !$0.isRunning || $0.hasEnded }) { throw UnitifyError.exit(3) }
            return
        }
        var exitCode: Int32 = 0
        var records: [StatusRecord] = []
        for (index, unit) in units.enumerated() {
            let status = try jobs.jobStatuses(of: [unit])[0]
            guard status.exists else {
                printError("unitify: no unit named \(UnitName.shortName(unit)): 'unitify status' lists yours")
                exitCode = 4
                continue
            }
            // A job whose process is gone is not running, even where systemd keeps the unit active.
            if (!status.isRunning || status.hasEnded) && exitCode == 0 { exitCode = 3 }
            if json {
                records.append(StatusRecord(status, now: now))
                continue
            }
            if index > 0 { out.line() }
            for line in StatusView.block(status, now: now) { out.line(line) }
            if lines > 0 {
                out.line()
                UnitLog.printLastLines(of: status, lines, to: out, scope: scope.scope)
            }
        }
        if json { out.line(JSON.encode(records)) }
        if exitCode != 0 { throw UnitifyError.exit(exitCode) }
    }

    /// `--host` with names: each host's jobs in detail with their last lines, read there, each
    /// line after the host's name. The exit status is as here, per host: 3 when a job is not
    /// running, 4 when one does not exist (1 when the hosts disagree).
    func fleetBlocks(_ hosts: [RemoteHost]) throws {
        let units = try names.map { name throws(UnitifyError) in try UnitName.normalize(name) }
        let lines = self.lines
        try HostOptions.act(on: hosts) { reached, report in
            let now = Environment.now()
            for (index, status) in try reached.jobs.jobStatuses(of: units).enumerated() {
                guard status.exists else {
                    report.notes.append("no unit named \(UnitName.shortName(status.unit)) there: 'unitify status --host \(reached.host)' lists yours")
                    report.exitStatus = 4
                    continue
                }
                if (!status.isRunning || status.hasEnded) && report.exitStatus == 0 { report.exitStatus = 3 }
                if index > 0 { report.lines.append("") }
                report.lines += StatusView.block(status, now: now)
                if lines > 0 { report.lines += [""] + reached.lastLines(of: status, lines) }
            }
        }
    }

    /// `--host`: one table of every host's jobs (or the named ones), a HOST column first; a host
    /// that fails is said in one line and the others are shown. Exit status 1 when one failed, 4
    /// when a named job is on no host.
    func fleetTable(_ hosts: [RemoteHost]) throws {
        let units = try names.map { name throws(UnitifyError) in try UnitName.normalize(name) }
        let tasks = json
        // As here: stopped persistent jobs and recorded transient ones too, from the host's files.
        let results = Fleet(hosts: hosts).each { _, jobs, _ in
            try units.isEmpty ? jobs.allJobStatuses(tasks: tasks) : jobs.jobStatuses(of: units).filter(\.exists)
        }
        let now = Environment.now()
        var rows: [(host: String, status: UnitStatus)] = []
        var failed = false
        for (host, result) in results {
            switch result {
            case .success(let statuses): rows += statuses.map { (host.description, $0) }
            case .failure(let error):
                printError("unitify: \(error.message)")
                failed = true
            }
        }
        let out = Output.standard
        if json {
            out.line(JSON.encode(rows.map { StatusRecord($0.status, now: now, host: $0.host) }))
        } else if !rows.isEmpty || !failed {
            for line in StatusView.table(rows.map(\.status), now: now, width: out.terminalWidth, hosts: rows.map(\.host)) { out.line(line) }
        }
        if failed { throw UnitifyError.exit(1) }
        let missing = units.filter { unit in !rows.contains { $0.status.unit == unit } }
        if !missing.isEmpty {
            printError("unitify: no unit named \(missing.map(UnitName.shortName).joined(separator: ", ")) on \(hosts.map(\.description).joined(separator: ", "))")
            throw UnitifyError.exit(4)
        }
    }
}
