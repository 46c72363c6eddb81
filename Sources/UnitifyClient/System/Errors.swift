import Glibc
import SystemPackage
import Systemd
import UnitifyCore

extension UnitifyError {
    /// Any failure the client lets through, as the one error type: a `UnitifyError` as it is, a
    /// libsystemd failure in words (the manager's own message for a D-Bus error, and for a broken
    /// connection what most likely happened). Nil for errors that are not unitify's (the argument
    /// parser's), which the caller reports its own way.
    ///
    /// - Parameter overSSH: the bus reached another host's manager through ssh, which is then the
    ///   likelier to have gone.
    public init?(recognizing error: any Error, overSSH: Bool = false) {
        switch error {
        case let error as UnitifyError:
            self = error
        case let error as SystemdError:
            self = .failed(Self.explain(error, overSSH: overSSH))
        default:
            return nil
        }
    }

    static func explain(_ error: SystemdError, overSSH: Bool = false) -> String {
        switch error.errno {
        case ECONNRESET, ENOTCONN, EPIPE, ECONNREFUSED, ESHUTDOWN:
            if overSSH { return "lost the connection (ssh, or the manager there, ended) during \(error.operation)" }
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

/// An errno value in words: the one place they are turned into text (`Errno`'s description is
/// `strerror`'s).
func describe(errno: Int32) -> String {
    Errno(rawValue: errno).description
}
