internal import CSystemd
import Glibc

/// A failed libsystemd call: what was attempted, its errno, and for D-Bus errors the error's name and
/// message, so callers can tell `org.freedesktop.systemd1.UnitExists` from a lost connection.
public struct SystemdError: Error, Sendable, CustomStringConvertible {
    public var operation: String
    public var errno: Int32
    public var busErrorName: String?
    public var busErrorMessage: String?

    public init(operation: String, errno: Int32, busErrorName: String? = nil, busErrorMessage: String? = nil) {
        self.operation = operation
        self.errno = errno
        self.busErrorName = busErrorName
        self.busErrorMessage = busErrorMessage
    }

    public var description: String {
        "\(operation): \(busErrorMessage ?? String(cString: strerror(errno)))"
    }

    init(operation: String, result: Int32, busError: sd_bus_error) {
        self.init(
            operation: operation,
            errno: -result,
            busErrorName: busError.name.map { String(cString: $0) },
            busErrorMessage: busError.message.map { String(cString: $0) }
        )
    }
}

/// The one conversion from libsystemd's negative-errno convention to a thrown error.
@discardableResult
func check(_ result: Int32, _ operation: @autoclosure () -> String) throws(SystemdError) -> Int32 {
    guard result >= 0 else { throw SystemdError(operation: operation(), errno: -result) }
    return result
}
