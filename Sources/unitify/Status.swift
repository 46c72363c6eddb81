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

    func run() throws {
        guard lines >= 0 else { throw UnitifyError.usage("invalid -n \(lines): give 0 or more lines") }
        let jobs = try Jobs.connect(scope.scope)
        let now = Environment.now()
        let out = Output.standard
        guard !names.isEmpty else {
            // Loaded units in the slice, and persistent ones even when stopped (not loaded).
            let units = Set(try jobs.managedUnits()).union((try? scope.scope.unitFiles().generatedUnits()) ?? [])
            let statuses = try jobs.statuses(of: units.sorted())
            if json {
                out.line(JSON.encode(statuses.map { StatusRecord($0, now: now) }))
            } else {
                for line in StatusView.table(statuses, now: now, width: out.terminalWidth) { out.line(line) }
            }
            return
        }
        var exitCode: Int32 = 0
        var records: [StatusRecord] = []
        for (index, name) in names.enumerated() {
            let unit = try UnitName.normalize(name)
            let status = try jobs.status(of: unit)
            guard !status.isNotFound else {
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
}
