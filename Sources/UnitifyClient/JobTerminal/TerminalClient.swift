import Glibc
import SystemPackage
import UnitifyCore

/// `attach` and `send`: a connection to the holder of a job's terminal (`TerminalHolder`).
public enum JobTerminal {
    /// Why there is no terminal to join.
    public enum Unreachable: Error {
        /// No holder listens for the name: no such job, it is not running, or it has no terminal.
        case noTerminal
        /// The socket is another user's.
        case notYours
        case other(String)
    }

    /// How an attachment ended.
    public enum Ending: Equatable {
        case detached
        /// The terminal closed: the job ended (or restarts).
        case closed
    }

    static func connect(name: String, system: Bool) throws(Unreachable) -> Int32 {
        let path = TerminalSocket.path(name: name, system: system)
        do {
            return try TerminalSocket.connect(to: path)
        } catch .noSuchFileOrDirectory, .connectionRefused {
            throw .noTerminal
        } catch .permissionDenied {
            throw .notYours
        } catch {
            throw .other("cannot reach \(path): \(error)")
        }
    }

    /// Types `keys` into the job's terminal, as `screen -X stuff` does.
    public static func send(name: String, system: Bool, keys: [UInt8]) throws(Unreachable) {
        let socket = try connect(name: name, system: system)
        defer { close(socket) }
        let message = TerminalMessage.hello(.sending, rows: 0, columns: 0).encoded + TerminalMessage.input(keys).encoded
        guard writeAll(socket, message) else { throw .other("the job's terminal closed while the keys were sent") }
        // Half-closed, then read to the end: the holder has taken every key when it lets go.
        shutdown(socket, Int32(SHUT_WR))
        var byte: UInt8 = 0
        while read(socket, &byte, 1) > 0 {}
    }

    /// Joins the job's terminal from this one until `detachKey` is typed or the terminal closes:
    /// its recent output first, then what it writes; keys typed go to it (not `readOnly`), and
    /// this window's size is its size. `announce` is said on standard error before the terminal
    /// is made raw.
    public static func attach(name: String, system: Bool, readOnly: Bool, detachKey: UInt8?, announce: String) throws(Unreachable) -> Ending {
        let socket = try connect(name: name, system: system)
        defer { close(socket) }
        let keyboard = isatty(STDIN_FILENO) == 1
        var size = winsize()
        if keyboard { _ = ioctl(STDIN_FILENO, UInt(TIOCGWINSZ), &size) }
        let mode: TerminalClientMode = readOnly ? .watching : .interactive
        guard writeAll(socket, TerminalMessage.hello(mode, rows: size.ws_row, columns: size.ws_col).encoded) else {
            throw .other("the job's terminal closed")
        }
        printError(announce)
        let raw = keyboard ? RawTerminal(STDIN_FILENO) : nil
        AttachSignals.listen()
        var screen = AlternateScreenTracker()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var ending = Ending.closed
        var readingKeys = keyboard || !readOnly
        loop: while true {
            var descriptors = [
                pollfd(fd: socket, events: Int16(POLLIN), revents: 0),
                pollfd(fd: AttachSignals.pipe.reader, events: Int16(POLLIN), revents: 0),
                pollfd(fd: readingKeys ? STDIN_FILENO : -1, events: Int16(POLLIN), revents: 0),
            ]
            if poll(&descriptors, 3, -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            if descriptors[0].revents != 0 {
                let count = read(socket, &buffer, buffer.count)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                screen.scan(buffer[..<count])
                guard writeAll(STDOUT_FILENO, buffer[..<count]) else { ending = .detached; break }
            }
            if descriptors[1].revents != 0 {
                var signal: UInt8 = 0
                _ = read(AttachSignals.pipe.reader, &signal, 1)
                if Int32(signal) == SIGWINCH {
                    if !readOnly, ioctl(STDIN_FILENO, UInt(TIOCGWINSZ), &size) == 0 {
                        writeAll(socket, TerminalMessage.resize(rows: size.ws_row, columns: size.ws_col).encoded)
                    }
                } else {
                    ending = .detached
                    break
                }
            }
            if descriptors[2].revents != 0 {
                let count = read(STDIN_FILENO, &buffer, buffer.count)
                if count < 0 && errno == EINTR { continue }
                if count <= 0 {
                    // Keys from a pipe that ended: the job's output goes on being shown.
                    readingKeys = false
                    continue
                }
                var keys = buffer[..<count]
                var detach = false
                if let detachKey, let at = keys.firstIndex(of: detachKey) {
                    keys = keys[..<at]
                    detach = true
                }
                if !readOnly, !keys.isEmpty { writeAll(socket, TerminalMessage.input(Array(keys)).encoded) }
                if detach {
                    ending = .detached
                    break loop
                }
            }
        }
        if screen.isAlternate, isatty(STDOUT_FILENO) == 1 { writeAll(STDOUT_FILENO, Array("\u{1B}[?1049l".utf8)) }
        raw?.restore()
        return ending
    }
}

/// A terminal in raw mode until `restore`: every key, Ctrl-C and Ctrl-Z too, goes to the job.
final class RawTerminal {
    let fd: Int32
    var saved = termios()

    init?(_ fd: Int32) {
        self.fd = fd
        guard tcgetattr(fd, &saved) == 0 else { return nil }
        var raw = saved
        cfmakeraw(&raw)
        tcsetattr(fd, TCSANOW, &raw)
    }

    func restore() {
        tcsetattr(fd, TCSANOW, &saved)
    }
}

/// SIGWINCH, SIGTERM and SIGHUP while attached, as a byte (the signal's number) on a pipe the
/// loop polls: the handler only writes.
enum AttachSignals {
    nonisolated(unsafe) static var pipe: (reader: Int32, writer: Int32) = (-1, -1)

    static func listen() {
        var ends: [Int32] = [0, 0]
        guard Glibc.pipe(&ends) == 0 else { return }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, O_NONBLOCK)
        }
        pipe = (ends[0], ends[1])
        let handler: @convention(c) (Int32) -> Void = { signal in
            var byte = UInt8(truncatingIfNeeded: signal)
            _ = write(AttachSignals.pipe.writer, &byte, 1)
        }
        for signal in [SIGWINCH, SIGTERM, SIGHUP] { Glibc.signal(signal, handler) }
        Glibc.signal(SIGPIPE, SIG_IGN)
    }
}

/// Whether the output last switched to the alternate screen (`top`, `vim`): detaching switches
/// back, as tmux does, so that the shell's prompt is not drawn over the job's picture.
struct AlternateScreenTracker {
    var isAlternate = false
    static let enter = Array("\u{1B}[?1049h".utf8), leave = Array("\u{1B}[?1049l".utf8)

    mutating func scan(_ bytes: ArraySlice<UInt8>) {
        var index = bytes.startIndex
        while let escape = bytes[index...].firstIndex(of: 0x1B) {
            let rest = bytes[escape...]
            if rest.starts(with: Self.enter) { isAlternate = true } else if rest.starts(with: Self.leave) { isAlternate = false }
            index = escape + 1
        }
    }
}
