import Glibc

/// The terminal `top` draws on: keys read one at a time without echo, and the screen's size.
/// Raw mode is left on `restore()`; Ctrl-C arrives as a key (ISIG off), so it quits as `q` does
/// and the terminal is always put back.
public final class Terminal {
    let fd: Int32
    var saved = termios()
    var isRaw = false

    /// The terminal on standard input, in raw mode; nil when standard input is not a terminal.
    public static func keyboard() -> Terminal? {
        guard isatty(STDIN_FILENO) == 1 else { return nil }
        let terminal = Terminal(fd: STDIN_FILENO)
        guard tcgetattr(terminal.fd, &terminal.saved) == 0 else { return nil }
        var raw = terminal.saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        guard tcsetattr(terminal.fd, TCSANOW, &raw) == 0 else { return nil }
        terminal.isRaw = true
        return terminal
    }

    init(fd: Int32) { self.fd = fd }

    deinit { restore() }

    public func restore() {
        guard isRaw else { return }
        tcsetattr(fd, TCSANOW, &saved)
        isRaw = false
    }

    /// The next key pressed within `timeoutMicroseconds`; nil when none was. End of input reads
    /// as `q`.
    public func key(within timeoutMicroseconds: UInt64) -> Character? {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, Int32(min(timeoutMicroseconds / 1_000, UInt64(Int32.max))))
        guard ready > 0 else { return nil }
        var byte: UInt8 = 0
        let count = read(fd, &byte, 1)
        guard count == 1 else { return "q" }
        return Character(Unicode.Scalar(byte))
    }

    /// Rows of the terminal on standard output ($LINES wins); nil when it is not a terminal.
    public static var height: Int? {
        guard isatty(STDOUT_FILENO) == 1 else { return nil }
        if let lines = getenv("LINES").flatMap({ Int(String(cString: $0)) }), lines > 0 { return lines }
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0 else { return nil }
        return Int(size.ws_row)
    }
}

/// Microseconds of CLOCK_MONOTONIC, for timing frames.
public func monotonicNow() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1_000
}

/// Sleeps, for the frames of `top` when no keys are read.
public func sleepMicroseconds(_ microseconds: UInt64) {
    var request = timespec(tv_sec: Int(microseconds / 1_000_000), tv_nsec: Int(microseconds % 1_000_000) * 1_000)
    var remaining = timespec()
    while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
}
