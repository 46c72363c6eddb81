import ArgumentParser
import UnitifyCore

/// The options that describe a job, shared by every command that builds one.
struct JobOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "The unit name (default: from the command: ./server -> server, python job.py -> job).")
    var name: String?

    @Option(help: ArgumentHelp("Run this nohup-style shell line, translated without a shell.", valueName: "line"))
    var line: String?

    @Option(help: ArgumentHelp("Run this line with /bin/sh -c, for pipes and the like.", valueName: "line"))
    var shell: String?

    @Option(help: "When to restart: \(RestartPolicy.allCases.map(\.rawValue).joined(separator: ", ")).")
    var restart: String?

    @Option(name: .customLong("restart-sec"), help: ArgumentHelp("Delay before a restart (default 1s with a policy).", valueName: "duration"))
    var restartSec: String?

    @Option(name: .customLong("max-restarts"), help: ArgumentHelp("Give up after N starts within --within (default: never with --restart always).", valueName: "n"))
    var maxRestarts: String?

    @Option(help: ArgumentHelp("The window for --max-restarts (default 10s).", valueName: "duration"))
    var within: String?

    @Option(name: [.short, .customLong("env")], help: ArgumentHelp("Set KEY=VALUE, or copy KEY from your environment (repeatable).", valueName: "key[=value]"))
    var env: [String] = []

    @Option(name: .customLong("env-file"), help: ArgumentHelp("Read KEY=VALUE lines from a file (repeatable).", valueName: "file"))
    var envFiles: [String] = []

    @Flag(name: .customLong("keep-env"), help: "Carry your whole environment into the job.")
    var keepEnv = false

    @Flag(name: .customLong("no-path"), help: "Do not carry your PATH (the job gets the manager's).")
    var noPath = false

    @Flag(help: "Leave Python's output buffered (unitify sets PYTHONUNBUFFERED=1 by default).")
    var buffered = false

    @Option(name: [.customShort("C"), .customLong("cwd")], help: ArgumentHelp("Working directory (default: the current one).", valueName: "dir"))
    var cwd: String?

    @Option(name: .customLong("memory-max"), help: ArgumentHelp("Memory limit: 512M, 2G, or a percentage of RAM.", valueName: "size"))
    var memoryMax: String?

    @Option(name: .customLong("cpu-quota"), help: ArgumentHelp("CPU limit in percent of one CPU, e.g. 50% or 200%.", valueName: "percent"))
    var cpuQuota: String?

    @Option(help: ArgumentHelp("Scheduling priority, -20 (first) to 19 (last).", valueName: "n"))
    var nice: String?

    @Option(name: .customLong("log-file"), help: ArgumentHelp("Append stdout and stderr to this file instead of the journal.", valueName: "path"))
    var logFile: String?

    @Option(help: ArgumentHelp("Append stdout to this file.", valueName: "path"))
    var stdout: String?

    @Option(help: ArgumentHelp("Append stderr to this file.", valueName: "path"))
    var stderr: String?

    @Option(name: .customLong("on-calendar"), help: ArgumentHelp("Start on a calendar schedule, e.g. daily or '*-*-* 03:00' (systemd.time(7)).", valueName: "spec"))
    var onCalendar: String?

    @Option(name: .customLong("on-active"), help: ArgumentHelp("Start after this delay, through a timer.", valueName: "duration"))
    var onActive: String?

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
        request.restart = restart
        request.restartDelay = restartSec
        request.maxRestarts = maxRestarts
        request.within = within
        request.env = env
        request.envFiles = envFiles
        request.keepEnvironment = keepEnv
        request.carryPath = !noPath
        request.unbuffered = !buffered
        request.directory = cwd
        request.memoryMax = memoryMax
        request.cpuQuota = cpuQuota
        request.nice = nice
        request.logFile = logFile
        request.stdout = stdout
        request.stderr = stderr
        request.onCalendar = onCalendar
        request.onActive = onActive
        return request
    }
}
