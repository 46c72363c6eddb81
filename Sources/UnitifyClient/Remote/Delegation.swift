import Glibc
import UnitifyCore

/// A command that one host's own unitify may run for this one (`RemotePrelude.delegation`): the
/// same words as typed here, `--host` and all, which the host's unitify does not follow
/// (`ServedClient`), so that nothing of the command line is taken apart and put back.
public struct Delegation: Sendable {
    /// This unitify's version: the host's must be the same (`RemotePrelude.delegationQuery`).
    public var version: String
    /// The command line's words after `unitify`.
    public var arguments: [String]
    /// Whether the command goes on until a stop signal (`journal -f`, `run -f`): one ends it
    /// with status 0 here, as it ends a follow (`RemoteSession.relay`).
    public var follows = false

    /// Set to `0` (`UNITIFY_DELEGATE=0`), every host is reached through its bridge, as when it
    /// has no unitify: to compare the two ways, or to keep a host's unitify out of it.
    public static let switchVariable = "UNITIFY_DELEGATE"

    /// The command of this process, unless `UNITIFY_DELEGATE=0` says not to hand it over.
    public static func thisCommand(version: String, follows: Bool = false) -> Delegation? {
        guard Environment.value(switchVariable) != "0" else { return nil }
        return Delegation(version: version, arguments: Array(CommandLine.arguments.dropFirst()), follows: follows)
    }

    /// The prelude's part that hands the command to `host`'s unitify, with what it needs to print
    /// as this one would: the host's name for its labels and hints, and this stdout's terminal
    /// (its width and whether it takes colour), since the host's stdout is ssh's pipe.
    func script(for host: HostAddress) -> String {
        let out = Output.standard
        let environment = Self.environment(for: host, terminal: out.isTerminal, colour: out.usesColour, width: out.terminalWidth)
        return RemotePrelude.delegation(version: version, arguments: arguments, environment: environment)
    }

    /// The variables the host's unitify is given: the host's name, and on a terminal here that
    /// it prints for one, in colour or not (whatever NO_COLOR the host's login sets), `width`
    /// columns wide when known. Its own names only, which it takes out of its environment
    /// (`ServedClient.adopt`): a job started with --keep-env gets the login's, as through the bridge.
    static func environment(for host: HostAddress, terminal: Bool, colour: Bool, width: Int?) -> [String] {
        var environment = [ServedClient.hostVariable + "=" + host.description]
        if terminal { environment.append(ServedClient.terminalVariable + "=" + (colour ? "colour" : "plain") + (width.map { ":\($0)" } ?? "")) }
        return environment
    }
}

/// This unitify run on a host for another's `--host` (`Delegation`): it works on this machine's
/// manager and prints what the client would have printed reaching it through the bridge, its
/// lines after the host's name as the client knows it (`ThisMachine.hostAddress`).
public enum ServedClient {
    /// The host's name as the client wrote it.
    public static let hostVariable = "UNITIFY_FOR_HOST"
    /// Set when the client's stdout is a terminal (`colour` or `plain`, then `:WIDTH` when
    /// known): this stdout is taken for one.
    public static let terminalVariable = "UNITIFY_TERMINAL"

    /// The host this unitify serves a client as, nil when it was not started for one.
    public static let host: HostAddress? = Environment.value(hostVariable).flatMap { try? HostAddress(parsing: $0) }

    /// The client's terminal, when its stdout is one.
    static let terminal: (colour: Bool, width: Int?)? = Environment.value(terminalVariable).map { value in
        let parts = value.split(separator: ":", maxSplits: 1)
        return (parts.first == "colour", parts.count > 1 ? Int(parts[1]).flatMap { $0 > 0 ? $0 : nil } : nil)
    }

    /// Reads the client's variables, then takes them out of this process's environment, which a
    /// job started with --keep-env copies. Called first thing.
    public static func adopt() {
        let (served, terminal) = (host, terminal)  // both read before they go
        guard served != nil || terminal != nil else { return }
        unsetenv(hostVariable)
        unsetenv(terminalVariable)
    }
}
