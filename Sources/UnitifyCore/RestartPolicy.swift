/// systemd's `Restart=` values. See systemd.service(5), "Restart=".
public enum RestartPolicy: String, Sendable, CaseIterable {
    case no
    case onSuccess = "on-success"
    case onFailure = "on-failure"
    case onAbnormal = "on-abnormal"
    case onAbort = "on-abort"
    case onWatchdog = "on-watchdog"
    case always

    public init(parsing text: String) throws(UnitifyError) {
        guard let policy = RestartPolicy(rawValue: text) else {
            throw UnitifyError.usage("invalid restart policy '\(text)': use one of \(Self.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = policy
    }
}
