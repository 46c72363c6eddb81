import Glibc
import UnitifyCore

extension JobTerminal.Unreachable {
    /// Why `name`'s terminal cannot be joined, in one line: the job's state says which of "no
    /// such job", "no terminal" and "not running" it is.
    public func explained(name: String, scope: ManagerScope) -> UnitifyError {
        let short = ShellWords.quote(name)
        let options = scope.isSystem ? TargetOptions.system : .none
        switch self {
        case .notYours:
            return .usage("\(name)'s terminal is not yours: only the user who runs the job (and root) may attach")
        case .other(let reason):
            return .failed(reason)
        case .noTerminal:
            break
        }
        guard let status = try? ThisMachine(scope).jobs.status(of: name + ".service"), status.loadState == .loaded else {
            return .notFound("no job named \(name): '\(options.command("status", optionsFirst: true))' lists yours")
        }
        guard status.hasTerminal else {
            return .usage("\(name) has no terminal: it was started without --tty ('\(options.command("restart", "\(short) --tty", optionsFirst: true))' gives it one)")
        }
        guard status.mainPID != 0 else {
            return .failed("\(name) is not running (\(status.state)): its terminal comes back when it starts ('\(options.command("start", short, optionsFirst: true))')")
        }
        return .failed("\(name)'s terminal is not at \(TerminalSocket.path(name: name, system: scope.isSystem)): was the job started by another user, or before a restart of unitify's package? '\(options.command("restart", short, optionsFirst: true))' makes it again")
    }
}

extension JobTerminal {
    /// `attach` or `send` on another host: the same command run by unitify there, through ssh
    /// (with a terminal for `attach`). Replaces this process; ssh's exit status is the command's.
    public static func runThere(_ host: HostAddress, arguments: [String], terminal: Bool) throws(UnitifyError) -> Never {
        let connection = SSHConnection(host: host, controlDirectory: try Fleet.controlDirectory(), configFile: Fleet(hosts: [host]).configFile)
        let missing = "unitify: \(arguments.first ?? "attach") on \(host.host) needs unitify installed there: install the package there first"
        let script = "command -v unitify >/dev/null 2>&1 || { echo \(ShellWords.quote(missing)) >&2; exit 127; }; exec unitify " + ShellWords.join(arguments)
        let words = connection.arguments(remoteCommand: script, terminal: terminal)
        let argv = words.map { strdup($0) } + [nil]
        execvp("ssh", argv)
        throw UnitifyError.failed("cannot run ssh: \(String(cString: strerror(errno)))")
    }
}
