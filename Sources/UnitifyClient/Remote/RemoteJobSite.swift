import UnitifyCore

/// Another host as a job's site (`JobSite`), for `run --host`: the job is that host's, so are
/// its paths. The environment is the one ssh's login gives there (PATH, HOME...), the current
/// directory is the home directory there (where `ssh HOST cmd` runs), and every path `-C`,
/// `--log-file`, `--env-file` or the program names is looked up there, one probe per path.
public final class RemoteJobSite: JobSite {
    let shell: RemoteShell
    public let environment: [String]
    public let currentDirectory: String?
    var kinds: [String: FileKind] = [:]

    /// Reads the login environment there (`env`, one ssh channel).
    public convenience init(_ connection: SSHConnection) throws(UnitifyError) {
        let outcome = try RemoteShell(connection: connection).check("read the environment", "exec env")
        self.init(connection, environment: outcome.text.split(separator: "\n").map(String.init), kinds: [:])
    }

    /// The host as the prelude found it (`HostFacts`): its environment, and the kinds of the
    /// paths it was asked about; any other path is probed when asked.
    init(_ connection: SSHConnection, environment lines: [String], kinds: [String: FileKind]) {
        shell = RemoteShell(connection: connection)
        // A value with a newline continues the line before: keep only NAME=... lines.
        environment = lines.filter { line in
            guard let equals = line.firstIndex(of: "="), equals != line.startIndex else { return false }
            return EnvironmentFile.validateName(String(line[..<equals]))
        }
        currentDirectory = environment.last { $0.hasPrefix("HOME=") }.map { String($0.dropFirst(5)) }.flatMap { $0.hasPrefix("/") ? $0 : nil }
        self.kinds = kinds
    }

    public func fileKind(_ path: String) -> FileKind {
        if let known = kinds[path] { return known }
        let script = #"if [ -d "$1" ]; then echo d; elif [ -f "$1" ] && [ -x "$1" ]; then echo x; elif [ -e "$1" ]; then echo f; else echo m; fi"#
        let answer = (try? shell.check("look at \(path)", script, [path]))?.text.trimmingSpaces()
        let kind: FileKind = switch answer {
        case "d": .directory
        case "x": .executable
        case "f": .notExecutable
        default: .missing
        }
        kinds[path] = kind
        return kind
    }

    /// unitify there, as that host's login PATH finds it.
    public func unitifyExecutable() throws(UnitifyError) -> String {
        let path = (try? shell.check("look for unitify", "command -v unitify || true"))?.text.trimmingSpaces() ?? ""
        guard path.hasPrefix("/") else {
            throw UnitifyError.usage("--tty needs unitify on \(shell.connection.host) to hold the job's terminal, and it is not on the PATH there: install the package there first")
        }
        return path
    }

    /// The user's home there, from that host's user database.
    public func homeDirectory(ofUser user: String) -> String? {
        let answer = try? shell.check("look up the user \(user)", #"getent passwd -- "$1" | cut -d: -f6"#, [user])
        return answer.map { $0.text.trimmingSpaces() }.flatMap { $0.hasPrefix("/") ? $0 : nil }
    }

    /// Writes `text` to the file there as the shell's `>` or `>>` would (a line's `echo $! > FILE`).
    public func write(_ text: String, to target: OutputTarget) throws(UnitifyError) {
        guard let path = target.path else { return }
        let script = if case .append = target { #"printf '%s' "$1" >> "$2""# } else { #"printf '%s' "$1" > "$2""# }
        _ = try shell.check("write \(path)", script, [text, path])
    }

    public func readText(_ path: String) throws(UnitifyError) -> String {
        guard let text = try shell.read(path) else {
            throw UnitifyError.usage("cannot read \(path) on \(shell.connection.host): no such file there (paths of run --host are the host's)")
        }
        return text
    }
}
