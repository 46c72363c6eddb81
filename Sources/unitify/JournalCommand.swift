import ArgumentParser
import UnitifyClient
import UnitifyCore

struct JournalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal", abstract: "Show a job's output from the journal, and follow it.")

    @Argument(help: "The unit, with or without .service.")
    var name: String

    @Option(name: [.customShort("n"), .customLong("lines")], help: "How many of the last lines to show, or 'all'.")
    var lines: String = "50"

    @Flag(name: .shortAndLong, help: "Keep printing new lines until interrupted.")
    var follow = false

    @Option(name: .shortAndLong, help: "Output format: short or cat.")
    var output: String = "short"

    func run() throws {
        let count: Int?
        if lines == "all" {
            count = nil
        } else if let n = Int(lines), n >= 0 {
            count = n
        } else {
            throw InputError("invalid -n '\(lines)': give a number of lines, or 'all'")
        }
        guard let format = LogFormat(rawValue: output) else {
            throw InputError("invalid -o '\(output)': use one of \(LogFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let log = try UnitLog(units: [try UnitName.normalize(name)], format: format)
        try log.printTail(lines: count)
        if follow { try log.follow() }
    }
}
