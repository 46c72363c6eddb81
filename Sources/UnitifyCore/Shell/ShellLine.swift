/// One command line as people paste it from a nohup habit, e.g.
/// `cd /srv/app && PORT=8080 nohup ./server >> ~/logs/server.log 2>&1 & echo $! > server.pid`, split
/// with the shell's own word rules so the job gets exactly the arguments the shell would have given
/// it, without a shell.
///
/// Only what maps onto a unit is accepted: one command, leading variables, a leading `cd DIR`,
/// file redirections, `~` and `$NAME` expanded as the shell would, and after the job's `&` a
/// `disown` or an `echo $! > FILE`. Whatever else a shell would expand or run itself (pipes,
/// `$(…)`, globs, several commands) is refused with a pointer to `--shell`, never passed on literally.
public struct ShellLine: Sendable, Equatable {
    /// Where a stream goes: `>` truncates the file, `>>` appends to it.
    public enum Redirection: Sendable, Equatable { case truncate(String), append(String) }

    /// What the line did only to detach the job from the terminal, and a unit does already.
    public enum Detachment: String, Sendable, Equatable {
        /// `nohup`, first or second.
        case nohup
        /// `setsid`: in a unit, whose main process already leads its session, it forks, and the unit
        /// counts the job as exited at once.
        case setsid
        /// `disown` after the job's `&`, on the same line or the next.
        case disown
    }

    public var argv: [String]
    /// Leading `VAR=value` words, as `VAR=value`.
    public var environment: [String]
    /// The directory of a leading `cd DIR &&` (or `cd DIR` on a line of its own).
    public var workingDirectory: String?
    public var standardOutput: Redirection?
    /// `2>&1` copies wherever stdout points at that moment, as in the shell: after `2>&1 > f`
    /// stderr is still the original stdout, that is, not redirected (nil).
    public var standardError: Redirection?
    public var standardInput: String?
    /// `… & echo $! > FILE`: where the shell would have written the job's pid, relative to the
    /// directory the line starts in. A `cd DIR` on a line of its own (or before `;`) moves the
    /// shell there, and the file with it; `cd DIR && job &` does not: the shell runs that whole
    /// list in the background, in a subshell, and `echo` runs where the line started.
    public var pidFile: Redirection?
    /// What was left out, in the order met, each once.
    public var dropped: [Detachment]

    public init(
        argv: [String], environment: [String] = [], workingDirectory: String? = nil,
        standardOutput: Redirection? = nil, standardError: Redirection? = nil, standardInput: String? = nil,
        pidFile: Redirection? = nil, dropped: [Detachment] = []
    ) {
        self.argv = argv
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.standardInput = standardInput
        self.pidFile = pidFile
        self.dropped = dropped
    }

    /// Parses one line, expanding `~` and `$NAME` with `host` (its environment and its users'
    /// homes, as the shell that would have run the line there); throws for anything that needs a
    /// shell, naming `--shell`, and for lines a shell would reject too (an unclosed quote, a
    /// redirection without a file, no command) or run in a way nobody meant (an unset variable).
    public static func parse(_ line: String, in host: some JobSite) throws(UnitifyError) -> ShellLine {
        guard !line.trimmingSpaces().isEmpty else {
            throw UnitifyError.usage("the command line is empty: give one such as 'nohup ./server > server.log 2>&1 &'")
        }
        var lexer = ShellLexer(line)
        try lexer.run()
        var parser = ShellLineParser(lexer: lexer, host: host)
        return try parser.parse()
    }
}

extension ShellLine {
    /// `text` on one line, for messages.
    static func display(_ text: String) -> String {
        text.trimmingSpaces().replacing("\r", with: "").replacing("\n", with: "\\n")
    }
}
