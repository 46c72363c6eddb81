import Glibc
import ArgumentParser
import UnitifyClient
import UnitifyCore

@main
struct Unitify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unitify",
        abstract: "Run long jobs as systemd user services instead of nohup.",
        discussion: """
            unitify starts a command as a transient systemd user unit: supervised, restarted when \
            asked, logged to the journal, and easy to find again.
            """,
        version: "0.1.0",
        subcommands: [
            Run.self, Status.self, JournalCommand.self, Stop.self, Start.self, Restart.self, Kill.self, Wait.self,
            Remove.self, Top.self, Attach.self, Send.self, Install.self, Uninstall.self, Cat.self, Generate.self, Up.self, Down.self, Doctor.self,
        ]
    )

    /// Parses, runs, and reports any failure as one line on stderr with a meaningful exit status,
    /// never a stack trace: unitify's own errors by their code (`UnitifyError`), the argument
    /// parser's as usage errors with a pointer to the help.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        ServedClient.adopt()
        // What systemd runs before a job's program: not commands for people, and parsed by hand.
        if arguments.first == HeldTerminal.verb { TerminalHolder.main(Array(arguments.dropFirst())) }
        if arguments.first == CappedLog.verb { LogWriter.main(Array(arguments.dropFirst())) }
        if arguments.first == CheckedHealth.verb { HealthChecker.main(Array(arguments.dropFirst())) }
        // Asked by another host's prelude before each command it hands over (`Delegation`), and
        // the version: answered before the argument parser's set-up, which costs milliseconds.
        if arguments == [RemotePrelude.delegationQuery] {
            print(RemotePrelude.delegationAnswer(version: configuration.version))
            Glibc.exit(0)
        }
        if arguments == ["--version"] {
            print(configuration.version)
            Glibc.exit(0)
        }
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            Output.standard.flush()
        } catch {
            if let failure = UnitifyError(recognizing: error) {
                if failure.message.isEmpty { Output.standard.flush() } else { printError("unitify: \(failure.message)") }
                exit(withError: ExitCode(failure.exitStatus))
            }
            let code = exitCode(for: error)
            if code == .success || error is CleanExit {
                exit(withError: error)  // --help, --version
            }
            let message = firstLine(of: fullMessage(for: error)) ?? "\(error)"
            let isUsage = code == .validationFailure
            let subcommand = arguments.first { word in configuration.subcommands.contains { $0._commandName == word } }
            let help = "unitify " + (subcommand.map { $0 + " " } ?? "") + "--help"
            printError("unitify: \(message.replacing("Error: ", with: ""))\(isUsage ? " (see '\(help)')" : "")")
            exit(withError: ExitCode(isUsage ? 2 : 1))
        }
    }

    /// The first line of the argument parser's message, with the choices it lists on lines of
    /// their own (six or more values of a closed set, "one of the following:" and then
    /// "  - VALUE" lines) named in that line, as it names fewer.
    static func firstLine(of message: String) -> String? {
        let lines = message.split(separator: "\n")
        guard let first = lines.first else { return nil }
        let lead = " the following:"
        guard first.hasSuffix(lead) else { return String(first) }
        let choices = lines.dropFirst().prefix { $0.hasPrefix("  - ") }.map { "'\($0.dropFirst(4))'" }
        return first.dropLast(lead.count) + " " + Format.alternatives(choices) + "."
    }
}
