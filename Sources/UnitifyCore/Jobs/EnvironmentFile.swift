/// `KEY=VALUE` files as systemd's `EnvironmentFile=`, docker and dotenv read them, checked here so
/// a typo is reported with its line instead of being skipped the way systemd skips it.
public enum EnvironmentFile {
    /// The assignments of `text` as `KEY=VALUE`, in order. `path` only names the file in errors.
    /// Messages never quote a value: these files hold secrets.
    public static func parse(_ text: String, path: String) throws(UnitifyError) -> [String] {
        var body = Substring(text)
        if body.first == "\u{FEFF}" { body = body.dropFirst() }
        var assignments: [String] = []
        let lines = body.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        for (index, raw) in lines.enumerated() {
            let number = index + 1
            var line = Substring(String(raw).trimmingSpaces())
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export"), let next = line.dropFirst(6).first, next == " " || next == "\t" {
                line = line.dropFirst(6).drop(while: { $0 == " " || $0 == "\t" })
            }
            guard let equals = line.firstIndex(of: "="), case let key = String(line[..<equals]).trimmingSpaces(), !key.isEmpty else {
                throw UnitifyError.usage("invalid line \(number) in \(path): expected KEY=VALUE")
            }
            guard validateName(key) else {
                throw UnitifyError.usage("invalid variable name '\(key)' at line \(number) in \(path): use letters, digits and _, not starting with a digit")
            }
            let value = try Self.value(Substring(String(line[equals...].dropFirst()).trimmingSpaces()), line: number, path: path)
            assignments.append(key + "=" + value)
        }
        return assignments
    }

    /// A shell-style variable name: `[A-Za-z_][A-Za-z0-9_]*`, the names every tool agrees on.
    public static func validateName(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return key.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
    }

    /// Quotes keep spaces and `#`; unquoted, ` #` starts a comment, as in dotenv and compose files.
    static func value(_ text: Substring, line: Int, path: String) throws(UnitifyError) -> String {
        guard let quote = text.first, quote == "\"" || quote == "'" else {
            var end = text.endIndex
            var index = text.startIndex
            while index < text.endIndex {
                if text[index] == "#", index > text.startIndex, text[text.index(before: index)].isWhitespace {
                    end = index
                    break
                }
                index = text.index(after: index)
            }
            return String(text[..<end]).trimmingSpaces()
        }
        var value = ""
        var rest = text.dropFirst()
        var closed = false
        while let c = rest.first {
            rest = rest.dropFirst()
            if c == quote {
                closed = true
                break
            }
            if quote == "\"", c == "\\", let next = rest.first {
                rest = rest.dropFirst()
                switch next {
                case "\"", "\\": value.append(next)
                case "n": value.append("\n")
                default: value += "\\" + String(next)
                }
                continue
            }
            value.append(c)
        }
        guard closed else {
            throw UnitifyError.usage("invalid line \(line) in \(path): the value's opening \(quote) is not closed on that line; close it, and write line breaks as \\n inside double quotes")
        }
        let after = String(rest).trimmingSpaces()
        guard after.isEmpty || after.hasPrefix("#") else {
            throw UnitifyError.usage("invalid line \(line) in \(path): text follows the closing \(quote); put the whole value inside the quotes")
        }
        return value
    }
}
