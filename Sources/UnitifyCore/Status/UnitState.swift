/// systemd's `ActiveState` of a unit (org.freedesktop.systemd1(5), "ActiveState"): the state
/// common to every unit type; `SubState` says more for each type.
public enum ActiveState: String, Sendable, CaseIterable {
    case active, reloading, inactive, failed, activating, deactivating, maintenance, refreshing
}

/// systemd's `LoadState`: whether the unit's configuration was loaded, and why not.
public enum LoadState: String, Sendable, CaseIterable {
    case stub, loaded, merged, masked, error
    case notFound = "not-found"
    case badSetting = "bad-setting"
}

/// systemd's `Result` of a service or timer: how its last run ended (systemd.exec(5), "$SERVICE_RESULT").
public enum UnitResult: String, Sendable, CaseIterable {
    case success, resources, `protocol`, timeout, signal, watchdog
    case exitCode = "exit-code"
    case coreDump = "core-dump"
    case startLimitHit = "start-limit-hit"
    case oomKill = "oom-kill"
    case skipCondition = "skip-condition"

    /// Ended by a signal or a core dump: what `on-abort` restarts.
    var isAbort: Bool { self == .signal || self == .coreDump }
    /// An abort, a timeout or a watchdog: what `on-abnormal` restarts.
    var isAbnormal: Bool { isAbort || self == .timeout || self == .watchdog }
}

extension RestartPolicy {
    /// Whether systemd restarts a service with this policy after a run that ended with `result`
    /// (systemd.service(5), the table under "Restart="). `on-watchdog` is taken as never here,
    /// as unitify always has.
    public func restarts(after result: UnitResult?) -> Bool {
        switch self {
        case .always: true
        case .onFailure: result != .success
        case .onSuccess: result == .success
        case .onAbnormal: result?.isAbnormal ?? false
        case .onAbort: result?.isAbort ?? false
        case .no, .onWatchdog: false
        }
    }
}
