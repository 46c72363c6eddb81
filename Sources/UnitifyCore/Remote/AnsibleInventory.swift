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

    mutating func addGroup(_ group: String) {
        if !groups.contains(group) { groups.append(group) }
    }

    mutating func addHost(_ host: String, to group: String, variables: [String: String]) {
        if !hostNames.contains(host) { hostNames.append(host) }
        addGroup(group)
        if group != "all", !(directHosts[group] ?? []).contains(host) { directHosts[group, default: []].append(host) }
        hostVariables[host, default: [:]].merge(variables.filter { Self.variables.contains($0.key) }) { $1 }
    }

    mutating func addChild(_ child: String, to group: String) {
        addGroup(group)
        addGroup(child)
        if !(children[group] ?? []).contains(child) { children[group, default: []].append(child) }
    }

    mutating func addVariable(_ key: String, _ value: String, to group: String) {
        addGroup(group)
        if Self.variables.contains(key) { groupVariables[group, default: [:]][key] = value }
    }

    func failure(_ line: Int, _ why: String) -> UnitifyError {
        .usage("\(path):\(line): \(why)")
    }
}
