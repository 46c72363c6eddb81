/// A host named on the command line (`--host`, `UNITIFY_HOST`): `[USER@]HOST[:PORT]`, with an
/// IPv6 address in brackets (`[::1]:2222`). HOST may be an alias of the user's `~/.ssh/config`,
/// which ssh resolves; unitify only passes it on.
public struct HostAddress: Sendable, Hashable, CustomStringConvertible {
    public var user: String?
    public var host: String
    public var port: UInt16?

    public init(user: String? = nil, host: String, port: UInt16? = nil) {
        self.user = user
        self.host = host
        self.port = port
    }

    /// As the user wrote it: the label of the host's rows and lines.
    public var description: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return (user.map { $0 + "@" } ?? "") + name + (port.map { ":\($0)" } ?? "")
    }

    /// One `[USER@]HOST[:PORT]`.
    public init(parsing text: String) throws(UnitifyError) {
        func bad(_ why: String) -> UnitifyError {
            .usage("invalid host '\(text)': \(why); write [USER@]HOST[:PORT], e.g. web1, alice@web1:2222 or [::1]:22")
        }
        var rest = Substring(text)
        if let at = rest.lastIndex(of: "@") {
            let user = rest[..<at]
            guard !user.isEmpty else { throw bad("the user before @ is empty") }
            guard user.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }), user.first != "-" else {
                throw bad("'\(user)' is not a user name")
            }
            self.user = String(user)
            rest = rest[rest.index(after: at)...]
        }
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw bad("'[' without ']'") }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw bad("only :PORT may follow ']'") }
                portText = after.dropFirst()
            }
            guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                throw bad("'\(host)' in brackets is not an IPv6 address")
            }
        } else {
            if let colon = rest.firstIndex(of: ":") {
                portText = rest[rest.index(after: colon)...]
                rest = rest[..<colon]
            }
            host = String(rest)
            guard !host.isEmpty else { throw bad("the host name is empty") }
            // A leading '-' would reach ssh as an option.
            guard host.first != "-", host.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }) else {
                throw bad("'\(host)' is not a host name")
            }
        }
        if let portText {
            guard let port = UInt16(portText), port > 0 else { throw bad("'\(portText)' is not a port (1-65535)") }
            self.port = port
        }
    }

    /// Every host of repeated, comma-separated `--host` values, in order, each once; `@GROUP`
    /// stands for the hosts `group` gives (an Ansible inventory's), read only when one is named.
    public static func list(_ values: [String],
                            group: (String) throws(UnitifyError) -> [HostAddress] = { name throws(UnitifyError) in
                                throw .usage("--host @\(name): no inventory to read groups from") }) throws(UnitifyError) -> [HostAddress] {
        var hosts: [HostAddress] = []
        for value in values {
            for part in value.split(separator: ",", omittingEmptySubsequences: false) {
                let word = String(part).trimmingSpaces()
                guard !word.isEmpty else { throw .usage("invalid --host '\(value)': an empty host between commas") }
                if word.hasPrefix("@") {
                    let name = String(word.dropFirst())
                    guard !name.isEmpty else { throw .usage("invalid --host '@': name a group, e.g. @web or @all") }
                    for host in try group(name) where !hosts.contains(host) { hosts.append(host) }
                    continue
                }
                let host = try HostAddress(parsing: word)
                if !hosts.contains(host) { hosts.append(host) }
            }
        }
        return hosts
    }
}
