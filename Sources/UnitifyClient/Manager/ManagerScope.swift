import Glibc
import UnitifyCore

/// Whose service manager a command works with: the caller's own user manager, or with `--system`
/// the system manager (PID 1), its unit files in /etc/systemd/system and its journal fields.
public enum ManagerScope: Sendable, Equatable {
    case user
    case system

    public var isSystem: Bool { self == .system }

    /// Where unit files of this scope are written.
    public func unitFiles() throws(UnitifyError) -> UnitFileDirectory {
        switch self {
        case .user: try UnitFileDirectory.user()
        case .system: .system
        }
    }

    /// Where runs of one name take turns: beside the manager, so that every caller of the same
    /// manager finds the same locks (`$XDG_RUNTIME_DIR` may be unset or someone else's).
    public var lockDirectory: String {
        switch self {
        case .user: (ManagerLocation.current().runtimeDirectory ?? "/tmp") + "/unitify"
        case .system: "/run/unitify"
        }
    }
}

extension ManagerScope {
    /// The records of this manager's transient jobs (`JobRecordDirectory`).
    public var jobRecords: JobRecordDirectory { JobRecordDirectory(beside: lockDirectory) }

    /// The manager's runtime unit directory, for the exit-hook units of transient jobs: searched by
    /// the manager (systemd.unit(5), "Unit File Load Path") and gone after a reboot, as the job is.
    public var runtimeUnitFiles: UnitFileDirectory {
        switch self {
        case .user: UnitFileDirectory(directory: (ManagerLocation.current().runtimeDirectory ?? "/nonexistent") + "/systemd/user")
        case .system: UnitFileDirectory(directory: "/run/systemd/system")
        }
    }
}
