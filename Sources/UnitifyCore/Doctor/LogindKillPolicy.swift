/// logind's process-killing settings, from logind.conf or from logind itself.
public struct LogindKillPolicy: Sendable, Equatable {
    public var killUserProcesses: Bool?
    public var killOnlyUsers: [String] = []
    public var killExcludeUsers: [String] = ["root"]
    /// Where the value came from: a file, logind, or the compile-time default in a comment.
    public var source: String

    public init(killUserProcesses: Bool?, killOnlyUsers: [String] = [], killExcludeUsers: [String] = ["root"], source: String) {
        self.killUserProcesses = killUserProcesses
        self.killOnlyUsers = killOnlyUsers
        self.killExcludeUsers = killExcludeUsers
        self.source = source
    }

    /// Reads `[Login]` settings from logind.conf and its drop-ins, given as (path, text) in the
    /// order systemd applies them (main file first, then drop-ins by name). A commented
    /// `#KillUserProcesses=no` in the main file is the compile-time default, as the file says.
    public static func parse(_ files: [(path: String, text: String)]) -> LogindKillPolicy {
        var policy = LogindKillPolicy(killUserProcesses: nil, source: "")
        var compiledDefault: Bool?
        for (index, file) in files.enumerated() {
            var inLogin = false
            for raw in file.text.split(whereSeparator: \.isNewline) {
                let line = String(raw).trimmingSpaces()
                if line.hasPrefix("[") {
                    inLogin = line == "[Login]"
                    continue
                }
                guard inLogin else { continue }
                if index == 0, line.hasPrefix("#KillUserProcesses="), compiledDefault == nil {
                    compiledDefault = parseBool(String(line.dropFirst("#KillUserProcesses=".count)))
                    continue
                }
                guard !line.hasPrefix("#"), !line.hasPrefix(";"), let equals = line.firstIndex(of: "=") else { continue }
                let key = String(line[..<equals]).trimmingSpaces()
                let value = String(line[line.index(after: equals)...]).trimmingSpaces()
                switch key {
                case "KillUserProcesses":
                    policy.killUserProcesses = parseBool(value)
                    policy.source = file.path
                case "KillOnlyUsers":
                    policy.killOnlyUsers = value.isEmpty ? [] : policy.killOnlyUsers + value.split(separator: " ").map(String.init)
                case "KillExcludeUsers":
                    policy.killExcludeUsers = value.isEmpty ? [] : policy.killExcludeUsers + value.split(separator: " ").map(String.init)
                default:
                    break
                }
            }
        }
        if policy.killUserProcesses == nil, let compiledDefault {
            policy.killUserProcesses = compiledDefault
            policy.source = "compile-time default, per \(files[0].path)"
        }
        return policy
    }

    static func parseBool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "1", "yes", "y", "true", "t", "on": true
        case "0", "no", "n", "false", "f", "off": false
        default: nil
        }
    }

    /// Whether logind kills the processes this user leaves in a session at logout.
    public func kills(_ user: String) -> Bool? {
        guard let killUserProcesses else { return nil }
        guard killUserProcesses else { return false }
        if killExcludeUsers.contains(user) { return false }
        return killOnlyUsers.isEmpty || killOnlyUsers.contains(user)
    }
}
