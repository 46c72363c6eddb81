import ArgumentParser
import Glibc
import Systemd
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
            Run.self, Status.self, JournalCommand.self, Stop.self,
            Install.self, Uninstall.self, Cat.self, Generate.self, Doctor.self,
        ]
    )

    /// Parses, runs, and reports any failure as one line on stderr with a meaningful exit status,
    /// never a stack trace.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            Output.standard.flush()
        } catch let exit as ExitCode {
            Output.standard.flush()
            Unitify.exit(withError: exit)
        } catch let failure as CommandFailure {
            printError("unitify: \(failure.description)")
            exit(withError: ExitCode(failure.exitCode))
        } catch let input as InputError {
            printError("unitify: \(input.message)")
            exit(withError: ExitCode(2))
        } catch let systemd as SystemdError {
            printError("unitify: \(Self.explain(systemd))")
            exit(withError: ExitCode(1))
        } catch let unreachable as ManagerUnreachable {
            printError("unitify: \(unreachable.description)")
            exit(withError: ExitCode(1))
        } catch {
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

    /// A libsystemd failure in words: the manager's own message for a D-Bus error, and for a
    /// broken connection what most likely happened.
    static func explain(_ error: SystemdError) -> String {
        switch error.errno {
        case ECONNRESET, ENOTCONN, EPIPE, ECONNREFUSED, ESHUTDOWN:
            return "lost the connection to your systemd user manager (it stopped or restarted) during \(error.operation); run 'unitify doctor' if it persists"
        case ETIMEDOUT:
            return "systemd did not answer in time during \(error.operation)"
        default:
            return error.busErrorMessage.map { "\(error.operation): \($0)" } ?? error.description
        }
    }
}
