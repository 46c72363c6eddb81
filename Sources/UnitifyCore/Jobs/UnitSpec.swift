/// Everything unitify asks systemd for when it starts a job: the model that `run` fills from its
/// options and that is turned into transient-unit properties or a unit file.
public struct UnitSpec: Sendable, Equatable {
    /// Every unit unitify starts lives in this slice, so it can be found again; a slice under
    /// `app.slice` follows the desktop convention for applications.
    public static let slice = "app-unitify.slice"

    /// The full unit name, e.g. `server.service`.
    public var name: String
    /// The command as the user typed it; argv[0] is kept as typed so the job sees its usual name.
    public var argv: [String]
    /// The absolute path systemd executes: argv[0] resolved with the caller's PATH.
    public var executable: String
    public var workingDirectory: String
    /// `KEY=VALUE` assignments, in order; later ones win, as in systemd.
    public var environment: [String]
    public var restart: RestartPolicy
    /// Delay between a crash and the restart; nil leaves systemd's default. With `restartBackoff`,
    /// the first delay of a run of failures (MIN of `--restart-sec MIN..MAX`).
    public var restartDelay: TimeSpan?
    /// Restarts whose delay grows from `restartDelay` to a maximum (`--restart-sec MIN..MAX`).
    public var restartBackoff: RestartBackoff?
    public var startLimit: StartLimit?
    public var description: String
    public var memoryMax: MemoryLimit?
    public var cpuQuota: CPUQuota?
    public var nice: Int32?
    public var standardOutput: OutputTarget = .journal
    public var standardError: OutputTarget = .journal
    public var standardInput: String?
    /// When set, a `.timer` unit starts the service instead of starting it now.
    public var timer: TimerSpec?
    /// Commands to run when the job ends (`--on-exit`, `--on-failure`; see `ExitHook`).
    public var hooks = ExitHooks()
    /// Where `run` writes the job's main pid once it started, for a line's `echo $! > FILE`: a
    /// file of the shell habit, not a unit setting.
    public var pidFile: OutputTarget?
    /// The app (a Procfile's jobs) this job belongs to: `App=` in the unit file's `[X-Unitify]`.
    public var app: String?
    /// Units this one starts after (`After=`), once they are ready.
    public var after: [String] = []
    /// What must hold before the job counts as started (`ExecStartPost=`).
    public var readiness: Readiness?
    /// The unitify that systemd runs before the program, by this path, when the job has a
    /// terminal or capped log files (`execCommand`).
    public var helper: String?
    /// The program runs on a pseudo-terminal that `helper` holds for it (`--tty`, `HeldTerminal`).
    public var tty = false
    /// The output files are rotated at this size by `helper` (`--log-max`, `CappedLog`).
    public var logCap: LogCap?
    /// A checker left behind by `helper` restarts the job when this check keeps failing
    /// (`--health`, `CheckedHealth`).
    public var health: HealthCheck?

    public init(
        name: String, argv: [String], executable: String, workingDirectory: String,
        environment: [String] = [], restart: RestartPolicy = .no, restartDelay: TimeSpan? = nil,
        description: String? = nil
    ) {
        self.name = name
        self.argv = argv
        self.executable = executable
        self.workingDirectory = workingDirectory
        self.environment = environment
        self.restart = restart
        self.restartDelay = restartDelay
        self.description = description ?? ShellWords.join(argv)
    }

    /// A job that is not restarted stays loaded as "exited" after it ends, so `status` can still
    /// say how it ended; a restarted or timer-driven one must go inactive for systemd to start it
    /// again, and one with an exit hook for systemd to run `OnSuccess=` (which waits for inactive).
    public var remainsAfterExit: Bool { restart == .no && timer == nil && hooks.isEmpty }

    /// What systemd executes: the program, or unitify first, which writes the capped log files
    /// (`CappedLog.command`), then holds the terminal (`HeldTerminal.command`), then becomes
    /// the program.
    public var execCommand: (executable: String, argv: [String]) {
        guard let helper else { return (executable, argv) }
        var command = (executable: executable, argv: argv)
        if tty { command = (helper, HeldTerminal.command(name: UnitName.shortName(name), executable: command.executable, argv: command.argv)) }
        if let logCap { command = (helper, CappedLog.command(logCap, executable: command.executable, argv: command.argv)) }
        if let health { command = (helper, CheckedHealth.command(name: UnitName.shortName(name), health, executable: command.executable, argv: command.argv)) }
        return command
    }

    /// The timer's name when there is one: `name.timer` beside `name.service`.
    public var timerName: String? {
        timer.map { _ in UnitName.shortName(name) + ".timer" }
    }
}

/// systemd's start rate limit (`StartLimitBurst=` starts within `StartLimitIntervalSec=`).
public enum StartLimit: Sendable, Equatable {
    /// Never give up: the interval is 0, which turns the limit off.
    case unlimited
    case limit(burst: UInt32, interval: TimeSpan)
}

/// Restarts that back off (`--restart-sec MIN..MAX`): systemd's `RestartSteps=` and
/// `RestartMaxDelaySec=` (254 and later) beside `RestartSec=` MIN. systemd
/// (`service_restart_usec_next`) waits MIN before the first restart of a run of failures,
/// MIN × (MAX/MIN)^((n−1)/steps) before the n-th, and MAX from the (steps+1)-th on. Its counter
/// of restarts never goes back by itself while the job keeps being restarted (systemd #43813):
/// `resetCommand` puts it back after a run that lasted `steadyAfter`.
public struct RestartBackoff: Sendable, Equatable {
    public var steps: UInt32
    public var maxDelay: TimeSpan

    public init(steps: UInt32, maxDelay: TimeSpan) {
        self.steps = steps
        self.maxDelay = maxDelay
    }

    /// From `min` to `max` (`min` < `max`, both above 0) in as many steps as doubling `min` takes
    /// to reach `max`: each delay is at most twice the one before (1s..30s: 1s, 2s, 3.9s, 7.7s,
    /// 15.2s, 30s).
    public init(from min: TimeSpan, to max: TimeSpan) {
        var steps: UInt32 = 0
        var delay = Swift.max(min.microseconds, 1)
        while delay < max.microseconds {
            delay = delay.multipliedReportingOverflow(by: 2).overflow ? .max : delay * 2
            steps += 1
        }
        self.init(steps: Swift.max(steps, 1), maxDelay: max)
    }

    /// Systemd's default start-limit window: a run shorter than this never counts as having stayed up.
    public static let shortestSteadyRun = TimeSpan.seconds(10)

    /// `$0` of the reset command, by which it is told apart from any other `ExecStartPost=`.
    public static let resetMarker = "unitify-backoff"
}

extension UnitSpec {
    /// How long a run of a job whose restarts back off must last for its next restart to wait MIN
    /// again: MAX, at least 10 s, and at least `--within` (so that the reset, which clears the
    /// start limit's count too, never shortens the window `--max-restarts` counts in).
    public var steadyAfter: TimeSpan? {
        guard let restartBackoff else { return nil }
        var span = max(restartBackoff.maxDelay, RestartBackoff.shortestSteadyRun)
        if case .limit(_, let interval)? = startLimit { span = max(span, interval) }
        return span
    }

    /// The `ExecStartPost=` of a job whose restarts back off: in the job's cgroup, a shell that
    /// sleeps `steadyAfter` and then resets the job's restart counter (`systemctl reset-failed`,
    /// `--user` under a user manager, which sets `$MANAGERPID`). It goes with the job: a run that
    /// ends sooner takes it down with it, so only a run that stayed up resets the counter. It
    /// ignores the signals `unitify kill` sends for reloads and dumps; TERM and KILL end it.
    public var backoffResetCommand: [String]? {
        guard let steady = steadyAfter else { return nil }
        let seconds = (steady.microseconds + 999_999) / 1_000_000
        let script = #"trap '' HUP INT QUIT PIPE USR1 USR2; sleep "$1" && exec systemctl ${MANAGERPID:+--user} reset-failed -- "$2" >/dev/null &"#
        return ["/bin/sh", "-c", script, RestartBackoff.resetMarker, "\(seconds)", name]
    }
}

/// Where a stream of the job goes.
public enum OutputTarget: Sendable, Equatable {
    case journal
    /// Opened with O_TRUNC, as the shell's `>` (systemd's `truncate:`; its `file:` would overwrite in place).
    case truncate(String)
    /// Opened with O_APPEND, as the shell's `>>` (systemd's `append:`).
    case append(String)

    public var path: String? {
        switch self {
        case .journal: nil
        case .truncate(let path), .append(let path): path
        }
    }

    /// A file setting as unit files write it: `append:PATH`, `truncate:PATH`, or `file:PATH`
    /// (taken as truncate); nil for anything else (`journal`, `inherit`...) and for no path.
    public init?(setting: String) {
        for (prefix, make) in [("append:", OutputTarget.append), ("truncate:", OutputTarget.truncate), ("file:", OutputTarget.truncate)]
        where setting.hasPrefix(prefix) {
            let path = String(setting.dropFirst(prefix.count))
            guard !path.isEmpty else { return nil }
            self = make(path)
            return
        }
        return nil
    }
}

/// What starts a timer-driven job: a calendar spec and/or a delay after the timer starts.
public struct TimerSpec: Sendable, Equatable {
    public var onCalendar: String?
    public var onActive: TimeSpan?

    public init(onCalendar: String? = nil, onActive: TimeSpan? = nil) {
        self.onCalendar = onCalendar
        self.onActive = onActive
    }
}

/// What a path turned out to be, for resolving the program to run.
public enum FileKind: Sendable {
    case missing, directory, notExecutable, executable
}

/// Resolves argv[0] the way the caller's shell would, so `./server` or `python` mean what they
/// meant before unitify: the user manager's own PATH and working directory differ from the caller's.
public enum ProgramResolver {
    public static func resolve(
        _ program: String, searchPath: String, workingDirectory: String, probe: (String) -> FileKind
    ) throws(UnitifyError) -> String {
        guard !program.isEmpty else { throw UnitifyError.usage("the command is empty: give a program to run after --") }
        if program.contains("/") {
            let path = absolute(program, relativeTo: workingDirectory)
            switch probe(path) {
            case .executable: return path
            case .missing: throw UnitifyError.usage("program '\(program)' not found: \(path) does not exist")
            case .directory: throw UnitifyError.usage("'\(program)' is a directory, not a program: name the file to run")
            case .notExecutable: throw UnitifyError.usage("'\(program)' is not executable: run 'chmod +x \(program)' or name its interpreter, e.g. sh \(program)")
            }
        }
        var sawNonExecutable: String?
        for directory in searchPath.split(separator: ":", omittingEmptySubsequences: false) {
            let base = directory.isEmpty ? workingDirectory : absolute(String(directory), relativeTo: workingDirectory)
            let candidate = base.hasSuffix("/") ? base + program : base + "/" + program
            switch probe(candidate) {
            case .executable: return candidate
            case .notExecutable: sawNonExecutable = sawNonExecutable ?? candidate
            case .missing, .directory: continue
            }
        }
        if let sawNonExecutable {
            throw UnitifyError.usage("'\(program)' is not executable (\(sawNonExecutable)): run 'chmod +x \(sawNonExecutable)'")
        }
        throw UnitifyError.usage("program '\(program)' not found on PATH: check the spelling, or give its path (e.g. ./\(program))")
    }

    /// `path` made absolute against `base`, with `.` and `..` components folded.
    public static func absolute(_ path: String, relativeTo base: String) -> String {
        let joined = path.hasPrefix("/") ? path : base + "/" + path
        var parts: [Substring] = []
        for part in joined.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { _ = parts.popLast(); continue }
            parts.append(part)
        }
        // Appended one by one: `[Substring].joined` is generic code, 23,000 instructions a call,
        // and `run` makes a path absolute for every directory on PATH.
        var result = ""
        for part in parts {
            result.append("/")
            result.append(contentsOf: part)
        }
        return result.isEmpty ? "/" : result
    }
}
