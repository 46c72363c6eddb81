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

    /// One path for this machine and for every host: each target reads its own jobs' lines
    /// (`JournalReading`); this parses the query and says where lines and notes go.
    func run() throws {
        var query = LogQuery()
        query.scope = scope.scope
        query.follow = follow
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
        let names = try names.map { name throws(UnitifyError) in _ = try UnitName.normalize(name); return name }
        let hosts = try remote.remoteHosts(system: scope.system)
        let reading = JournalReading(names: names, query: query, runs: runs ?? .all, output: .standard) { printError("unitify: " + $0) }
        try reading.run(scope: scope.scope, hosts: hosts, parallel: remote.parallel, delegating: HostOptions.delegation(follows: query.follow))
    }
}
