import UnitifyCore

/// ssh's failures in words (OpenSSH's own messages), each with the way out.
enum SSHFailure {
    static func explain(status: Int32?, stderr: String, host: HostAddress, unexpectedLine: String?, busError: String?) -> String {
        let lines = stderr.split(separator: "\n").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty && !$0.hasPrefix("Warning: Permanently added") }
        let text = lines.joined(separator: " ")
        // ssh names the port it tried ("connect to host H port P: ..."), which ~/.ssh/config may set.
        let port = text.firstMatch(of: /port (\d+):/).map { String($0.1) } ?? host.port.map(String.init) ?? "22"
        if text.contains("Host key verification failed") || text.contains("REMOTE HOST IDENTIFICATION HAS CHANGED") {
            return "its host key is not known here (or changed): check it and add it to ~/.ssh/known_hosts, e.g. with 'ssh \(host)' once"
        }
        if text.contains("Permission denied") {
            return "ssh authentication was refused (\(text.components(after: "Permission denied"))): unitify never asks for a password; use a key ('ssh-copy-id \(host)') or an agent"
        }
        if text.contains("Connection refused") { return "refused the connection on port \(port): is sshd running there?" }
        if text.contains("timed out") { return "did not answer ssh in time (port \(port)): is the host up and reachable?" }
        if text.contains("No route to host") || text.contains("Network is unreachable") { return "cannot be reached: \(lines.last ?? "no route")" }
        if text.contains("Could not resolve hostname") { return "unknown host name: not in DNS, /etc/hosts or ~/.ssh/config" }
        if let unexpectedLine, status == nil || status == 0 {
            return "the remote shell printed '\(unexpectedLine.prefix(80))' where unitify expected its prelude's answer: does a login script print to stdout?"
        }
        if let busError { return "the bus through ssh failed: \(busError)" + (lines.last.map { " (ssh: \($0))" } ?? "") }
        if status == 127 { return "no /bin/sh there (exit status 127)" }
        guard let last = lines.last else {
            return status.map { "ssh ended with status \($0) and said nothing" } ?? "ssh did not answer in time"
        }
        return "ssh: \(last)"
    }
}

extension String {
    /// What follows `marker`, without a leading space or parenthesis and a trailing period.
    func components(after marker: String) -> String {
        guard let range = firstRange(of: marker) else { return self }
        var rest = Substring(self[range.upperBound...])
        while let first = rest.first, first == " " || first == "(" { rest = rest.dropFirst() }
        while let last = rest.last, last == "." || last == ")" { rest = rest.dropLast() }
        return String(rest)
    }
}
