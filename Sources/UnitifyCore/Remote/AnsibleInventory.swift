/// An Ansible inventory's groups and hosts, read without Ansible, so that `--host @GROUP` reaches
/// the machines a team already lists there. Both forms Ansible ships: INI (`[group]`,
/// `[group:children]`, `[group:vars]`, `web[01:03]` ranges) and YAML (`all: children: web: hosts:`),
/// the YAML by a small strict reader of the subset inventories use: what it does not understand
/// is one error naming the file and the line, never a guess. Of the variables, only the three that
/// say how ssh reaches a host are used: `ansible_host`, `ansible_port` and `ansible_user`.
public struct AnsibleInventory: Sendable {
    /// The file it was read from, for messages.
    public let path: String
    /// Every group in the order first seen; `all` and `ungrouped` always among them.
    public private(set) var groups: [String] = ["all", "ungrouped"]
    /// Every host in the order first seen.
    public private(set) var hostNames: [String] = []
    private var directHosts: [String: [String]] = [:]
    private var children: [String: [String]] = [:]
    private var groupVariables: [String: [String: String]] = [:]
    private var hostVariables: [String: [String: String]] = [:]

    /// The variables unitify reads; the others are Ansible's business.
    static let variables: Set<String> = ["ansible_host", "ansible_port", "ansible_user"]

    /// Reads `text`, YAML when the name ends in `.yml`/`.yaml` or the first line that says
    /// anything is `---` or a `key:`, else INI.
    public init(text: String, path: String) throws(UnitifyError) {
        self.path = path
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0.hasSuffix("\r") ? $0.dropLast() : $0) }
        let first = lines.lazy.map { $0.trimmingSpaces() }.first { !$0.isEmpty && !$0.hasPrefix("#") && !$0.hasPrefix(";") }
        let yaml = path.hasSuffix(".yml") || path.hasSuffix(".yaml")
            || (first.map { $0 == "---" || (!$0.hasPrefix("[") && $0.hasSuffix(":")) } ?? false)
        if yaml { try readYAML(lines) } else { try readINI(lines) }
    }

    /// The hosts of `group` (its own, then its children's, each once), as ssh reaches them;
    /// `all` is every host, `ungrouped` those in no group but `all`.
    public func hosts(of group: String) throws(UnitifyError) -> [HostAddress] {
        guard groups.contains(group) else {
            throw .usage("no group '\(group)' in the inventory \(path); its groups: \(groups.joined(separator: ", "))")
        }
        var names: [String]
        switch group {
        case "all": names = hostNames
        case "ungrouped":
            let grouped = Set(groups.filter { $0 != "all" && $0 != "ungrouped" }.flatMap { directHosts[$0] ?? [] })
            names = hostNames.filter { !grouped.contains($0) } + (directHosts["ungrouped"] ?? [])
        default: names = members(of: group)
        }
        var seen: Set<String> = []
        names = names.filter { seen.insert($0).inserted }
        var hosts: [HostAddress] = []
        for name in names { hosts.append(try hostAddress(name)) }
        return hosts
    }

    /// A host's own hosts and those of its children, depth first, a group met twice read once.
    private func members(of group: String) -> [String] {
        var visited: Set<String> = []
        func walk(_ group: String) -> [String] {
            guard visited.insert(group).inserted else { return [] }
            return (directHosts[group] ?? []) + (children[group] ?? []).flatMap(walk)
        }
        return walk(group)
    }

    /// The groups that hold `host`, directly or through children, each with its depth below `all`.
    private func depths(holding host: String) -> [(group: String, depth: Int)] {
        var depth: [String: Int] = ["all": 0]
        // Groups no group holds sit under `all`, as `all`'s own children do.
        let topLevel = groups.filter { group in group != "all" && !children.values.contains { $0.contains(group) } }
        for group in topLevel { depth[group] = 1 }
        var queue = ["all"] + topLevel
        while !queue.isEmpty {
            let group = queue.removeFirst()
            for child in children[group] ?? [] where depth[child] == nil {
                depth[child] = depth[group]! + 1
                queue.append(child)
            }
        }
        return depth.filter { $0.key == "all" || members(of: $0.key).contains(host) }.map { ($0.key, $0.value) }
    }

    /// `host` as ssh reaches it: its own variables first, then those of the deepest group that
    /// holds it (a child's over its parent's, as Ansible merges them; at one depth the group
    /// later by name), then `all`'s.
    func hostAddress(_ name: String) throws(UnitifyError) -> HostAddress {
        let holding = depths(holding: name).sorted { ($0.depth, $0.group) > ($1.depth, $1.group) }
        func value(_ key: String) -> String? {
            hostVariables[name]?[key] ?? holding.lazy.compactMap { groupVariables[$0.group]?[key] }.first
        }
        let bad = { (why: String) in UnitifyError.usage("host '\(name)' in the inventory \(path): \(why)") }
        var port: UInt16?
        if let text = value("ansible_port") {
            guard let number = UInt16(text), number > 0 else { throw bad("ansible_port '\(text)' is not a port (1-65535)") }
            port = number
        }
        let host = HostAddress(user: value("ansible_user"), host: value("ansible_host") ?? name, port: port)
        // The same checks as a host on the command line: nothing that ssh would take as an option.
        do { return try HostAddress(parsing: host.description) } catch { throw bad(error.message) }
    }

    private mutating func addGroup(_ group: String) {
        if !groups.contains(group) { groups.append(group) }
    }

    private mutating func addHost(_ host: String, to group: String, variables: [String: String]) {
        if !hostNames.contains(host) { hostNames.append(host) }
        addGroup(group)
        if group != "all", !(directHosts[group] ?? []).contains(host) { directHosts[group, default: []].append(host) }
        hostVariables[host, default: [:]].merge(variables.filter { Self.variables.contains($0.key) }) { $1 }
    }

    private mutating func addChild(_ child: String, to group: String) {
        addGroup(group)
        addGroup(child)
        if !(children[group] ?? []).contains(child) { children[group, default: []].append(child) }
    }

    private mutating func addVariable(_ key: String, _ value: String, to group: String) {
        addGroup(group)
        if Self.variables.contains(key) { groupVariables[group, default: [:]][key] = value }
    }

    private func failure(_ line: Int, _ why: String) -> UnitifyError {
        .usage("\(path):\(line): \(why)")
    }
}

// MARK: - INI

extension AnsibleInventory {
    private enum Section { case hosts, children, vars }

    private mutating func readINI(_ lines: [String]) throws(UnitifyError) {
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

// MARK: - YAML

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

    private mutating func readYAML(_ lines: [String]) throws(UnitifyError) {
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
