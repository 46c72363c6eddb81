import Glibc
import Systemd
import UnitifyCore

extension UnitifyError {
    /// Why a remote host could not be worked with, in one line that names the host and the way out.
    static func remote(_ host: HostAddress, _ reason: String) -> UnitifyError {
        .unreachable("\(host): \(reason)")
    }
}

/// Another host's user manager, reached with the system's own OpenSSH client, so that the user's
/// `~/.ssh/config`, known hosts, agent and jump hosts apply as they do for `ssh`. Nothing of
/// unitify's is needed there: `RemotePrelude` finds the manager and `systemd-stdio-bridge` relays
/// (or, for a command handed over, the host's own unitify of this version runs it: `reach`).
///
/// unitify spawns ssh itself on a socketpair, rather than handing sd-bus a `unixexec:` address,
/// so that a failure keeps ssh's exit status and its words instead of becoming `ENOTCONN` on the
/// first call.
public struct SSHConnection: Sendable {
    public var host: HostAddress
    /// Seconds for ssh to connect and the prelude to answer.
    public var timeout: Int
    /// Where the per-host ControlMaster sockets live (`$XDG_RUNTIME_DIR/unitify/ssh`): every
    /// channel of a command, and of the commands in the next minute, reuses one connection.
    public var controlDirectory: String

    /// An ssh_config to use instead of the user's (`-F`), from `UNITIFY_SSH_CONFIG`.
    public var configFile: String?

    public init(host: HostAddress, timeout: Int = 10, controlDirectory: String, configFile: String? = nil) {
        self.host = host
        self.timeout = timeout
        self.controlDirectory = controlDirectory
        self.configFile = configFile
    }

    /// ssh's arguments for running `remoteCommand` (one string, which the remote login shell runs);
    /// `terminal`: on a terminal there, joined to this one (`-t`), for `attach`.
    public func arguments(remoteCommand: String, terminal: Bool = false) -> [String] {
        var words = ["ssh", terminal ? "-xt" : "-xT"] + (configFile.map { ["-F", $0] } ?? []) + [
                     "-o", "BatchMode=yes",
                     "-o", "ConnectTimeout=\(timeout)",
                     "-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=3",
                     "-o", "ControlMaster=auto", "-o", "ControlPersist=60",
                     "-o", "ControlPath=\(controlDirectory)/cm-%C"]
        if let port = host.port { words += ["-p", "\(port)"] }
        if let user = host.user { words += ["-l", user] }
        return words + ["--", host.host, remoteCommand]
    }

    /// A bus to the user's manager on the host, and what the prelude found there.
    public func connectManager() throws(UnitifyError) -> (RemoteSession, RemotePrelude.Answer) {
        let (session, answer, _) = try connectManager(probing: nil)
        return (session, answer)
    }

    /// A bus to the user's manager on the host, what the prelude found there and, with `probes`,
    /// the facts `run` asks (`HostFacts`), in the same channel.
    /// `throughBroker`: the user bus rather than the manager's private socket (`RemotePrelude.script`).
    public func connectManager(probing probes: [HostFacts.Probe]?, throughBroker: Bool = true) throws(UnitifyError) -> (RemoteSession, RemotePrelude.Answer, HostFacts.Answer?) {
        guard case let .bridged(session, answer, facts) = try reach(probing: probes, throughBroker: throughBroker, delegating: nil) else {
            throw UnitifyError.remote(host, "its unitify answered where the prelude's bus was asked for")
        }
        return (session, answer, facts)
    }

    /// How a host was reached: its manager through the bridge, or the command handed to its own
    /// unitify, whose output the session then carries (`RemoteSession.relay`).
    public enum Reached {
        case bridged(RemoteSession, RemotePrelude.Answer, HostFacts.Answer?)
        case delegated(RemoteSession)
    }

    /// As `connectManager(probing:throughBroker:)`, and with `delegating` (the sh of
    /// `RemotePrelude.delegation`), the command run by the host's own unitify when it has the
    /// same one: in the same channel, so that a host without it costs what it did.
    public func reach(probing probes: [HostFacts.Probe]?, throughBroker: Bool = true, delegating delegation: String?) throws(UnitifyError) -> Reached {
        // One line for ssh: a login shell of the csh family takes no newline in a quoted word.
        let script = (delegation.map { $0 + "; " } ?? "")
            + RemotePrelude.script(facts: probes.map(HostFacts.script), throughBroker: throughBroker).split(separator: "\n").joined(separator: "; ")
        let session = try RemoteSession.spawn(arguments(remoteCommand: "exec /bin/sh -c " + ShellWords.quote(script)), host: host)
        let (before, line) = session.readLines(until: RemotePrelude.marker, timeoutSeconds: timeout + 5)
        if delegation != nil, before.isEmpty, line == RemotePrelude.delegatedLine { return .delegated(session) }
        var facts: HostFacts.Answer?
        if probes != nil, !before.isEmpty {
            facts = HostFacts.parse(before)
            if facts == nil { throw UnitifyError.remote(host, session.failure(unexpected: String(before[0]))) }
        } else if let first = before.first {
            throw UnitifyError.remote(host, session.failure(unexpected: String(first)))
        }
        guard let line, let answer = RemotePrelude.parse(line) else {
            throw UnitifyError.remote(host, session.failure(unexpected: line))
        }
        if let problem = answer.problem {
            session.end()
            switch problem {
            case .noManager:
                throw UnitifyError.remote(host, "no systemd user manager runs for \(answer.user) there (nothing listens in \(answer.runtimeDirectory ?? "/run/user/\(answer.uid)")): log in there once, or as root there 'loginctl enable-linger \(answer.user)'")
            case .noBridge:
                throw UnitifyError.remote(host, "systemd-stdio-bridge is not on the PATH there: unitify needs systemd 209 or later on the remote host")
            }
        }
        do {
            try session.attachBus(throughBroker: answer.throughBroker)
        } catch {
            throw UnitifyError.remote(host, session.failure(unexpected: nil, busError: error))
        }
        return .bridged(session, answer, probes == nil ? nil : facts ?? HostFacts.Answer())
    }

    /// Runs a command there (argv, quoted for the remote shell), its stdin and stdout on the
    /// session's socket: for `journalctl -o export` and for writing unit files through stdin.
    public func command(_ argv: [String]) throws(UnitifyError) -> RemoteSession {
        try RemoteSession.spawn(arguments(remoteCommand: ShellWords.join(argv)), host: host)
    }

    /// Writes `text` to `path` there, mode 0644, atomically (a temporary file beside it, renamed
    /// over it) and never through a symbolic link at `path`, as unit files are written locally.
    public func writeFile(_ path: String, _ text: String) throws(UnitifyError) {
        try RemoteShell(connection: self).write(path, text, mode: "0644")
    }
}
