import Glibc
import SystemPackage

/// Standard output written in large blocks (line by line on a terminal), quiet on a closed pipe:
/// `unitify journal x | head -1` ends with status 0 and no complaint.
public final class Output {
    nonisolated(unsafe) public static let standard = Output(fd: STDOUT_FILENO)
    nonisolated(unsafe) public static let error = Output(fd: STDERR_FILENO)

    let fd: Int32
    public let isTerminal: Bool
    /// Colour or not as the client of a unitify serving its --host chose (`ServedClient`), for
    /// its stdout and what is kept to be printed there; nil: as this process's own terminal says.
    private let clientsColour: Bool?
    private var buffer: [UInt8] = []
    private let blockSize = 1 << 16
    /// What was written, kept rather than written out (`capturing(like:)`); nil for a file.
    private var kept: [UInt8]?

    init(fd: Int32) {
        self.fd = fd
        // A unitify run for a client's --host prints on ssh's pipe what goes to that client's terminal.
        isTerminal = isatty(fd) == 1 || (fd == STDOUT_FILENO && ServedClient.terminal != nil)
        clientsColour = fd == STDOUT_FILENO ? ServedClient.terminal?.colour : nil
        buffer.reserveCapacity(blockSize * 2)
        signal(SIGPIPE, SIG_IGN)
    }

    private init(keepingLike output: Output) {
        fd = -1
        isTerminal = output.isTerminal
        clientsColour = output.clientsColour
        kept = []
    }

    /// An output that keeps what is printed on it, printed as it would be on `output` (colour
    /// and all): lines an operation reports rather than prints.
    public static func capturing(like output: Output) -> Output {
        Output(keepingLike: output)
    }

    /// The lines kept so far.
    public var capturedLines: [String] {
        flush()
        guard let kept, !kept.isEmpty else { return [] }
        var lines = kept.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        if kept.last == UInt8(ascii: "\n") { lines.removeLast() }
        return lines
    }

    /// The bytes kept since the last call (`capturing(like:)`), which are then forgotten: one
    /// entry's lines, when several targets' lines are merged.
    public func takeCaptured() -> [UInt8] {
        flush()
        defer { if kept != nil { kept!.removeAll(keepingCapacity: true) } }
        return kept ?? []
    }

    /// Colour only on a terminal, and never with NO_COLOR set (the client's choice, for a
    /// unitify serving its --host: `ServedClient`).
    public var usesColour: Bool {
        if let clientsColour { return clientsColour }
        return isTerminal && (getenv("NO_COLOR").map { $0.pointee == 0 } ?? true)
    }

    public func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= blockSize { flush() }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= blockSize { flush() }
    }

    public func line(_ text: String = "") {
        buffer.append(contentsOf: text.utf8)
        endLine()
    }

    public func endLine() {
        buffer.append(UInt8(ascii: "\n"))
        if isTerminal || buffer.count >= blockSize { flush() }
    }

    /// Writes everything out; exits 0 when the reader has gone away.
    public func flush() {
        if kept != nil {
            kept! += buffer
            buffer.removeAll(keepingCapacity: true)
            return
        }
        do {
            _ = try buffer.withUnsafeBytes { try FileDescriptor(rawValue: fd).writeAll($0) }
        } catch Errno.brokenPipe {
            _exit(0)
        } catch {
            // Nowhere left to say it: the rest is dropped, as before.
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Diagnostics go to standard error, unbuffered.
public func printError(_ text: String) {
    Output.standard.flush()
    let line = text + "\n"
    _ = line.withCString { Glibc.write(STDERR_FILENO, $0, strlen($0)) }
}

extension Output {
    /// The terminal's width when writing to one ($COLUMNS wins, as for ls); nil for pipes and files.
    public var terminalWidth: Int? {
        guard isTerminal else { return nil }
        if fd == STDOUT_FILENO, let terminal = ServedClient.terminal { return terminal.width }
        if let columns = getenv("COLUMNS").flatMap({ Int(String(cString: $0)) }), columns > 0 { return columns }
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}
