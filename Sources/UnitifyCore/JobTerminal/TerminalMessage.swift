/// What `attach` and `send` say to the holder of a job's terminal, over its socket. The holder
/// answers with the terminal's output as it is, unframed. A message is a kind byte, a 4-byte
/// little-endian length and that many bytes.
public enum TerminalMessage: Sendable, Equatable {
    /// The first message: who is coming, and their window's size (0 when they have none).
    case hello(TerminalClientMode, rows: UInt16, columns: UInt16)
    /// Keys, typed or sent, for the program.
    case input([UInt8])
    /// The window's new size.
    case resize(rows: UInt16, columns: UInt16)

    /// Larger messages are refused: a client that sends one is not speaking this protocol.
    public static let maxLength = 1 << 20

    public var encoded: [UInt8] {
        let (kind, body): (UInt8, [UInt8]) = switch self {
        case .hello(let mode, let rows, let columns): (1, [mode.rawValue] + Self.bytes(rows) + Self.bytes(columns))
        case .input(let bytes): (2, bytes)
        case .resize(let rows, let columns): (3, Self.bytes(rows) + Self.bytes(columns))
        }
        let length = UInt32(body.count)
        return [kind, UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 24)] + body
    }

    static func bytes(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }

    /// Messages taken from a byte stream as it arrives.
    public struct Reader: Sendable {
        var buffer: [UInt8] = []

        public init() {}

        public mutating func append(_ bytes: some Sequence<UInt8>) { buffer.append(contentsOf: bytes) }

        /// The next whole message; nil until one has arrived. Throws on a stream that is not
        /// this protocol.
        public mutating func next() throws(UnitifyError) -> TerminalMessage? {
            guard buffer.count >= 5 else { return nil }
            let length = Int(buffer[1]) | Int(buffer[2]) << 8 | Int(buffer[3]) << 16 | Int(buffer[4]) << 24
            guard length <= TerminalMessage.maxLength else { throw UnitifyError.failed("a terminal message of \(length) bytes") }
            guard buffer.count >= 5 + length else { return nil }
            let body = Array(buffer[5..<(5 + length)])
            let kind = buffer[0]
            buffer.removeFirst(5 + length)
            func half(_ at: Int) -> UInt16 { UInt16(body[at]) | UInt16(body[at + 1]) << 8 }
            switch kind {
            case 1 where body.count == 5:
                guard let mode = TerminalClientMode(rawValue: body[0]) else { break }
                return .hello(mode, rows: half(1), columns: half(3))
            case 2:
                return .input(body)
            case 3 where body.count == 4:
                return .resize(rows: half(0), columns: half(2))
            default:
                break
            }
            throw UnitifyError.failed("a terminal message of kind \(kind) and \(length) bytes")
        }
    }
}

/// How a client joins a job's terminal.
public enum TerminalClientMode: UInt8, Sendable {
    /// `attach`: sees the output, types, and its window sets the terminal's size.
    case interactive = 1
    /// `attach --read-only`: sees the output only.
    case watching = 2
    /// `send`: types only.
    case sending = 3
}

/// The key that ends `attach` (the job runs on): Ctrl-\ unless `--detach-key` names another.
public enum DetachKey {
    public static let standard: UInt8 = 0x1C

    /// `^\`, `^A`, `C-a`, `ctrl-a` (a control key), or `none`: nil for none.
    public static func parse(_ text: String) throws(UnitifyError) -> UInt8? {
        if text == "none" { return nil }
        let lower = text.lowercased()
        var key: Substring?
        for prefix in ["^", "c-", "ctrl-", "ctrl+"] where lower.hasPrefix(prefix) {
            key = text.dropFirst(prefix.count)
        }
        guard let key, key.utf8.count == 1, let byte = key.utf8.first,
              let control = Self.control(byte) else {
            throw UnitifyError.usage("--detach-key '\(text)' is not a control key: give one as ^X or ctrl-x (a letter, or one of @[\\]^_), or none")
        }
        return control
    }

    static func control(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - 0x60
        case UInt8(ascii: "@")...UInt8(ascii: "_"): byte - 0x40
        case UInt8(ascii: "?"): 0x7F
        default: nil
        }
    }

    /// How the key is written for people: `Ctrl-\`.
    public static func name(_ key: UInt8) -> String {
        key == 0x7F ? "Ctrl-?" : "Ctrl-" + String(Unicode.Scalar(key + 0x40))
    }
}
