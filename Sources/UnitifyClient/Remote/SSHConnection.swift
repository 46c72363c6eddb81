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

/// Commands started on a host before anyone asks for their output (a job's last lines in its
/// journal, say), so that their round trips run beside the bus's: whoever then runs the same
/// argv takes the session that is already under way (`take`). One not taken is ended with the
/// host's work.
public final class PrefetchedCommands: @unchecked Sendable {
    private var sessions: [(argv: [String], session: RemoteSession)] = []

    public init() {}

    func add(_ argv: [String], _ session: RemoteSession) {
        sessions.append((argv, session))
    }

    /// The session already running `argv`, once; nil when none is.
    func take(_ argv: [String]) -> RemoteSession? {
        guard let index = sessions.firstIndex(where: { $0.argv == argv }) else { return nil }
        return sessions.remove(at: index).session
    }
}

/// One ssh process and the socket unitify talks to it through. Ending it closes the socket and
/// reaps ssh.
public final class RemoteSession {
    public let host: HostAddress
    let pid: pid_t
    /// Our end of the socketpair: ssh's stdin and stdout. Owned by `bus` once attached.
    var socket: Int32
    /// ssh's stderr, read once ssh has ended to put its failure into words.
    let errors: Int32
    public private(set) var bus: Bus?
    var exitStatus: Int32?

    init(host: HostAddress, pid: pid_t, socket: Int32, errors: Int32) {
        self.host = host
        self.pid = pid
        self.socket = socket
        self.errors = errors
    }

    deinit {
        end()
        close(errors)
    }

    static func spawn(_ argv: [String], host: HostAddress) throws(UnitifyError) -> RemoteSession {
        var pair: [Int32] = [-1, -1]
        var errorPipe: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            throw UnitifyError.remote(host, "cannot make a socket for ssh: \(describe(errno: errno))")
        }
        // A second socketpair rather than pipe2, which Glibc's module does not export.
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &errorPipe) == 0 else {
            let why = describe(errno: errno)
            close(pair[0])
            close(pair[1])
            throw UnitifyError.remote(host, "cannot make a socket for ssh: \(why)")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pair[1], 0)
        posix_spawn_file_actions_adddup2(&actions, pair[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errorPipe[1], 2)
        // ssh starts with no signal blocked and none ignored, whichever thread spawns it (Dispatch's
        // block SIGTERM, among others): `end()` and a follow's Ctrl-C end it with SIGTERM.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        var all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        let spawned = posix_spawnp(&pid, argv[0], &actions, &attributes, cArguments, environ)
        close(pair[1])
        close(errorPipe[1])
        guard spawned == 0 else {
            close(pair[0])
            close(errorPipe[0])
            let why = spawned == ENOENT ? "ssh is not installed here (the OpenSSH client: apt-get install openssh-client)" : "cannot start ssh: \(describe(errno: spawned))"
            throw UnitifyError.remote(host, why)
        }
        return RemoteSession(host: host, pid: pid, socket: pair[0], errors: errorPipe[0])
    }

    /// One line from the remote end, read a byte at a time so that nothing after it is taken
    /// from the bus stream; nil on end of stream or timeout.
    func readLine(timeoutSeconds: Int) -> String? {
        let deadline = monotonicMicroseconds() + UInt64(timeoutSeconds) * 1_000_000
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while bytes.count < 4096 {
            let now = monotonicMicroseconds()
            guard now < deadline else { return nil }
            var poller = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32((deadline - now) / 1_000))
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { return nil }
            let count = read(socket, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            guard count == 1 else { return nil }
            if byte == 10 { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
        return nil
    }

    /// The lines before the first that starts with `marker`, and that line (nil on end of stream
    /// or timeout). Read in blocks, looked at before they are taken (`MSG_PEEK`), so that nothing
    /// after the marker's line is taken from the stream: the bus that follows it is the peer's.
    func readLines(until marker: String, timeoutSeconds: Int) -> (before: [Substring], line: String?) {
        let deadline = monotonicMicroseconds() + UInt64(timeoutSeconds) * 1_000_000
        var taken: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let lead = Array(marker.utf8)
        reading: while taken.count < 4 << 20 {
            let now = monotonicMicroseconds()
            guard now < deadline else { break }
            var poller = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32((deadline - now) / 1_000))
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { break }
            let peeked = recv(socket, &chunk, chunk.count, Int32(MSG_PEEK))
            if peeked < 0 && errno == EINTR { continue }
            guard peeked > 0 else { break }
            // Whole lines only, up to and with the marker's: what was taken ends with a newline,
            // so the block starts a line. A line not yet whole waits for the rest (polled every
            // millisecond: peeked bytes keep the socket readable).
            var end = 0
            var found = false
            var start = 0
            for index in 0..<peeked where chunk[index] == 10 {
                found = index - start >= lead.count && Array(chunk[start..<(start + lead.count)]) == lead
                end = index + 1
                if found { break }
                start = index + 1
            }
            guard end > 0 || peeked == chunk.count else { usleep(1_000); continue }
            if end == 0 { end = peeked }  // a line longer than the buffer: never the marker's
            var count = 0
            while count < end {
                let got = chunk.withUnsafeMutableBytes { read(socket, $0.baseAddress! + count, end - count) }
                if got < 0 && errno == EINTR { continue }
                guard got > 0 else { break reading }
                count += got
            }
            taken += chunk[..<end]
            if found { break }
        }
        var lines = String(decoding: taken, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        guard taken.last == 10, let last = lines.last, last.hasPrefix(marker) else { return (lines, nil) }
        return (Array(lines.dropLast()), String(last))
    }

    /// Writes `bytes` to the remote command's stdin, then ends it (the command reads end of file).
    func send(_ bytes: [UInt8]) throws(UnitifyError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(socket, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                throw UnitifyError.remote(host, failure(unexpected: nil))
            }
            offset += written
        }
        shutdown(socket, Int32(SHUT_WR))
    }

    /// Copies what the remote command prints to this process's stdout and stderr as it comes
    /// (its stderr is ssh's), until both end; returns its exit status, ssh's (255 when ssh
    /// failed). Its stdin ends at once: no command it runs reads this one's. A reader of stdout
    /// gone ends this process quietly with status 0, as `Output` does. `follows`: a command
    /// that goes on until SIGINT or SIGTERM, which end it (and ssh) with status 0, as they end a
    /// follow here (`StopSignals`).
    public func relay(follows: Bool = false) -> Int32 {
        Output.standard.flush()
        if follows {
            _ = SSHChildren.add(pid)
            StopSignals.listen(beforeExit: { SSHChildren.terminateAll() })
            StopSignals.idleFromNow()
        }
        shutdown(socket, Int32(SHUT_WR))
        var open: [(from: Int32, to: Int32)] = [(socket, STDOUT_FILENO), (errors, STDERR_FILENO)]
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while !open.isEmpty {
            var pollers = open.map { pollfd(fd: $0.from, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&pollers, nfds_t(pollers.count), -1)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { break }
            var ended: [Int32] = []
            for (index, poller) in pollers.enumerated() where poller.revents != 0 {
                let count = read(poller.fd, &chunk, chunk.count)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { ended.append(poller.fd); continue }
                if !writeAll(open[index].to, chunk[..<count]), errno == EPIPE, open[index].to == STDOUT_FILENO {
                    kill(pid, SIGTERM)
                    _exit(0)
                }
            }
            open.removeAll { ended.contains($0.from) }
        }
        close(socket)
        socket = -1
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { return 1 }
        }
        exitStatus = Self.shellStatus(status)
        return exitStatus!
    }

    func attachBus(throughBroker: Bool) throws(SystemdError) {
        let fd = socket
        socket = -1
        bus = try Bus.connect(fd: fd, busClient: throughBroker, description: "the user manager on \(host)")
    }

    /// Closes the stream and ends ssh. Its exit status is not waited for (that is a round trip
    /// to the host: the master closes the channel once the remote end has gone): whoever needs
    /// the status asked for it already (`waitForExit`). ssh here is a client of the host's
    /// master, so SIGTERM ends only this session.
    public func end() {
        bus?.close()
        bus = nil
        if socket >= 0 {
            close(socket)
            socket = -1
        }
        if exitStatus == nil && waitForExit(seconds: 0, killAfter: false) == nil { kill(pid, SIGTERM) }
        _ = waitForExit(seconds: 5, killAfter: true)
    }

    /// A wait status as a shell gives it: the exit status, or 128 + the signal.
    static func shellStatus(_ status: Int32) -> Int32 {
        (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// ssh's exit status, once it has ended; nil while it runs after `seconds`.
    func waitForExit(seconds: Int, killAfter: Bool) -> Int32? {
        if let exitStatus { return exitStatus }
        let deadline = monotonicMicroseconds() + UInt64(seconds) * 1_000_000
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid {
                exitStatus = Self.shellStatus(status)
                return exitStatus
            }
            if result < 0 && errno != EINTR { return nil }
            if monotonicMicroseconds() >= deadline {
                guard killAfter else { return nil }
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                exitStatus = 128 + SIGKILL
                return exitStatus
            }
            usleep(10_000)
        }
    }

    /// What ssh said on stderr, once it has ended.
    func errorText() -> String {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        let flags = fcntl(errors, F_GETFL)
        _ = fcntl(errors, F_SETFL, flags | O_NONBLOCK)
        while true {
            let count = read(errors, &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += chunk[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The failure in words, from ssh's exit status and stderr.
    func failure(unexpected line: String?, busError: SystemdError? = nil) -> String {
        if socket >= 0 {
            close(socket)
            socket = -1
        }
        bus?.close()
        bus = nil
        let status = waitForExit(seconds: 5, killAfter: true)
        let said = exitStatus == nil ? "" : errorText()
        return SSHFailure.explain(status: status, stderr: said, host: host, unexpectedLine: line, busError: busError?.description)
    }
}

/// ssh's failures in words (OpenSSH's own messages), each with the way out.
enum SSHFailure {
    static func explain(status: Int32?, stderr: String, host: HostAddress, unexpectedLine: String?, busError: String?) -> String {
        let lines = stderr.split(separator: "\n").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty && !$0.hasPrefix("Warning: Permanently added") }
        let text = lines.joined(separator: " ")
        // ssh names the port it tried ("connect to host H port P: ..."), which ~/.ssh/config may set.
        let port = text.firstMatch(of: /port (\d+):/).map { String($0.1) } ?? host.port.map(String.init) ?? "22"
        if text.contains("Host key verification failed") || text.contains("REMOTE HOST IDENTIFICATION HAS CHANGED") {
            return "its host key is not known here (or changed): check it and add it to ~/.ssh/known_hosts, e.g. with 'ssh \(host)' once"
        }
        if text.contains("Permission denied") {
            return "ssh authentication was refused (\(text.components(after: "Permission denied"))): unitify never asks for a password; use a key ('ssh-copy-id \(host)') or an agent"
        }
        if text.contains("Connection refused") { return "refused the connection on port \(port): is sshd running there?" }
        if text.contains("timed out") { return "did not answer ssh in time (port \(port)): is the host up and reachable?" }
        if text.contains("No route to host") || text.contains("Network is unreachable") { return "cannot be reached: \(lines.last ?? "no route")" }
        if text.contains("Could not resolve hostname") { return "unknown host name: not in DNS, /etc/hosts or ~/.ssh/config" }
        if let unexpectedLine, status == nil || status == 0 {
            return "the remote shell printed '\(unexpectedLine.prefix(80))' where unitify expected its prelude's answer: does a login script print to stdout?"
        }
        if let busError { return "the bus through ssh failed: \(busError)" + (lines.last.map { " (ssh: \($0))" } ?? "") }
        if status == 127 { return "no /bin/sh there (exit status 127)" }
        guard let last = lines.last else {
            return status.map { "ssh ended with status \($0) and said nothing" } ?? "ssh did not answer in time"
        }
        return "ssh: \(last)"
    }
}

extension String {
    /// What follows `marker`, without a leading space or parenthesis and a trailing period.
    func components(after marker: String) -> String {
        guard let range = firstRange(of: marker) else { return self }
        var rest = Substring(self[range.upperBound...])
        while let first = rest.first, first == " " || first == "(" { rest = rest.dropFirst() }
        while let last = rest.last, last == "." || last == ")" { rest = rest.dropLast() }
        return String(rest)
    }
}
