/// systemd's `Restart=` values. See systemd.service(5), "Restart=".
public enum RestartPolicy: String, Sendable, CaseIterable {
    case no
    case onSuccess = "on-success"
    case onFailure = "on-failure"
    case onAbnormal = "on-abnormal"
    case onAbort = "on-abort"
    case onWatchdog = "on-watchdog"
    case always
}
