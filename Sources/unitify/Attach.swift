import ArgumentParser
import UnitifyClient
import UnitifyCore

struct Attach: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Join a --tty job's terminal: see it, type into it, detach with Ctrl-\\.",
        discussion: """
            You see the job's recent output, then what it writes; what you type goes to the \
            program, and your window's size is its terminal's. Ctrl-\\ detaches and the job runs \
            on; several terminals may be attached at once.

            Examples:
              unitify run --tty --name mc -- java -jar server.jar
              unitify attach mc
              unitify attach --read-only mc
            """
    )

    @Argument(help: "The job, started with --tty.", completion: .custom(JobNameCompletion.candidates))
    var name: String

    @Flag(name: .customLong("read-only"), help: "Watch without typing.")
    var readOnly = false

    @Option(name: .customLong("detach-key"), help: ArgumentHelp("The key that detaches: ^X, ctrl-x, or none.", valueName: "key"))
    var detachKey = "^\\"

    @OptionGroup var scope: ScopeOptions

    @Option(name: .customLong("host"), help: ArgumentHelp("Attach to the job on this host, through ssh -t (unitify must be installed there).", valueName: "[user@]host[:port]"))
    var host: String?

    func run() throws {
        let key = try DetachKey.parse(detachKey)
        let short = UnitName.shortName(try UnitName.normalize(name))
        if let host {
            try HostOptions.refuseSystem(scope.system)
            var arguments = ["attach", short, "--detach-key", detachKey]
            if readOnly { arguments.append("--read-only") }
            try JobTerminal.runThere(try HostAddress(parsing: host), arguments: arguments, terminal: true)
        }
        let keyName = key.map { DetachKey.name($0) + " detaches" } ?? "no key detaches (--detach-key none)"
        let ending: JobTerminal.Ending
        do {
            ending = try JobTerminal.attach(name: short, system: scope.system, readOnly: readOnly, detachKey: key,
                                            announce: "[unitify: attached to \(short)\(readOnly ? ", read-only" : ""); \(keyName)]")
        } catch {
            throw error.explained(name: short, scope: scope.scope)
        }
        switch ending {
        case .detached: printError("\r\n[unitify: detached from \(short), which runs on: 'unitify attach \(ShellWords.quote(short))' to come back]")
        case .closed: printError("\r\n[unitify: \(short)'s terminal closed: the job ended or restarts; 'unitify status \(ShellWords.quote(short))' says which]")
        }
    }
}
