/// Every failure unitify reports: one line for the user, and the exit status it leaves with.
/// The commands, the core and the client throw only this; `unitify`'s main turns it into the
/// line on stderr and the status, in one place.
public struct UnitifyError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        /// Bad input: a value, an option, a combination. Exit status 2.
        case usage
        /// The operation failed (the manager refused, a file could not be written...). Exit status 1.
        case failed
        /// The service manager cannot be reached. Exit status 1.
        case unreachable
        /// A named job exists but is not running (status). Exit status 3.
        case notRunning
        /// No unit, or no unit file, of that name. Exit status 4.
        case notFound
        /// Leave with this status, everything already said: `run --wait` passes on the job's own.
        case status(Int32)
    }

    public var code: Code
    /// What went wrong and how to fix it, in one line; empty when it was already said.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public static func usage(_ message: String) -> UnitifyError { UnitifyError(.usage, message) }
    public static func failed(_ message: String) -> UnitifyError { UnitifyError(.failed, message) }
    public static func notFound(_ message: String) -> UnitifyError { UnitifyError(.notFound, message) }
    public static func unreachable(_ message: String) -> UnitifyError { UnitifyError(.unreachable, message) }
    /// An exit with `status` and nothing more to say.
    public static func exit(_ status: Int32) -> UnitifyError { UnitifyError(.status(status), "") }

    /// The process's exit status for this error.
    public var exitStatus: Int32 {
        switch code {
        case .usage: 2
        case .failed, .unreachable: 1
        case .notRunning: 3
        case .notFound: 4
        case .status(let status): status
        }
    }

    public var description: String { message.isEmpty ? "exit status \(exitStatus)" : message }
}
