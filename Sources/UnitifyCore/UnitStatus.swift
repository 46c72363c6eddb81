/// A unit's state as `status` shows it, read from the manager's properties.
public struct UnitStatus: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case transient, persistent, timer, other
    }

    public var unit: String
    public var description = ""
    public var loadState = ""
    public var activeState = ""
    public var subState = ""
    /// systemd's `Result`: `success`, `exit-code`, `signal`, `start-limit-hit`, `oom-kill`...
    public var result = ""
    public var mainPID: UInt32 = 0
    /// When the unit last became active, microseconds since the epoch.
    public var activeSince: UInt64?
    public var restarts: UInt32 = 0
    public var memoryBytes: UInt64?
    public var cpuNanoseconds: UInt64?
    public var lastExit: ProcessExit?
    public var command: [String] = []
    public var workingDirectory: String?
    public var restartPolicy: String?
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

    public init(unit: String) { self.unit = unit }

    /// The state in words: running, restarting, failed, exited, stopped, waiting for timer.
    public var state: String {
        switch activeState {
        case _ where loadState == "not-found": return "not found"
        case "inactive" where timerActive:
            return "waiting for timer"
        case "active":
            if unit.hasSuffix(".timer") { return subState == "waiting" ? "waiting for timer" : subState }
            return subState == "exited" ? "exited" : (subState == "running" ? "running" : subState)
        case "activating": return subState == "auto-restart" ? "restarting" : "starting"
        case "deactivating": return "stopping"
        case "failed": return "failed"
        case "inactive": return lastExit?.isSuccess == true && result == "success" ? "exited" : "stopped"
        default: return activeState
        }
    }

    public var isRunning: Bool { activeState == "active" || activeState == "reloading" }

    /// Failed although its policy restarts on this result: systemd stopped restarting because of
    /// the start limit. (Result= keeps the crash's own result, e.g. exit-code, in that case.)
    public var gaveUpRestarting: Bool {
        guard activeState == "failed", restarts > 0, let policy = restartPolicy else { return false }
        switch policy {
        case "always": return true
        case "on-failure": return result != "success"
        case "on-abnormal": return ["signal", "core-dump", "timeout", "watchdog"].contains(result)
        case "on-abort": return ["signal", "core-dump"].contains(result)
        default: return false
        }
    }

    /// Whether systemd's policy restarts the job after it ended with this result.
    public var restartsOnThisResult: Bool {
        switch restartPolicy ?? "no" {
        case "always": true
        case "on-failure": result != "success"
        case "on-success": result == "success"
        case "on-abnormal": ["signal", "core-dump", "timeout", "watchdog"].contains(result)
        case "on-abort": ["signal", "core-dump"].contains(result)
        default: false
        }
    }

    /// The job has ended and is not about to be restarted: failed, or exited and kept for its
    /// status, or gone inactive.
    public var hasEnded: Bool {
        activeState == "failed" || activeState == "inactive" || (activeState == "active" && subState == "exited" && !unit.hasSuffix(".timer"))
    }

    /// Uptime at `now` (microseconds since the epoch) while the unit is up.
    public func uptime(now: UInt64) -> TimeSpan? {
        guard isRunning, mainPID != 0 || kind == .timer, let since = activeSince, since > 0, now >= since else { return nil }
        return TimeSpan(microseconds: now - since)
    }

    /// Why the unit is not running, in words, with what to do about it; nil when there is nothing to say.
    public var explanation: String? {
        switch result {
        case _ where gaveUpRestarting, "start-limit-hit":
            return "crashed \(restarts) times and hit the start limit, so systemd gave up: fix the crash (see its log below), or allow more with --max-restarts N --within DURATION"
        case "oom-kill":
            return "killed by the kernel's OOM killer: it ran out of memory"
        case "timeout":
            return "timed out"
        case "exit-code", "signal", "core-dump":
            return lastExit.map { "the program \($0.words)" }
        case "success", "":
            guard activeState == "inactive" || subState == "exited", let lastExit, !lastExit.isSuccess else { return nil }
            return "the program \(lastExit.words)"
        default:
            return "failed: \(result)"
        }
    }
}
