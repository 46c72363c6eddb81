/// The YAML form (`all: children: web: hosts:`), by a small strict reader of the subset
/// inventories use.
extension AnsibleInventory {
    /// A YAML node of the subset inventories use: a block mapping, a plain or quoted scalar, or
    /// nothing (`key:` alone, `~`, `null`, `{}`).
    private indirect enum Node {
        case mapping([(key: String, value: Node, line: Int)])
        case scalar(String)
        case empty
    }

    /// A line that says something: its number, its indentation, and its text without a comment.
    private struct YAMLLine {
        var number: Int
        var indent: Int
        var text: String
    }

    mutating func readYAML(_ lines: [String]) throws(UnitifyError) {
        var meaningful: [YAMLLine] = []
        for (index, raw) in lines.enumerated() {
            let number = index + 1
            guard !raw.contains("\t") || raw.trimmingSpaces().hasPrefix("#") else { throw failure(number, "a tab: YAML indents with spaces") }
            let text = Self.withoutComment(raw)
            let trimmed = text.trimmingSpaces()
            if trimmed.isEmpty || (trimmed == "---" && meaningful.isEmpty) { continue }
            meaningful.append(YAMLLine(number: number, indent: text.prefix { $0 == " " }.count, text: trimmed))
        }
        var position = 0
        let root = try parseMapping(meaningful, at: &position, indent: meaningful.first?.indent ?? 0)
        if position < meaningful.count { throw failure(meaningful[position].number, "'\(meaningful[position].text)' is indented less than the lines before and more than the top") }
        guard case .mapping(let groups) = root else { return }
        for (name, node, line) in groups { try readGroup(name, node, line: line) }
    }

    /// A block mapping whose keys are at `indent`, from `position` to the first line indented less.
    private func parseMapping(_ lines: [YAMLLine], at position: inout Int, indent: Int) throws(UnitifyError) -> Node {
        var entries: [(key: String, value: Node, line: Int)] = []
        while position < lines.count, lines[position].indent >= indent {
            let line = lines[position]
            guard line.indent == indent else { throw failure(line.number, "'\(line.text)' is indented more than the key before it holds") }
            if line.text.hasPrefix("- ") || line.text == "-" {
                throw failure(line.number, "a list ('- '): an inventory's hosts, children and vars are mappings ('NAME:')")
            }
            guard let colon = Self.keyColon(line.text) else { throw failure(line.number, "'\(line.text)' is not 'KEY:' or 'KEY: VALUE'") }
            let key = try Self.scalar(String(line.text[..<colon]), line: line.number, failure: failure)
            let rest = String(line.text[line.text.index(after: colon)...]).trimmingSpaces()
            position += 1
            if entries.contains(where: { $0.key == key }) { throw failure(line.number, "'\(key)' is given twice in one mapping") }
            if !rest.isEmpty {
                if position < lines.count, lines[position].indent > indent {
                    throw failure(lines[position].number, "'\(lines[position].text)' is indented under '\(key): \(rest)', which already has a value")
                }
                let value: Node = ["~", "null", "{}"].contains(rest) ? .empty : .scalar(try Self.scalar(rest, line: line.number, failure: failure))
                entries.append((key, value, line.number))
            } else if position < lines.count, lines[position].indent > indent {
                entries.append((key, try parseMapping(lines, at: &position, indent: lines[position].indent), line.number))
            } else {
                entries.append((key, .empty, line.number))
            }
        }
        return .mapping(entries)
    }

    /// A group's node: `hosts`, `children` and `vars`, each a mapping or nothing.
    private mutating func readGroup(_ group: String, _ node: Node, line: Int) throws(UnitifyError) {
        guard Self.isName(group) else { throw failure(line, "'\(group)' is not a group name") }
        addGroup(group)
        guard case .mapping(let entries) = node else {
            if case .scalar(let value) = node { throw failure(line, "group '\(group)' holds '\(value)': a group holds hosts:, children: and vars:") }
            return
        }
        for (key, value, line) in entries {
            let items = try mappingEntries(value, of: "\(group): \(key)", line: line)
            switch key {
            case "hosts":
                for (host, variables, hostLine) in items {
                    guard Self.isHostName(host) else { throw failure(hostLine, "'\(host)' is not a host name") }
                    let values = try mappingEntries(variables, of: host, line: hostLine)
                    var scalars: [String: String] = [:]
                    for (name, value, _) in values { if case .scalar(let text) = value { scalars[name] = text } }
                    addHost(host, to: group, variables: scalars)
                }
            case "children":
                for (child, childNode, childLine) in items {
                    try readGroup(child, childNode, line: childLine)
                    addChild(child, to: group)
                }
            case "vars":
                for (name, value, _) in items { if case .scalar(let text) = value { addVariable(name, text, to: group) } }
            default:
                throw failure(line, "'\(key)' in group '\(group)': a group holds hosts:, children: and vars:")
            }
        }
    }

    /// The entries of a mapping, none for nothing; a scalar where a mapping belongs is an error.
    private func mappingEntries(_ node: Node, of owner: String, line: Int) throws(UnitifyError) -> [(key: String, value: Node, line: Int)] {
        switch node {
        case .mapping(let entries): return entries
        case .empty: return []
        case .scalar(let value): throw failure(line, "'\(owner)' holds '\(value)' where a mapping ('NAME:' lines below it) belongs")
        }
    }

    /// Where a line's key ends: its first `:` followed by a space or the end, outside quotes.
    private static func keyColon(_ text: String) -> String.Index? {
        var quote: Character?
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == ":" && (next == text.endIndex || text[next] == " ") {
                return index
            }
            index = next
        }
        return nil
    }

    /// A scalar: quoted, its quotes removed, or plain; what would need more of YAML is refused.
    private static func scalar(_ text: String, line: Int, failure: (Int, String) -> UnitifyError) throws(UnitifyError) -> String {
        if let first = text.first, first == "\"" || first == "'" {
            guard text.count >= 2, text.last == first, !text.dropFirst().dropLast().contains(first) else {
                throw failure(line, "\(text): a quoted value must end with its quote on the same line")
            }
            return String(text.dropFirst().dropLast())
        }
        if let first = text.first, "{[&*!|>%@`".contains(first) {
            throw failure(line, "'\(text)': unitify reads plain and quoted values of an inventory, not YAML's flow, anchors, tags or blocks")
        }
        return text
    }

    /// A line without its comment: `#` at its start or after a space, outside quotes.
    private static func withoutComment(_ line: String) -> String {
        var quote: Character?
        var previous: Character = " "
        var kept = ""
        for character in line {
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "#" && (previous == " " || previous == "\t") {
                break
            }
            kept.append(character)
            previous = character
        }
        return kept
    }
}
