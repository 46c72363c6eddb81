import ArgumentParser
import UnitifyCore

/// The options that describe a job, shared by every command that builds one: its command and
/// name here, the rest in `JobSettings` (which `restart` takes too).
struct JobOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "The unit name (default: from the command: ./server -> server, python job.py -> job).")
    var name: String?

    @Option(help: ArgumentHelp("Run this nohup-style shell line, translated without a shell.", valueName: "line"))
    var line: String?

    @Option(help: ArgumentHelp("Run this line with /bin/sh -c, for pipes and the like.", valueName: "line"))
    var shell: String?

    @OptionGroup var settings: JobSettings

    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("The command to run, after --.", valueName: "command"))
    var command: [String] = []

    /// The command line these options came from, as typed: the comment at the top of a generated file.
    var typedCommandLine: String {
        ShellWords.join(["unitify"] + CommandLine.arguments.dropFirst())
    }

    /// The options as a request; an option this command does not know is refused here, since
    /// the command words after it are captured as they are.
    func request(for subcommand: ParsableCommand.Type) throws -> JobRequest {
        // The capture takes --help too when it comes first.
        if let first = command.first, first == "-h" || first == "--help" {
            throw CleanExit.helpRequest(subcommand)
        }
        if let first = command.first, first.hasPrefix("-"), first != "--" {
            throw UnitifyError.usage("unknown option '\(first)': see 'unitify run --help' (put the command after --)")
        }
        var request = JobRequest()
        request.command = command.first == "--" ? Array(command.dropFirst()) : command
        request.line = line
        request.shell = shell
        request.name = name
        settings.fill(&request)
        return request
    }
}
