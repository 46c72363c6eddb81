/// JSON string literals, for `JSON` and for the journal's `-o json` fast path (one object per
/// entry, written directly, where even a small encoder's per-value overhead shows).
public enum JSONText {
    public static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20:
                out += "\\u00" + hexByte(UInt8(scalar.value))
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// A journal field value: a string when it is valid UTF-8 without control bytes other than
    /// newline and tab, else an array of byte values, as journalctl does.
    public static func value(_ bytes: [UInt8]) -> String {
        if let text = String(validating: bytes, as: UTF8.self),
           !bytes.contains(where: { $0 < 0x20 && $0 != 0x0A && $0 != 0x09 }) {
            return quote(text)
        }
        return "[" + bytes.map(String.init).joined(separator: ",") + "]"
    }
}
