import ArgumentParser
import Systemd
import UnitifyClient
import UnitifyCore

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start a command as a supervised systemd user service.",
        discussion: "The job runs in the current directory with your PATH, and logs to the journal."
    )

    @Option(name: .shortAndLong, help: "The unit name (default: from the command, e.g. ./server → server).")
    var name: String?

    @Option(help: "When systemd restarts the job: no, on-success, on-failure, on-abnormal, on-abort, on-watchdog, always.")
    var restart: String = "no"

    @Option(name: .customLong("restart-sec"), help: "Delay before a restart, e.g. 500ms, 2s, 1min.")
    var restartSec: String?

    @Option(name: [.short, .customLong("env")], help: "Set KEY=VALUE in the job's environment (repeatable).")
    var env: [String] = []

    @Argument(parsing: .captureForPassthrough, help: "The command to run, after --.")
    var command: [String] = []

    func run() throws {
        let spec = try makeSpec()
        let manager = try Manager.user()
        let status = try manager.start(spec)
        let short = UnitName.shortName(spec.name)
        let out = Output.standard
        out.line("started \(spec.name) (pid \(status.mainPID))")
        out.line("  logs:   unitify journal \(ShellWords.quote(short)) -f")
        out.line("  status: unitify status \(ShellWords.quote(short))")
        out.line("  stop:   unitify stop \(ShellWords.quote(short))")
    }

    func makeSpec() throws -> UnitSpec {
        let argv = command.first == "--" ? Array(command.dropFirst()) : command
        guard !argv.isEmpty else { throw InputError("no command given: put it after --, e.g. unitify run -- ./server --port 8080") }
        let policy = try RestartPolicy(parsing: restart)
        let delay = try restartSec.map { s throws(InputError) in try TimeSpan(parsing: s) }
        guard let cwd = Environment.currentDirectory() else {
            throw InputError("the current directory no longer exists: cd somewhere that does")
        }
        let path = Environment.value("PATH") ?? "/usr/local/bin:/usr/bin:/bin"
        let executable = try ProgramResolver.resolve(argv[0], searchPath: path, workingDirectory: cwd, probe: Environment.fileKind)
        var environment = ["PATH=\(path)"]
        for assignment in env {
            guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
                throw InputError("invalid -e '\(assignment)': write KEY=VALUE")
            }
            environment.append(assignment)
        }
        let unit = try UnitName.normalize(name ?? UnitName.derive(from: argv))
        return UnitSpec(
            name: unit, argv: argv, executable: executable, workingDirectory: cwd,
            environment: environment, restart: policy, restartDelay: delay)
    }
}
