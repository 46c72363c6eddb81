/// The INI form: `[group]`, `[group:children]`, `[group:vars]`, `web[01:03]` ranges.
extension AnsibleInventory {
    private enum Section { case hosts, children, vars }

    mutating func readINI(_ lines: [String]) throws(UnitifyError) {
        var group = "ungrouped", section = Section.hosts
        for (index, raw) in lines.enumerated() {
            let number = index + 1
            let line = raw.trimmingSpaces()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else { throw failure(number, "'\(line)' opens a section without closing it with ']'") }
                let name = line.dropFirst().dropLast()
                let parts = name.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                guard parts.count <= 2, let first = parts.first, Self.isName(first) else {
                    throw failure(number, "'\(line)' is not a section: write [GROUP], [GROUP:children] or [GROUP:vars]")
                }
                switch parts.count == 2 ? parts[1] : "" {
                case "": section = .hosts
                case "children": section = .children
                case "vars": section = .vars
                default: throw failure(number, "'\(line)' is not a section: write [GROUP], [GROUP:children] or [GROUP:vars]")
                }
                group = first
                addGroup(group)
                continue
            }
            let words = try Self.words(line, line: number, failure: failure)
            switch section {
            case .children:
                guard words.count == 1, Self.isName(words[0]) else { throw failure(number, "'\(line)' is not a group name in [\(group):children]") }
                addChild(words[0], to: group)
            case .vars:
                guard let equals = line.firstIndex(of: "=") else { throw failure(number, "'\(line)' is not KEY=VALUE in [\(group):vars]") }
                let key = String(line[..<equals]).trimmingSpaces()
                let value = try Self.words(String(line[line.index(after: equals)...]), line: number, failure: failure)
                guard Self.isName(key), value.count <= 1 else { throw failure(number, "'\(line)' is not KEY=VALUE in [\(group):vars]") }
                addVariable(key, value.first ?? "", to: group)
            case .hosts:
                var variables: [String: String] = [:]
                for word in words.dropFirst() {
                    guard let equals = word.firstIndex(of: "="), Self.isName(String(word[..<equals])) else {
                        throw failure(number, "'\(word)' after the host is not KEY=VALUE")
                    }
                    variables[String(word[..<equals])] = String(word[word.index(after: equals)...])
                }
                var pattern = words[0]
                // `host:2222`, Ansible's INI way of giving a port.
                if let colon = pattern.lastIndex(of: ":"), !pattern[colon...].contains("]"), !pattern.contains("::") {
                    let port = String(pattern[pattern.index(after: colon)...])
                    guard UInt16(port) != nil else { throw failure(number, "'\(words[0])': '\(port)' is not a port") }
                    if variables["ansible_port"] == nil { variables["ansible_port"] = port }
                    pattern = String(pattern[..<colon])
                }
                for host in try Self.expand(pattern, line: number, failure: failure) {
                    addHost(host, to: group, variables: variables)
                }
            }
        }
    }

    /// A line's words, split at spaces outside quotes, its quotes removed; a word that starts
    /// with `#` and all after it are a comment.
    static func words(_ line: String, line number: Int, failure: (Int, String) -> UnitifyError) throws(UnitifyError) -> [String] {
        var words: [String] = []
        var word = "", inWord = false, quote: Character?
        for character in line {
            if let open = quote {
                if character == open { quote = nil } else { word.append(character) }
            } else if character == " " || character == "\t" {
                if inWord { words.append(word); word = ""; inWord = false }
            } else if character == "#" && !inWord {
                break
            } else if character == "\"" || character == "'" {
                quote = character
                inWord = true
            } else {
                word.append(character)
                inWord = true
            }
        }
        guard quote == nil else { throw failure(number, "a quote is not closed") }
        if inWord { words.append(word) }
        return words
    }

    /// A host pattern's hosts: `web[01:03]` is web01, web02, web03 (the width of the first
    /// kept), `db-[a:c]` db-a to db-c, `[1:9:2]` every other; one range per pattern.
    static func expand(_ pattern: String, line: Int, failure: (Int, String) -> UnitifyError) throws(UnitifyError) -> [String] {
        guard let open = pattern.firstIndex(of: "[") else {
            guard isHostName(pattern) else { throw failure(line, "'\(pattern)' is not a host name") }
            return [pattern]
        }
        let bad = failure(line, "'\(pattern)' is not a host range: write e.g. web[01:10] or db-[a:f]")
        guard let close = pattern[open...].firstIndex(of: "]") else { throw bad }
        let prefix = pattern[..<open], suffix = pattern[pattern.index(after: close)...]
        let parts = pattern[pattern.index(after: open)..<close].split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 || parts.count == 3, !suffix.contains("[") else { throw bad }
        let stride = parts.count == 3 ? Int(parts[2]) : 1
        guard let stride, stride > 0 else { throw bad }
        var names: [String]
        if let low = Int(parts[0]), let high = Int(parts[1]), low <= high, high - low < 100_000 {
            let width = parts[0].count
            names = Swift.stride(from: low, through: high, by: stride).map { value in
                let digits = String(value)
                return String(repeating: "0", count: max(0, width - digits.count)) + digits
            }
        } else if let low = parts[0].unicodeScalars.first, let high = parts[1].unicodeScalars.first,
                  parts[0].unicodeScalars.count == 1, parts[1].unicodeScalars.count == 1,
                  low.properties.isLowercase == high.properties.isLowercase, low.isASCII, high.isASCII,
                  low.properties.isAlphabetic, high.properties.isAlphabetic, low.value <= high.value {
            names = Swift.stride(from: low.value, through: high.value, by: stride).map { String(Character(Unicode.Scalar($0)!)) }
        } else {
            throw bad
        }
        names = names.map { prefix + $0 + suffix }
        for name in names where !isHostName(name) { throw failure(line, "'\(name)' is not a host name") }
        return names
    }

    /// A group's or a variable's name: letters, digits and `_` (Ansible also allows `-`).
    static func isName(_ text: String) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
    }

    /// An inventory's host name: what `--host` takes, without user or port.
    static func isHostName(_ text: String) -> Bool {
        !text.isEmpty && text.first != "-" && text.allSatisfy { $0.isLetter || $0.isNumber || "._-".contains($0) }
    }
}
