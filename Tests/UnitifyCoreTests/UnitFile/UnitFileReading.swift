@testable import UnitifyCore

/// Reading unit-file values back as systemd reads them: the oracle the escaping tests check
/// against (unitify itself never reads its files back this way).
extension UnitFile {
    /// The words of an `ExecStart=` (or `Command=`) value, unescaped as systemd reads them
    /// (`extract_first_word` with `EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE`, then `%%`→`%` and `$$`→`$`).
    /// Prefix characters before the first word (`@`, `-`, `:`, `+`, `!`) are dropped; after a prefix
    /// the first word is the executable path, where `$` is literal. Returns nil for what unitify
    /// never writes: bad quoting or escapes, a specifier, a variable reference.
    public static func unescapeExecWords(_ value: String) -> [String]? {
        var bytes = Substring(value).utf8[...]
        var hasPrefix = false
        while let first = bytes.first, "@-:+!".utf8.contains(first) {
            hasPrefix = true
            bytes = bytes.dropFirst()
        }
        guard let words = splitWords(bytes) else { return nil }
        var result: [String] = []
        for (index, word) in words.enumerated() {
            guard let literal = undoExpansion(word, dollars: !(hasPrefix && index == 0)) else { return nil }
            result.append(literal)
        }
        return result
    }

    /// The assignments of an `Environment=` value, unescaped as systemd reads them (`%%`→`%`; `$` is literal).
    public static func unescapeEnvironmentWords(_ value: String) -> [String]? {
        guard let words = splitWords(Substring(value).utf8[...]) else { return nil }
        var result: [String] = []
        for word in words {
            guard let literal = undoExpansion(word, dollars: false) else { return nil }
            result.append(literal)
        }
        return result
    }

    /// `%%`→`%` and, when `dollars`, `$$`→`$`; nil for a lone `%` or `$`, which systemd would expand.
    static func undoExpansion(_ word: [UInt8], dollars: Bool) -> String? {
        var out: [UInt8] = []
        var index = 0
        while index < word.count {
            let byte = word[index]
            if byte == UInt8(ascii: "%") || (dollars && byte == UInt8(ascii: "$")) {
                guard index + 1 < word.count, word[index + 1] == byte else { return nil }
                index += 1
            }
            out.append(byte)
            index += 1
        }
        return String(validating: out, as: UTF8.self)
    }

    /// systemd's `extract_first_word` over a whole value, with quotes removed and C escapes decoded.
    static func splitWords(_ input: Substring.UTF8View.SubSequence) -> [[UInt8]]? {
        let bytes = Array(input)
        let separators: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D]
        var words: [[UInt8]] = []
        var index = 0
        while true {
            while index < bytes.count, separators.contains(bytes[index]) { index += 1 }
            guard index < bytes.count else { return words }
            var word: [UInt8] = []
            var quote: UInt8? = nil
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\\") {
                    guard let (decoded, length) = unescapeOne(bytes, at: index + 1) else { return nil }
                    word += decoded
                    index += 1 + length
                } else if let open = quote {
                    if byte == open { quote = nil } else { word.append(byte) }
                    index += 1
                } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    quote = byte
                    index += 1
                } else if separators.contains(byte) {
                    break
                } else {
                    word.append(byte)
                    index += 1
                }
            }
            guard quote == nil else { return nil }
            words.append(word)
        }
    }

    /// systemd's `cunescape_one`: the bytes one escape stands for and how many bytes it took after
    /// the backslash. NUL is refused, as systemd refuses it.
    static func unescapeOne(_ bytes: [UInt8], at index: Int) -> ([UInt8], Int)? {
        guard index < bytes.count else { return nil }
        func hex(_ count: Int) -> UInt32? {
            guard index + count < bytes.count else { return nil }
            var value: UInt32 = 0
            for byte in bytes[(index + 1)...(index + count)] {
                guard let digit = hexDigit(byte) else { return nil }
                value = value << 4 | digit
            }
            return value
        }
        let simple: [UInt8: UInt8] = [
            UInt8(ascii: "a"): 0x07, UInt8(ascii: "b"): 0x08, UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A,
            UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09, UInt8(ascii: "v"): 0x0B, UInt8(ascii: "\\"): 0x5C,
            UInt8(ascii: "\""): 0x22, UInt8(ascii: "'"): 0x27, UInt8(ascii: "s"): 0x20,
        ]
        let kind = bytes[index]
        if let byte = simple[kind] { return ([byte], 1) }
        switch kind {
        case UInt8(ascii: "x"):
            guard let value = hex(2), value != 0 else { return nil }
            return ([UInt8(value)], 3)
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = kind == UInt8(ascii: "u") ? 4 : 8
            guard let value = hex(count), value != 0, let scalar = Unicode.Scalar(value) else { return nil }
            return (Array(String(Character(scalar)).utf8), 1 + count)
        case UInt8(ascii: "0")...UInt8(ascii: "7"):
            guard index + 2 < bytes.count else { return nil }
            var value: UInt32 = 0
            for byte in bytes[index...(index + 2)] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(byte) else { return nil }
                value = value << 3 | UInt32(byte - UInt8(ascii: "0"))
            }
            guard value != 0, value <= 255 else { return nil }
            return ([UInt8(value)], 3)
        default:
            return nil
        }
    }

    static func hexDigit(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
