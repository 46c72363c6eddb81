import Glibc
import Systemd
import UnitifyCore

extension UnitifyError {
    /// Any failure the client lets through, as the one error type: a `UnitifyError` as it is, a
    /// libsystemd failure in words (the manager's own message for a D-Bus error, and for a broken
    /// connection what most likely happened). Nil for errors that are not unitify's (the argument
    /// parser's), which the caller reports its own way.
    public init?(recognizing error: any Error) {
        switch error {
        case let error as UnitifyError:
            self = error
        case let error as SystemdError:
            self = .failed(Self.explain(error))
        default:
            return nil
        }
    }

    static func explain(_ error: SystemdError) -> String {
        switch error.errno {
        case ECONNRESET, ENOTCONN, EPIPE, ECONNREFUSED, ESHUTDOWN:
            return "lost the connection to your systemd user manager (it stopped or restarted) during \(error.operation); run 'unitify doctor' if it persists"
        case ETIMEDOUT:
            return "systemd did not answer in time during \(error.operation)"
        default:
            return error.busErrorMessage.map { "\(error.operation): \($0)" } ?? error.description
        }
    }

    /// Why the user's manager cannot be reached, with the way out (see `Check.unreachableMessage`).
    static func unreachable(_ access: ManagerAccess) -> UnitifyError {
        .unreachable(Check.unreachableMessage(access, caller: .current))
    }
}

/// An errno value in words: the one place they are turned into text.
func describe(errno: Int32) -> String {
    String(cString: strerror(errno))
}
