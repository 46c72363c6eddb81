/// A unit's state as `status` shows it, read from the manager's properties (see
/// `UnitStatus(properties:unit:)` in UnitifyClient for the table of them). The predicates that
/// decide what the state means (ended, crashed, restarting) are written here once.
public struct UnitStatus: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case transient, persistent, timer, other
    }

    public var unit: String
    public var description = ""
    /// Nil when the manager did not say (or said something this version does not know).
    public var loadState: LoadState?
    public var activeState: ActiveState?
    /// The unit type's own state: `running`, `exited`, `auto-restart`, `dead`, `waiting`...
    public var subState = ""
    /// How the last run ended: `success`, `exit-code`, `signal`, `start-limit-hit`, `oom-kill`...
    public var result: UnitResult?
    public var mainPID: UInt32 = 0
    /// When the unit last became active, microseconds since the epoch.
    public var activeSince: UInt64?
    public var restarts: UInt32 = 0
    public var memoryBytes: UInt64?
    public var cpuNanoseconds: UInt64?
    public var lastExit: ProcessExit?
    public var command: [String] = []
    /// It runs on a terminal unitify holds (`--tty`): `attach` and `send` reach it.
    public var hasTerminal = false
    /// Its log files are rotated at this size (`--log-max`).
    public var logCap: LogCap?
    /// Its health check (`--health`), and what its checker last found, when that was read (on
    /// this machine only).
    public var health: HealthCheck?
    public var healthState: HealthState?
    public var workingDirectory: String?
    public var restartPolicy: RestartPolicy?
    public var restartDelay: TimeSpan?
    public var invocationID: String?
    public var kind: Kind = .other
    /// The timers that start this service.
    public var triggeredBy: [String] = []
    /// For a timer-driven job: whether its timer is still waiting.
    public var timerActive = false
    /// The timer's next elapse, microseconds since the epoch.
    public var nextElapse: UInt64?
    /// Where stdout and stderr go: `journal`, or a file as `append:PATH`/`truncate:PATH`.
    public var standardOutput = "journal"
    public var standardError = "journal"
    /// `enabled`, `disabled`, `static`...; empty for a transient unit.
    public var unitFileState = ""
    /// The file the unit was loaded from (systemd's own file for a transient unit).
    public var fragmentPath: String?
    /// Environment variable names only: values (from --env-file, say) may be secrets.
    public var environmentKeys: [String] = []
    /// The unit's cgroup, where /proc accounting finds its processes.
    public var controlGroup: String?
    /// Processes and threads (`TasksCurrent`).
    public var tasks: UInt64?
    /// Which of memory, CPU time and tasks come from /proc (the manager reported none), and
    /// over how many processes.
    public var estimated: Accounting.Estimated = []
    public var accountedProcesses: Int?
    /// A stopped transient job the manager has forgotten and unitify's record keeps (`JobRecord`).
    public var isRecorded = false
    /// The commands run when it ends (from the record).
    public var hooks = ExitHooks()

    public init(unit: String) { self.unit = unit }

    var isTimer: Bool { unit.hasSuffix(".timer") }

    /// Whether the manager knows no unit of this name.
    public var isNotFound: Bool { loadState == .notFound }

    /// A job of a timer, between two of its starts.
    public var isWaitingForTimer: Bool {
        !isNotFound && (activeState == .inactive && timerActive || isTimer && activeState == .active && subState == "waiting")
    }

    /// The state in words: running, restarting, failed, exited, stopped, waiting for timer.
    public var state: String {
        if isNotFound { return isRecorded ? "stopped" : "not found" }
        if isWaitingForTimer { return "waiting for timer" }
        switch activeState {
        case .active:
            return subState
        case .activating: return isWaitingToRestart ? "restarting" : "starting"
        case .deactivating: return "stopping"
        case .failed: return "failed"
        case .inactive: return lastExit?.isSuccess == true && result == .success ? "exited" : "stopped"
        case let other?: return other.rawValue
        case nil: return ""
        }
    }

    public var isRunning: Bool { activeState == .active || activeState == .reloading }

    /// Whether there is such a job: a unit the manager knows, or a record of a stopped one.
    public var exists: Bool { !isNotFound || isRecorded }

    /// Memory, CPU time and tasks with what is estimated.
    public var accounting: Accounting {
        get {
            var accounting = Accounting(memoryBytes: memoryBytes, cpuNanoseconds: cpuNanoseconds, tasks: tasks)
            accounting.estimated = estimated
            accounting.processes = accountedProcesses
            return accounting
        }
        set {
            memoryBytes = newValue.memoryBytes
            cpuNanoseconds = newValue.cpuNanoseconds
            tasks = newValue.tasks
            estimated = newValue.estimated
            accountedProcesses = newValue.processes
        }
    }

    /// A persistent job its owner stopped: `stop` disables it, so it does not start at boot
    /// until `start` or `up` enables it again. A job that failed is not this.
    public var isHeldStopped: Bool {
        kind == .persistent && unitFileState == "disabled" && activeState == .inactive
    }

    /// Down: stopped or failed, nothing left to stop.
    public var isDown: Bool { activeState == .inactive || activeState == .failed }

    /// A service whose program exited while systemd keeps the unit active (RemainAfterExit=).
    var exitedButKept: Bool { activeState == .active && subState == "exited" && !isTimer }

    /// Between two runs: the program ended and systemd waits `RestartSec=` to start it again.
    public var isWaitingToRestart: Bool { subState == "auto-restart" }

    /// The job has ended and is not about to be restarted: failed, or exited and kept for its
    /// status, or gone inactive.
    public var hasEnded: Bool { isDown || exitedButKept }

    /// What the watch after a start waits for: an end, or a sign that the job is crash-looping.
    public var hasSettled: Bool { hasEnded || restarts > 0 || isWaitingToRestart }

    /// The signs of a crash soon after a start, which `run` reports with the job's last lines.
    public var looksCrashed: Bool {
        activeState == .failed || restarts > 0 || isWaitingToRestart || (lastExit.map { !$0.isSuccess } ?? false)
    }

    /// The start job's process never ran the program: systemd's own exit codes (200 and up) say
    /// it failed before (EXEC, CHDIR...), and no exit at all says nothing ran.
    public var neverRan: Bool {
        lastExit.map { $0.kind == .exited && $0.status >= 200 && $0.status < 256 } ?? true
    }

    /// Failed although its policy restarts on this result: systemd stopped restarting because of
    /// the start limit. (Result= keeps the crash's own result, e.g. exit-code, in that case.)
    public var gaveUpRestarting: Bool {
        activeState == .failed && restarts > 0 && (restartPolicy?.restarts(after: result) ?? false)
    }

    /// Whether systemd's policy restarts the job after it ended with this result.
    public var restartsOnThisResult: Bool {
        (restartPolicy ?? .no).restarts(after: result)
    }

    /// Uptime at `now` (microseconds since the epoch) while the unit is up.
    public func uptime(now: UInt64) -> TimeSpan? {
        guard isRunning, mainPID != 0 || kind == .timer, let since = activeSince, since > 0, now >= since else { return nil }
        return TimeSpan(microseconds: now - since)
    }

    /// The file the job's stdout goes to, when it was started with --log-file or --stdout.
    public var logFile: String? {
        OutputTarget(setting: standardOutput)?.path
    }

    /// Why the unit is not running, in words, with what to do about it; nil when there is nothing to say.
    public var explanation: String? {
        if gaveUpRestarting || result == .startLimitHit {
            return "crashed \(restarts) times and hit the start limit, so systemd gave up: fix the crash (see its log below), or allow more with --max-restarts N --within DURATION"
        }
        switch result {
        case .oomKill:
            return "killed by the kernel's OOM killer: it ran out of memory"
        case .timeout:
            return "timed out"
        case .exitCode, .signal, .coreDump:
            return lastExit.map { "the program \($0.words)" }
        case .success, nil:
            guard activeState == .inactive || subState == "exited", let lastExit, !lastExit.isSuccess else { return nil }
            return "the program \(lastExit.words)"
        case let other?:
            return "failed: \(other.rawValue)"
        }
    }
}
