import Glibc
import UnitifyCore

/// `unitify hold-terminal NAME PROGRAM -- ARGV…`, what systemd runs for a `--tty` job.
///
/// It opens a pseudo-terminal and the job's socket, forks a holder of them that leaves this
/// process (twice, so that it is no child of the program and the manager reaps it), and then
/// becomes the program on the terminal, in a session of its own with the terminal as its
/// controlling one. The program is therefore the unit's main process: its pid, exit status and
/// signals are the job's. The holder stays in the job's cgroup (its memory and CPU are the job's)
/// and ends when the terminal's last user closes it, so nothing outlives the job.
public enum TerminalHolder {
    public static func main(_ arguments: [String]) -> Never {
        guard arguments.count >= 4, arguments[2] == "--", !arguments[0].isEmpty, !arguments[0].contains("/") else {
            failBeforeTheProgram("usage: unitify \(HeldTerminal.verb) NAME PROGRAM -- ARGV… (systemd runs this for a --tty job)", status: 2)
        }
        let (name, program, argv) = (arguments[0], arguments[1], Array(arguments[3...]))
        // A system manager gives its services no runtime directory of a user's.
        let socketPath = TerminalSocket.path(name: name, system: getuid() == 0 && Environment.value("XDG_RUNTIME_DIR") == nil)
        let terminal: PseudoTerminal
        let listener: Int32
        do {
            terminal = try PseudoTerminal.open()
            listener = try TerminalSocket.listen(at: socketPath)
        } catch {
            failBeforeTheProgram("unitify: \(error.message)", status: 1)
        }

        do {
            try leaveBehind("the terminal's holder") {
                close(terminal.follower)
                var session = HolderSession(terminal: terminal.leader, listener: listener, socketPath: socketPath)
                session.run()
            }
        } catch {
            failBeforeTheProgram("unitify: \(error.message)", status: 1)
        }
        close(terminal.leader)
        close(listener)

        // Become the program, on the terminal. systemd made this process a session leader
        // already; a terminal job started by hand is made one here.
        setsid()
        _ = ioctl(terminal.follower, UInt(TIOCSCTTY), 0)
        for stream in 0...2 { dup2(terminal.follower, Int32(stream)) }
        if terminal.follower > 2 { close(terminal.follower) }
        // Programs draw for the terminal $TERM names; the user manager has none to give.
        if getenv("TERM") == nil { setenv("TERM", "xterm-256color", 1) }
        becomeProgram(program, argv)
    }
}

/// A pseudo-terminal pair: the leader side the holder keeps, the follower side the program's.
struct PseudoTerminal {
    let leader: Int32
    let follower: Int32

    /// The size a terminal has until someone attaches: what most programs assume anyway.
    static let firstSize = winsize(ws_row: 24, ws_col: 80, ws_xpixel: 0, ws_ypixel: 0)

    /// ioctl requests that Swift's Glibc does not import (function-like macros): `TIOCGPTN`
    /// (the follower's number) and `TIOCSPTLCK` (unlock it), as in <asm-generic/ioctls.h>.
    static let getNumber: UInt = 0x8004_5430, setLock: UInt = 0x4004_5431

    /// posix_openpt, grantpt (nothing to do with devpts), unlockpt and ptsname, as the kernel
    /// offers them.
    static func open() throws(UnitifyError) -> PseudoTerminal {
        let leader = Glibc.open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        var unlocked: Int32 = 0
        var number: UInt32 = 0
        guard leader >= 0, ioctl(leader, setLock, &unlocked) == 0, ioctl(leader, getNumber, &number) == 0 else {
            throw UnitifyError.failed("cannot open a pseudo-terminal (/dev/ptmx): \(String(cString: strerror(errno)))")
        }
        let name = "/dev/pts/\(number)"
        let follower = Glibc.open(name, O_RDWR | O_NOCTTY)
        guard follower >= 0 else {
            throw UnitifyError.failed("cannot open \(name), the job's terminal: \(String(cString: strerror(errno)))")
        }
        var size = firstSize
        _ = ioctl(leader, UInt(TIOCSWINSZ), &size)
        return PseudoTerminal(leader: leader, follower: follower)
    }
}

/// The holder's loop: the terminal's output to the journal (as lines, `TerminalLog`), to a
/// replay buffer and to every attached client; clients' keys and window sizes to the terminal.
/// It ends when the terminal's program side is closed by all (EIO): the job is over.
struct HolderSession {
    let terminal: Int32
    let listener: Int32
    let socketPath: String
    var log = TerminalLog()
    var recent = RecentOutput()
    var clients: [Client] = []
    /// Keys on their way to the program, which may not be reading yet.
    var toProgram: [UInt8] = []
    var outputSinceTrim = 0
    static let trimAfter = 1 << 20

    /// Output queued for one client beyond which the terminal is not read (the program waits),
    /// and how long a client may stay that far behind before it is let go.
    static let clientBacklog = 256 * 1024
    static let stuckClientMicroseconds: UInt64 = 10_000_000

    struct Client {
        let socket: Int32
        var mode: TerminalClientMode?
        var reader = TerminalMessage.Reader()
        var pending: [UInt8] = []
        var behindSince: UInt64?
    }

    init(terminal: Int32, listener: Int32, socketPath: String) {
        self.terminal = terminal
        self.listener = listener
        self.socketPath = socketPath
    }

    mutating func run() -> Never {
        // The job's signals are the program's: the holder ends when the terminal does, after the
        // last output is read.
        ignoreJobSignals()
        _ = fcntl(terminal, F_SETFL, fcntl(terminal, F_GETFL) | O_NONBLOCK)
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let now = monotonicNow()
            let backlogged = clients.contains { $0.pending.count > Self.clientBacklog }
            var descriptors = [
                pollfd(fd: terminal, events: Int16(backlogged ? 0 : POLLIN) | Int16(toProgram.isEmpty ? 0 : POLLOUT), revents: 0),
                pollfd(fd: listener, events: Int16(POLLIN), revents: 0),
            ]
            for client in clients {
                descriptors.append(pollfd(fd: client.socket, events: Int16(POLLIN) | Int16(client.pending.isEmpty ? 0 : POLLOUT), revents: 0))
            }
            var timeout: Int32 = -1
            // After a burst of output, a second of quiet gives its memory back (`trimMemory`).
            if outputSinceTrim > Self.trimAfter { timeout = 1_000 }
            if let deadline = log.deadline { timeout = Int32(min(deadline > now ? (deadline - now) / 1_000 + 1 : 0, 60_000)) }
            if backlogged { timeout = timeout < 0 ? 1_000 : min(timeout, 1_000) }
            let ready = poll(&descriptors, nfds_t(descriptors.count), timeout)
            if ready < 0 && errno != EINTR { break }
            if ready == 0, outputSinceTrim > Self.trimAfter {
                trimMemory()
                outputSinceTrim = 0
            }

            let terminalEvents = descriptors[0].revents
            if terminalEvents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                let count = read(terminal, &buffer, buffer.count)
                if count > 0 {
                    output(buffer[..<count])
                } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
                    break  // EIO: no process has the terminal open any more
                }
            }
            if terminalEvents & Int16(POLLOUT) != 0 { writeToProgram() }
            if descriptors[1].revents & Int16(POLLIN) != 0 { accept() }
            for (index, descriptor) in descriptors.enumerated().dropFirst(2).reversed() {
                serve(clientAt: index - 2, events: descriptor.revents)
            }
            letGoOfStuckClients(now: monotonicNow())
            if let line = log.tick(now: monotonicNow()) { journal([line]) }
        }
        if let line = log.finish() { journal([line]) }
        for client in clients {
            _ = fcntl(client.socket, F_SETFL, fcntl(client.socket, F_GETFL) & ~O_NONBLOCK)
            writeAll(client.socket, client.pending)
            close(client.socket)
        }
        unlink(socketPath)
        _exit(0)
    }

    mutating func output(_ bytes: ArraySlice<UInt8>) {
        outputSinceTrim += bytes.count
        recent.append(bytes)
        journal(log.feed(bytes, now: monotonicNow()))
        for index in clients.indices where clients[index].mode == .interactive || clients[index].mode == .watching {
            clients[index].pending.append(contentsOf: bytes)
        }
    }

    /// Lines to the job's standard output, the journal or its `--log-file`: in one write, as a
    /// program's own output would come (a write a line would cost a system call each).
    func journal(_ lines: [String]) {
        guard !lines.isEmpty else { return }
        var text = ""
        for line in lines {
            text += line
            text += "\n"
        }
        writeAll(STDOUT_FILENO, text.utf8)
    }

    mutating func writeToProgram() {
        let written = toProgram.withUnsafeBytes { write(terminal, $0.baseAddress, $0.count) }
        if written > 0 { toProgram.removeFirst(written) }
    }

    mutating func accept() {
        let socket = Glibc.accept(listener, nil, nil)
        guard socket >= 0 else { return }
        _ = fcntl(socket, F_SETFD, FD_CLOEXEC)
        _ = fcntl(socket, F_SETFL, fcntl(socket, F_GETFL) | O_NONBLOCK)
        let user = TerminalSocket.peerUser(socket)
        guard user == getuid() || user == 0 else {
            writeAll(socket, Array("unitify: this job's terminal is not yours\r\n".utf8))
            close(socket)
            return
        }
        clients.append(Client(socket: socket))
    }

    mutating func serve(clientAt index: Int, events: Int16) {
        if events & Int16(POLLOUT) != 0 {
            let written = clients[index].pending.withUnsafeBytes { write(clients[index].socket, $0.baseAddress, $0.count) }
            if written > 0 {
                // Emptied, a queue lets its memory go: after a burst the holder is small again.
                if written == clients[index].pending.count { clients[index].pending = [] } else { clients[index].pending.removeFirst(written) }
                clients[index].behindSince = nil
            }
        }
        guard events & Int16(POLLIN | POLLHUP | POLLERR) != 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 4_096)
        let count = read(clients[index].socket, &buffer, buffer.count)
        if count < 0 && (errno == EAGAIN || errno == EINTR) { return }
        guard count > 0 else { return drop(clientAt: index) }
        clients[index].reader.append(buffer[..<count])
        do {
            while let message = try clients[index].reader.next() { receive(message, from: index) }
        } catch {
            drop(clientAt: index)
        }
    }

    mutating func receive(_ message: TerminalMessage, from index: Int) {
        switch message {
        case .hello(let mode, let rows, let columns):
            guard clients[index].mode == nil else { return }
            clients[index].mode = mode
            if mode != .sending { clients[index].pending = recent.replay }
            if mode == .interactive {
                resize(rows: rows, columns: columns)
                redraw()
            }
        case .input(let keys):
            guard clients[index].mode == .interactive || clients[index].mode == .sending else { return }
            toProgram.append(contentsOf: keys)
            writeToProgram()
        case .resize(let rows, let columns):
            guard clients[index].mode == .interactive else { return }
            resize(rows: rows, columns: columns)
        }
    }

    /// glibc's `malloc_trim(0)`: the heap a burst grew is returned to the system, so that the
    /// holder of an idle terminal stays as small as tmux's server. Looked up at run time: Swift's
    /// Glibc module leaves <malloc.h> out.
    func trimMemory() {
        typealias Trim = @convention(c) (Int) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: Trim.self)(0)
    }

    func resize(rows: UInt16, columns: UInt16) {
        guard rows > 0, columns > 0 else { return }
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(terminal, UInt(TIOCSWINSZ), &size)
    }

    /// Asks the program in the foreground to draw its screen again (SIGWINCH, as a resize does),
    /// for a full-screen program whose picture the replay alone would not restore.
    func redraw() {
        var group: pid_t = 0
        if ioctl(terminal, UInt(TIOCGPGRP), &group) == 0, group > 0 { kill(-group, SIGWINCH) }
    }

    mutating func drop(clientAt index: Int) {
        close(clients[index].socket)
        clients.remove(at: index)
    }

    mutating func letGoOfStuckClients(now: UInt64) {
        for index in clients.indices.reversed() {
            if clients[index].pending.count <= Self.clientBacklog {
                clients[index].behindSince = nil
            } else if let since = clients[index].behindSince {
                if now - since > Self.stuckClientMicroseconds { drop(clientAt: index) }
            } else {
                clients[index].behindSince = now
            }
        }
    }
}

/// The terminal's last output, for a client that attaches: what was on the screen, and before.
struct RecentOutput {
    static let capacity = 64 * 1024
    var bytes: [UInt8] = []
    var trimmed = false

    mutating func append(_ more: ArraySlice<UInt8>) {
        bytes.append(contentsOf: more)
        if bytes.count > 2 * Self.capacity {
            bytes.removeFirst(bytes.count - Self.capacity)
            trimmed = true
        }
    }

    /// The output to replay: from the start of a line once older output was let go, so that the
    /// replay never begins in the middle of an escape sequence or a character.
    var replay: [UInt8] {
        let tail = bytes.suffix(Self.capacity)
        guard trimmed || tail.count < bytes.count, let newline = tail.firstIndex(of: UInt8(ascii: "\n")) else { return Array(tail) }
        return Array(tail[(newline + 1)...])
    }
}
