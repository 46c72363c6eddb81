import ArgumentParser
import UnitifyClient
import UnitifyCore

struct Send: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Type text and Enter into a --tty job's terminal, as screen -X stuff does.",
        discussion: """
            The words are joined with spaces, as echo joins them. For scripts and cron.

            Examples:
              unitify send mc say the server restarts at noon
              unitify send --no-enter repl $'\\x03'      # Ctrl-C
            """
    )

    @Argument(help: "The job, started with --tty.", completion: .custom(JobNameCompletion.candidates))
    var name: String

    @Argument(help: "The text to type.")
    var text: [String] = []

    @Flag(name: .customLong("no-enter"), help: "Leave Enter off.")
    var noEnter = false

    @OptionGroup var scope: ScopeOptions

    @Option(name: .customLong("host"), help: ArgumentHelp("Send to the job on this host, through ssh (unitify must be installed there).", valueName: "[user@]host[:port]"))
    var host: String?

    func run() throws {
        let short = UnitName.shortName(try UnitName.normalize(name))
        guard !text.isEmpty || !noEnter else { throw UnitifyError.usage("nothing to send: give the text, or leave out --no-enter to send Enter alone") }
        if let host {
            try HostOptions.refuseSystem(scope.system)
            try JobTerminal.runThere(try HostAddress(parsing: host), arguments: ["send", short] + (noEnter ? ["--no-enter"] : []) + ["--"] + text, terminal: false)
        }
        // Enter is a carriage return on a terminal, as a keyboard sends it.
        let keys = Array(text.joined(separator: " ").utf8) + (noEnter ? [] : [UInt8(ascii: "\r")])
        do {
            try JobTerminal.send(name: short, system: scope.system, keys: keys)
        } catch {
            throw error.explained(name: short, scope: scope.scope)
        }
    }
}
