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
    /// Delay between a crash and the restart; nil leaves systemd's default.
    public var restartDelay: TimeSpan?
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
