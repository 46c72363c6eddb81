import Glibc
import Systemd
import UnitifyCore

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
