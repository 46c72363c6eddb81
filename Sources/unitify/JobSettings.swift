import ArgumentParser
import UnitifyCore

/// What a job runs with besides its command and name: restarts, environment, directory, limits,
/// outputs, schedule and exit hooks. `run` and `generate` take them for a new job, `restart` to
/// change a job's own.
struct JobSettings: ParsableArguments {
    @Option(help: "When systemd restarts the job.")
    var restart: RestartPolicy?

    @Option(name: .customLong("restart-sec"), help: ArgumentHelp(
        "Delay before a restart (default 1s with a policy), or MIN..MAX: from MIN, at most doubling on each failure up to MAX, and from MIN again once the job has run for MAX (10s at least); never given up without --max-restarts. Backing off needs systemd 254.",
        valueName: "duration"))
    var restartSec: String?

    @Option(name: .customLong("max-restarts"), help: ArgumentHelp("Give up after N starts within --within (default: never with --restart always or a MIN..MAX --restart-sec).", valueName: "n"))
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

    @Option(name: .customLong("on-exit"), help: ArgumentHelp("Run this shell command whenever the job ends (systemd's OnSuccess= and OnFailure=).", valueName: "command"))
    var onExit: String?

    @Option(name: .customLong("on-failure"), help: ArgumentHelp("Run this shell command when the job fails (systemd's OnFailure=).", valueName: "command"))
    var onFailure: String?

    @Option(name: .customLong("log-max"), help: ArgumentHelp("Rotate each output file at this size: 100K, 50M, 1G, or none (default 50M for --log-file, --stdout and --stderr).", valueName: "size"))
    var logMax: String?

    @Option(name: .customLong("log-keep"), help: ArgumentHelp("Older parts of a rotated file to keep, as FILE.1 … FILE.N (default 5).", valueName: "n"))
    var logKeep: String?

    @Flag(name: .shortAndLong, help: "Run the program on a terminal that unitify holds: 'unitify attach NAME' to watch and type, 'unitify send NAME TEXT' from scripts.")
    var tty = false

    @Option(help: ArgumentHelp("Restart the job when this check keeps failing: tcp:PORT (or PORT), unix:PATH, file:PATH, 'cmd:COMMAND' or http://HOST[:PORT]/PATH (2xx or 3xx).", valueName: "check"))
    var health: String?

    @Option(name: .customLong("health-every"), help: ArgumentHelp("How often --health checks (default 10s).", valueName: "duration"))
    var healthEvery: String?

    @Option(name: .customLong("health-failures"), help: ArgumentHelp("Failed checks in a row before the job is restarted (default 3).", valueName: "n"))
    var healthFailures: String?

    /// Copies the options given into `request`.
    func fill(_ request: inout JobRequest) {
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
        request.onExit = onExit
        request.onFailure = onFailure
        request.tty = tty
        request.logMax = logMax
        request.logKeep = logKeep
        request.health = health
        request.healthEvery = healthEvery
        request.healthFailures = healthFailures
    }
}
