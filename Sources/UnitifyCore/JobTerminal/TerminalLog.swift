/// A terminal job's output as journal lines: what a terminal would show of each line, with no
/// escape sequences, and a line that is redrawn with `\r` (a progress bar) logged while it is
/// drawn, at most once per `redrawInterval`, so that `journal -f` shows it move without a line
/// per frame. A full-screen program's output (the alternate screen: `top`, `vim`, `less`) is not
/// logged: it is a picture, not lines.
///
/// Pure: the holder of the terminal feeds it the bytes it reads and the time, and writes out
/// what comes back.
public struct TerminalLog: Sendable {
    /// Microseconds between two logged states of one redrawn line.
    public var redrawInterval: UInt64 = 500_000
    /// A line this long is logged and a new one begun, as journald splits at its LineMax= (48K):
    /// output without newlines must not grow in memory for ever.
    public static let maxLineLength = 48 * 1024

    var line: [Unicode.Scalar] = []
    var cursor = 0
    /// The line was redrawn (`\r`, cursor moves) since it began.
    var redrawn = false
    /// Its state differs from the one last logged.
    var changed = false
    var lastLogged: [Unicode.Scalar]?
    var lastLoggedAt: UInt64?
    var alternateScreen = false

    var escape = EscapeState.none
    var parameters: [UInt8] = []
    var utf8 = UTF8Decoder()

    enum EscapeState {
        case none, escape, csi, osc, oscEscape, twoByte
    }

    public init() {}

    /// The lines `bytes` complete, and the state of a redrawn line when one is due at `now`.
    /// Concrete, not generic: the holder feeds it every byte a terminal job writes.
    public mutating func feed(_ bytes: ArraySlice<UInt8>, now: UInt64) -> [String] {
        var lines: [String] = []
        for byte in bytes {
            if let finished = take(byte) { lines.append(finished) }
        }
        if let due = tick(now: now) { lines.append(due) }
        return lines
    }

    public mutating func feed(_ bytes: [UInt8], now: UInt64) -> [String] {
        feed(bytes[...], now: now)
    }

    /// When the current redrawn state is due to be logged; nil when nothing waits.
    public var deadline: UInt64? {
        guard redrawn, changed, !line.isEmpty, !alternateScreen else { return nil }
        return lastLoggedAt.map { $0 + redrawInterval } ?? 0
    }

    /// The redrawn line's state, when it changed and the interval since the last one has passed.
    public mutating func tick(now: UInt64) -> String? {
        guard let deadline, now >= deadline else { return nil }
        changed = false
        lastLogged = line
        lastLoggedAt = now
        return render(line)
    }

    /// The line being written when the output ends, unless it is what was logged last.
    public mutating func finish() -> String? {
        defer { clearLine() }
        guard !line.isEmpty, line != lastLogged else { return nil }
        return render(line)
    }

    mutating func take(_ byte: UInt8) -> String? {
        switch escape {
        case .none:
            break
        case .escape:
            switch byte {
            case UInt8(ascii: "["): escape = .csi; parameters = []
            case UInt8(ascii: "]"), UInt8(ascii: "P"), UInt8(ascii: "_"), UInt8(ascii: "^"): escape = .osc
            case 0x20...0x2F: escape = .twoByte  // ESC ( B and the like: one more byte
            default: escape = .none
            }
            return nil
        case .csi:
            if (0x40...0x7E).contains(byte) {
                escape = .none
                control(final: byte)
            } else {
                parameters.append(byte)
            }
            return nil
        case .osc:
            if byte == 0x07 { escape = .none } else if byte == 0x1B { escape = .oscEscape }
            return nil
        case .oscEscape:
            escape = byte == UInt8(ascii: "\\") ? .none : .osc
            return nil
        case .twoByte:
            escape = .none
            return nil
        }
        switch byte {
        case 0x1B:
            escape = .escape
        case UInt8(ascii: "\n"):
            return endLine()
        case UInt8(ascii: "\r"):
            if cursor != 0 { redrawn = true }
            cursor = 0
        case 0x08:
            cursor = max(0, cursor - 1)
        case UInt8(ascii: "\t"):
            let stop = (cursor / 8 + 1) * 8
            while cursor < stop { put(" ") }
        case 0..<0x20, 0x7F:
            break
        default:
            var decoder = utf8
            decoder.decode(byte) { put($0) }
            utf8 = decoder
            if line.count >= Self.maxLineLength { return endLine() }
        }
        return nil
    }

    mutating func put(_ scalar: Unicode.Scalar) {
        if cursor < line.count {
            line[cursor] = scalar
        } else {
            while line.count < cursor { line.append(" ") }
            line.append(scalar)
        }
        cursor += 1
        changed = true
    }

    /// The CSI sequences that change what a line shows: erasing, and moving along it.
    mutating func control(final: UInt8) {
        let text = String(decoding: parameters, as: UTF8.self)
        let private_ = text.hasPrefix("?")
        let number = Int(text.drop { $0 == "?" }) ?? 0
        switch final {
        case UInt8(ascii: "h") where private_ && [47, 1047, 1049].contains(number):
            alternateScreen = true
        case UInt8(ascii: "l") where private_ && [47, 1047, 1049].contains(number):
            alternateScreen = false
            clearLine()
        case UInt8(ascii: "K"):
            switch number {
            case 0: if cursor < line.count { line.removeSubrange(cursor...) }
            case 1: for index in 0..<min(cursor + 1, line.count) { line[index] = " " }
            default: line = []
            }
            changed = true
        case UInt8(ascii: "G"):
            cursor = max(0, number - 1)
            redrawn = true
        case UInt8(ascii: "D"):
            cursor = max(0, cursor - max(1, number))
            redrawn = true
        case UInt8(ascii: "C"):
            cursor += max(1, number)
        default:
            break
        }
    }

    mutating func endLine() -> String? {
        defer { clearLine() }
        guard !alternateScreen else { return nil }
        // A redrawn line whose last state was logged already, and has not changed since.
        if redrawn, !changed, line == lastLogged { return nil }
        return render(line)
    }

    mutating func clearLine() {
        line.removeAll(keepingCapacity: true)
        cursor = 0
        redrawn = false
        changed = false
        lastLogged = nil
        lastLoggedAt = nil
    }

    /// The line as text, without the spaces at its end (a terminal shows none).
    func render(_ scalars: [Unicode.Scalar]) -> String {
        var end = scalars.count
        while end > 0 && scalars[end - 1] == " " { end -= 1 }
        var utf8: [UInt8] = []
        utf8.reserveCapacity(end)
        for scalar in scalars[..<end] {
            if scalar.value < 0x80 { utf8.append(UInt8(scalar.value)) } else { utf8.append(contentsOf: UTF8.encode(scalar)!) }
        }
        return String(decoding: utf8, as: UTF8.self)
    }
}

extension TerminalLog {
    /// What a terminal shows of one logged line that holds `\r` (a progress bar written by a job
    /// without a terminal: journald keeps every frame in one line): its last state, each frame
    /// written over the one before. A line without `\r` comes back as it is.
    public static func shown(_ message: String) -> String {
        guard message.utf8.contains(UInt8(ascii: "\r")) else { return message }
        var log = TerminalLog()
        for byte in message.utf8 where byte != UInt8(ascii: "\n") { _ = log.take(byte) }
        return log.render(log.line)
    }
}

/// UTF-8 decoded a byte at a time; an invalid sequence is U+FFFD.
struct UTF8Decoder: Sendable {
    var scalar: UInt32 = 0
    var remaining = 0

    mutating func decode(_ byte: UInt8, _ scalars: (Unicode.Scalar) -> Void) {
        if remaining > 0 {
            if byte & 0xC0 == 0x80 {
                scalar = scalar << 6 | UInt32(byte & 0x3F)
                remaining -= 1
                if remaining == 0 { scalars(Unicode.Scalar(scalar) ?? "\u{FFFD}") }
                return
            }
            remaining = 0
            scalars("\u{FFFD}")
        }
        switch byte {
        case 0..<0x80: scalars(Unicode.Scalar(byte))
        case 0xC0..<0xE0: scalar = UInt32(byte & 0x1F); remaining = 1
        case 0xE0..<0xF0: scalar = UInt32(byte & 0x0F); remaining = 2
        case 0xF0..<0xF8: scalar = UInt32(byte & 0x07); remaining = 3
        default: scalars("\u{FFFD}")
        }
    }
}
