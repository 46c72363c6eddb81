import ArgumentParser
import UnitifyClient
import UnitifyCore

struct JournalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal",
        abstract: "Show jobs' output from the journal (or their log file), and follow it.",
        discussion: """
            With no NAME, every unitify job's lines are interleaved in time, each prefixed by its \
            name. A job started with --log-file is read from that file. A NAME that is no job \
            and has no lines is an error (exit status 4); one with old lines shows them.
            """,
        aliases: ["logs"]
    )

    @Argument(help: "Units, with or without .service; none for every unitify job.", completion: .custom(JobNameCompletion.candidates))
    var names: [String] = []

    @Option(name: [.customShort("n"), .customLong("lines")], help: "How many of the last lines to show, or 'all'.")
    var lines: String = "50"

    @Flag(name: .shortAndLong, help: "Keep printing new lines until interrupted.")
    var follow = false

    @Option(help: ArgumentHelp("Lines at or after this time: YYYY-MM-DD [HH:MM[:SS]], today, yesterday, -1h, '1h ago'.", valueName: "time"))
    var since: String?

    @Option(help: ArgumentHelp("Lines at or before this time (same forms as --since).", valueName: "time"))
    var until: String?

    @Option(name: [.customShort("p"), .customLong("priority")], help: "Only this priority and more important: 0-7 or emerg..debug.")
    var priority: String?

    @Option(name: [.customShort("g"), .customLong("grep")], help: "Only lines whose message matches this regular expression (case-insensitive when all lowercase).")
    var grep: String?

    @Option(name: [.customShort("o"), .customLong("output")], help: "How lines are printed (default: short).")
    var output: LogFormat?

    @Option(name: .customLong("run"), help: "Which runs of the one NAME (default: all).")
    var runs: RunSelection?

    @OptionGroup var scope: ScopeOptions

    @OptionGroup var remote: HostOptions

    func run() throws {
        var query = LogQuery()
        query.scope = scope.scope
        query.units = try JobStorage.local(scope.scope).units(naming: names)
        if lines == "all" {
            query.lines = nil
        } else if let n = Int(lines), n >= 0 {
            query.lines = n
        } else {
            throw UnitifyError.usage("invalid -n '\(lines)': give a number of lines, or 'all'")
        }
        query.format = output ?? .short
        query.since = try since.map { text throws(UnitifyError) in Clock.resolve(try TimePoint(parsing: text)) }
        query.until = try until.map { text throws(UnitifyError) in Clock.resolve(try TimePoint(parsing: text)) }
        if let since = query.since, let until = query.until, since > until {
            throw UnitifyError.usage("--since is after --until: nothing can match")
        }
        query.maxPriority = try priority.map { text throws(UnitifyError) in try Priority.parse(text) }
        if let grep {
            guard var regex = try? Regex(grep) else { throw UnitifyError.usage("invalid -g '\(grep)': not a regular expression") }
            if !grep.contains(where: \.isUppercase) { regex = regex.ignoresCase() }
            query.grep = regex
        }
        let hosts = try remote.remoteHosts()
        if !hosts.isEmpty { return try journalOnHosts(hosts, query) }
        let selection = runs ?? .all
        let job = query.units.count == 1 ? Self.managerFacts(of: query.units[0], run: selection != .all, scope: scope.scope) : nil
        if selection != .all {
            guard query.units.count == 1 else { throw UnitifyError.usage("--run \(selection.rawValue) needs exactly one NAME") }
            let unit = query.units[0]
            guard let bounds = selection.bounds(in: try UnitLog.runs(of: unit, scope: scope.scope), currentID: job?.run) else {
                throw UnitifyError.failed("\(UnitName.shortName(unit)) has no \(selection.rawValue) run in the journal")
            }
            if let since = bounds.since { query.since = max(query.since ?? 0, since) }
            if let until = bounds.until { query.until = min(query.until ?? .max, until) }
        }

        if let file = job?.logFile {
            try FileLog(path: file, output: .standard).show(lines: query.lines, follow: follow)
            return
        }
        let log = try UnitLog(query)
        let printed = try log.printTail()
        if printed == 0, !query.units.isEmpty, let unknown = Self.unknownJobs(query.units, scope: scope.scope), unknown.count == query.units.count {
            let shown = unknown.map { UnitName.shortName($0) }.joined(separator: ", ")
            throw UnitifyError.notFound("no unit named \(shown), and no lines of \(unknown.count == 1 ? "it" : "them") in the journal: 'unitify status' lists your jobs")
        }
        if follow { try log.follow() }
    }

    /// Those of `units` that are no job at all: no unit or unit file (the manager would load
    /// it), no record. Nil when the manager cannot say.
    static func unknownJobs(_ units: [String], scope: ManagerScope) -> [String]? {
        guard let jobs = try? Jobs.connect(scope), let statuses = try? jobs.jobStatuses(of: units) else { return nil }
        return statuses.filter { !$0.exists }.map(\.unit)
    }

    /// What only the manager knows of one job: its current run (when `run`) and its log file, asked
    /// over one connection that is closed on return, before any following: a connection nobody
    /// reads fills with the manager's signals. Nil parts when the manager cannot say.
    static func managerFacts(of unit: String, run: Bool, scope: ManagerScope) -> (run: String?, logFile: String?)? {
        guard let jobs = try? Jobs.connect(scope) else { return nil }
        return (run ? try? jobs.status(of: unit).invocationID : nil, try? jobs.logFile(of: unit))
    }
}
