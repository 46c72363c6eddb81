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
            Remove.self, Top.self, Install.self, Uninstall.self, Cat.self, Generate.self, Doctor.self,
        ]
    )

    /// Parses, runs, and reports any failure as one line on stderr with a meaningful exit status,
    /// never a stack trace: unitify's own errors by their code (`UnitifyError`), the argument
    /// parser's as usage errors with a pointer to the help.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
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
            let message = fullMessage(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            let isUsage = code == .validationFailure
            let subcommand = arguments.first { word in configuration.subcommands.contains { $0._commandName == word } }
            let help = "unitify " + (subcommand.map { $0 + " " } ?? "") + "--help"
            printError("unitify: \(message.replacing("Error: ", with: ""))\(isUsage ? " (see '\(help)')" : "")")
            exit(withError: ExitCode(isUsage ? 2 : 1))
        }
    }
}
