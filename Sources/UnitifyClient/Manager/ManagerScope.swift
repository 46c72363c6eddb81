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
