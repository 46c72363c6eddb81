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
    public enum Target: Sendable, Equatable { case truncate(String), append(String) }

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
    public var standardOutput: Target?
    /// `2>&1` copies wherever stdout points at that moment, as in the shell: after `2>&1 > f`
    /// stderr is still the original stdout, that is, not redirected (nil).
    public var standardError: Target?
    public var standardInput: String?
    /// `… & echo $! > FILE`: where the shell would have written the job's pid, relative to the
    /// directory the line starts in. A `cd DIR` on a line of its own (or before `;`) moves the
    /// shell there, and the file with it; `cd DIR && job &` does not: the shell runs that whole
    /// list in the background, in a subshell, and `echo` runs where the line started.
    public var pidFile: Target?
    /// What was left out, in the order met, each once.
    public var dropped: [Detachment]

    public init(
        argv: [String], environment: [String] = [], workingDirectory: String? = nil,
        standardOutput: Target? = nil, standardError: Target? = nil, standardInput: String? = nil,
        pidFile: Target? = nil, dropped: [Detachment] = []
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
    public static func parse(_ line: String, in host: some Host) throws(UnitifyError) -> ShellLine {
        guard !line.trimmingSpaces().isEmpty else {
            throw UnitifyError.usage("the command line is empty: give one such as 'nohup ./server > server.log 2>&1 &'")
        }
        var lexer = ShellLexer(line)
        try lexer.run()
        var parser = ShellLineParser(lexer: lexer, host: host)
        return try parser.parse()
    }
}

/// A word after quote removal, or an operator, with the scalar offsets it was written at.
struct ShellToken {
    var text: String
    var isOperator: Bool
    /// The digits written right before a redirection, e.g. `2` in `2>`.
    var descriptor: String?
    /// `NAME=value` with `NAME=` unquoted, which is an assignment when it leads the command.
    var isAssignment: Bool
    var range: Range<Int>
    /// The word in pieces: text, and what the shell expands (`~`, `$NAME`, `$!`).
    var parts: [WordPart] = []
    /// Some of it was quoted, so it stays a word even when it expands to nothing.
    var quoted = false

    func matches(_ op: String) -> Bool { isOperator && text == op }

    /// The word, when it is text the shell would pass as it is: for `cd`, `nohup`, `disown`...
    var literal: String? {
        isOperator || parts.contains(where: \.isExpansion) ? nil : text
    }
}

/// A piece of a word: text after quote removal, or what the shell expands when it runs the line.
enum WordPart: Equatable {
    case text(String)
    /// `$NAME` or `${NAME}`; a quoted one is never split.
    case variable(String, quoted: Bool)
    /// `$!`, the pid of the job just put in the background.
    case lastJobPID
    /// `~` (the user's own home, empty) or `~USER`.
    case tilde(user: String)

    var isExpansion: Bool {
        if case .text = self { return false }
        return true
    }
}

/// Something only a shell can run, where it starts in the line, and an alternative to `--shell`.
struct ShellNeed {
    var offset: Int
    var what: String
    var otherwise = ""
}

/// POSIX token recognition (XCU 2.3, plus bash's `&>`): splits the line into words and operators
/// and notes every construct a shell would expand, so that none is passed on literally.
struct ShellLexer {
    let line: String
    let s: [Unicode.Scalar]
    var i = 0
    var tokens: [ShellToken] = []
    var needs: [ShellNeed] = []

    // The word being read; nil between words, so an empty `''` is still a word.
    var word: String.UnicodeScalarView?
    var parts: [WordPart] = []
    var wordStart = 0
    var onlyUnquotedDigits = true
    var quotedAny = false
    var isAssignment = false
    /// The last scalar of the word if it was unquoted: `~` after `=` or `:` of an assignment expands.
    var previousUnquoted: Unicode.Scalar?
    var braceOpen = false
    var braceList = false

    /// Longest first, so `>>` is not read as two `>`.
    static let operators = ["&>>", "<<<", "<<-", "&&", "||", ">>", ">&", ">|", "&>", "<<", "<&", "<>", "&", "|", ";", "<", ">", "(", ")"]

    init(_ line: String) {
        self.line = line
        s = Array(line.unicodeScalars)
    }

    mutating func run() throws(UnitifyError) {
        while i < s.count {
            let c = s[i]
            switch c {
            // A carriage return is what a line pasted from Windows ends with, not part of the last word.
            case " ", "\t", "\r":
                finishWord()
                i += 1
            case "\n":
                finishWord()
                tokens.append(ShellToken(text: "\n", isOperator: true, isAssignment: false, range: i..<i + 1))
                i += 1
            case "#" where word == nil:
                while i < s.count, s[i] != "\n" { i += 1 }
            case "\\":
                guard i + 1 < s.count else {
                    throw UnitifyError.usage("the line '\(ShellLine.display(line))' ends with a backslash: join the continued line to it, or remove the \\")
                }
                // Backslash-newline continues the line, also with a Windows line ending.
                if s[i + 1] == "\r", i + 2 < s.count, s[i + 2] == "\n" {
                    i += 3
                    continue
                }
                if s[i + 1] != "\n" { append(s[i + 1], quoted: true) }
                i += 2
            case "'":
                try readSingleQuoted()
            case "\"":
                try readDoubleQuoted()
            case "$":
                if let (part, end) = reference(quoted: false) {
                    appendExpansion(part, through: end)
                    continue
                }
                noteExpansion(inDoubleQuotes: false)
                append(c, quoted: false)
                i += 1
            case "`":
                noteBackquote()
                append(c, quoted: false)
                i += 1
            case "*", "?", "[":
                let start = word == nil ? i : wordStart
                needs.append(ShellNeed(
                    offset: i, what: "the wildcard '\(c)' in '\(rawWord(from: start))'",
                    otherwise: ", or quote the word if the \(c) is meant literally"))
                append(c, quoted: false)
                i += 1
            // At the start of a word, and after `=` or `:` in a word that looks like an assignment
            // (bash expands `make PREFIX=~/x` too, dash does not: people paste into bash).
            case "~" where word == nil || (isAssignment && (previousUnquoted == "=" || previousUnquoted == ":")):
                if let (user, end) = tildePrefix(inAssignment: word != nil) {
                    appendExpansion(.tilde(user: user), through: end)
                    continue
                }
                if i + 1 < s.count, s[i + 1] == "+" || s[i + 1] == "-" {
                    let start = word == nil ? i : wordStart
                    needs.append(ShellNeed(offset: i, what: "the '~\(s[i + 1])' in '\(rawWord(from: start))'", otherwise: ", or write the full path"))
                }
                append(c, quoted: false)
                i += 1
            case "|", "&", ";", "<", ">", "(", ")":
                readOperator()
            default:
                append(c, quoted: false)
                i += 1
            }
        }
        finishWord()
    }

    mutating func begin() {
        guard word == nil else { return }
        word = String.UnicodeScalarView()
        parts = []
        wordStart = i
        onlyUnquotedDigits = true
        quotedAny = false
        isAssignment = false
        previousUnquoted = nil
        braceOpen = false
        braceList = false
    }

    mutating func append(_ c: Unicode.Scalar, quoted: Bool) {
        begin()
        if case .text(let text) = parts.last {
            parts[parts.count - 1] = .text(text + String(c))
        } else {
            parts.append(.text(String(c)))
        }
        if quoted {
            onlyUnquotedDigits = false
            quotedAny = true
            previousUnquoted = nil
            word!.append(c)
            return
        }
        if !("0"..."9").contains(c) { onlyUnquotedDigits = false }
        if c == "=", !quotedAny, !isAssignment, EnvironmentFile.validateName(String(word!)) { isAssignment = true }
        switch c {
        case "{":
            braceOpen = true
            braceList = false
        case ",":
            braceList = braceList || braceOpen
        case "." where previousUnquoted == ".":
            braceList = braceList || braceOpen
        case "}" where braceOpen && braceList:
            needs.append(ShellNeed(
                offset: wordStart, what: "the brace expansion in '\(rawWord(from: wordStart))'", otherwise: ", or quote the braces"))
            braceOpen = false
        default:
            break
        }
        previousUnquoted = c
        word!.append(c)
    }

    /// What the shell expands, from `i` to `end`: kept as written in the word's text, for messages
    /// and for the `--shell` suggestion.
    mutating func appendExpansion(_ part: WordPart, through end: Int) {
        begin()
        word!.append(contentsOf: s[i..<end])
        parts.append(part)
        onlyUnquotedDigits = false
        previousUnquoted = nil
        i = end
    }

    /// `$NAME`, `${NAME}`, `$!` or `${!}` at `i`, and where it ends; nil for anything else.
    func reference(quoted: Bool) -> (WordPart, Int)? {
        guard i + 1 < s.count else { return nil }
        if s[i + 1] == "!" { return (.lastJobPID, i + 2) }
        let braced = s[i + 1] == "{"
        let start = braced ? i + 2 : i + 1
        var end = start
        while end < s.count, Self.isNameScalar(s[end]), end > start || !("0"..."9").contains(s[end]) { end += 1 }
        if braced {
            guard end < s.count, s[end] == "}" else {
                return end == start && end + 1 < s.count && s[end] == "!" && s[end + 1] == "}" ? (.lastJobPID, end + 2) : nil
            }
            guard end > start else { return nil }
            return (.variable(text(start..<end), quoted: quoted), end + 1)
        }
        return end > start ? (.variable(text(start..<end), quoted: quoted), end) : nil
    }

    static func isNameScalar(_ c: Unicode.Scalar) -> Bool {
        c == "_" || ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c)
    }

    /// The user of a `~` prefix at `i` (empty for `~` alone) and where it ends: at `/`, at the end
    /// of the word, or at `:` in an assignment. nil when the shell would keep the `~` (`~"x"`).
    func tildePrefix(inAssignment: Bool) -> (String, Int)? {
        // `~+` and `~-` are the shell's directories, not users.
        if i + 1 < s.count, s[i + 1] == "+" || s[i + 1] == "-" { return nil }
        var end = i + 1
        while end < s.count, Self.isNameScalar(s[end]) || s[end] == "." || s[end] == "-" { end += 1 }
        guard end == s.count || "/ \t\r\n|&;<>()".unicodeScalars.contains(s[end]) || (inAssignment && s[end] == ":") else { return nil }
        return (text(i + 1..<end), end)
    }

    /// A quote starts a word even when nothing is inside: `''` is an empty argument.
    mutating func markQuoted() {
        begin()
        quotedAny = true
        onlyUnquotedDigits = false
        previousUnquoted = nil
    }

    mutating func finishWord() {
        guard let word else { return }
        tokens.append(ShellToken(text: String(word), isOperator: false, isAssignment: isAssignment, range: wordStart..<i, parts: parts, quoted: quotedAny))
        self.word = nil
    }

    mutating func readSingleQuoted() throws(UnitifyError) {
        markQuoted()
        i += 1
        while i < s.count, s[i] != "'" {
            append(s[i], quoted: true)
            i += 1
        }
        guard i < s.count else {
            throw UnitifyError.usage("unclosed single quote (') in '\(ShellLine.display(line))': add the closing quote, or write a literal ' as \\'")
        }
        i += 1
    }

    /// Inside double quotes a backslash escapes only `$`, a backquote, `"`, `\` and a newline.
    mutating func readDoubleQuoted() throws(UnitifyError) {
        markQuoted()
        i += 1
        while i < s.count, s[i] != "\"" {
            let c = s[i]
            if c == "\\", i + 1 < s.count, "$`\"\\\n".unicodeScalars.contains(s[i + 1]) {
                if s[i + 1] != "\n" { append(s[i + 1], quoted: true) }
                i += 2
                continue
            }
            if c == "$" {
                if let (part, end) = reference(quoted: true) {
                    appendExpansion(part, through: end)
                    continue
                }
                noteExpansion(inDoubleQuotes: true)
            }
            if c == "`" { noteBackquote() }
            append(c, quoted: true)
            i += 1
        }
        guard i < s.count else {
            throw UnitifyError.usage("unclosed double quote (\") in '\(ShellLine.display(line))': add the closing quote, or write a literal \" as \\\"")
        }
        i += 1
    }

    /// Notes the expansion a `$` at `i` starts; a `$` before anything else is literal in the shell too.
    mutating func noteExpansion(inDoubleQuotes: Bool) {
        guard i + 1 < s.count else { return }
        let next = s[i + 1]
        switch next {
        case "(":
            let kind = i + 2 < s.count && s[i + 2] == "(" ? "the arithmetic" : "the command substitution"
            needs.append(ShellNeed(offset: i, what: "\(kind) '\(balanced(from: i, "(", ")"))'"))
        case "{":
            needs.append(ShellNeed(offset: i, what: "the variable '\(balanced(from: i, "{", "}"))'", otherwise: ", or write its value out"))
        case "[":
            needs.append(ShellNeed(offset: i, what: "the arithmetic '\(balanced(from: i, "[", "]"))'"))
        // bash's `$'…'` and `$"…"`; inside double quotes the quote is just the end of `$`.
        case "'", "\"":
            guard !inDoubleQuotes else { return }
            needs.append(ShellNeed(offset: i, what: "the $\(next)…\(next) quoting"))
        // `$NAME` and `$!` are parts of the word (`reference`): these are the shell's own.
        case "@", "*", "#", "?", "-", "$", "0"..."9":
            needs.append(ShellNeed(offset: i, what: "the variable '$\(next)'", otherwise: ", or write its value out"))
        default:
            return
        }
    }

    mutating func noteBackquote() {
        var end = i + 1
        while end < s.count, s[end] != "`" { end += 1 }
        needs.append(ShellNeed(offset: i, what: "the command substitution '\(text(i..<end + 1))'"))
    }

    mutating func readOperator() {
        let c = s[i]
        var descriptor: String?
        let start: Int
        // `2>`: digits glued to a redirection name the descriptor; `a2>` and `"2">` do not.
        if c == "<" || c == ">", let word, !word.isEmpty, onlyUnquotedDigits {
            descriptor = String(word)
            start = wordStart
            self.word = nil
        } else {
            finishWord()
            start = i
        }
        let op = Self.operators.first { op in
            op.unicodeScalars.enumerated().allSatisfy { i + $0.offset < s.count && s[i + $0.offset] == $0.element }
        }!
        i += op.unicodeScalars.count
        tokens.append(ShellToken(text: op, isOperator: true, descriptor: descriptor, isAssignment: false, range: start..<i))
    }

    func text(_ range: Range<Int>) -> String {
        var out = String.UnicodeScalarView()
        out.append(contentsOf: s[range.clamped(to: 0..<s.count)])
        return ShellLine.display(String(out))
    }

    /// `$(…)` from the `$` at `start` through the bracket that closes it, or to the end of the line.
    func balanced(from start: Int, _ open: Unicode.Scalar, _ close: Unicode.Scalar) -> String {
        var depth = 0
        var end = start + 1
        while end < s.count {
            if s[end] == open { depth += 1 }
            if s[end] == close { depth -= 1 }
            if depth == 0 { break }
            end += 1
        }
        return text(start..<end + 1)
    }

    /// The word starting at `start` as written, quotes included, for messages.
    func rawWord(from start: Int) -> String {
        var end = start
        var quote: Unicode.Scalar?
        while end < s.count {
            let c = s[end]
            if let open = quote {
                if c == open { quote = nil } else if c == "\\", open == "\"" { end += 1 }
            } else if c == "'" || c == "\"" {
                quote = c
            } else if c == "\\" {
                end += 1
            } else if " \t\r\n|&;<>()".unicodeScalars.contains(c) {
                break
            }
            end += 1
        }
        return text(start..<end)
    }
}

/// Turns the tokens into a `ShellLine`: a leading `cd DIR`, leading assignments, the wrappers that
/// only detach, the command with its words expanded and its redirections applied in order as the
/// shell applies them, and after the job's `&` what the shell would have done once it started it.
struct ShellLineParser<H: Host> {
    let lexer: ShellLexer
    let host: H
    var tokens: [ShellToken]
    var needs: [ShellNeed]
    /// Problems a shell would have too, with where they are: the first in the line is reported.
    var errors: [(offset: Int, error: UnitifyError)] = []
    /// Left out of the `--shell` suggestion: `nohup`, `setsid`, and the job's `&` with what follows
    /// it, would end the unit at once.
    var dropped: [Range<Int>] = []
    var result = ShellLine(argv: [])
    /// The leading `cd` moved the shell itself (`cd DIR;`, `cd DIR` and a line break), not only the job.
    var shellMoves = false

    /// One command of the line and the operator that ends it (nil at the end of the line).
    struct Command {
        var tokens: ArraySlice<ShellToken>
        var end: ShellToken?
    }

    /// A command's words and its redirections, each in the order written.
    struct SimpleCommand {
        var words: [ShellToken] = []
        var redirections: [(op: ShellToken, target: ShellToken)] = []
    }

    static var separators: Set<String> { ["&", ";", "\n", "&&", "||"] }

    init(lexer: ShellLexer, host: H) {
        self.lexer = lexer
        self.host = host
        tokens = lexer.tokens
        needs = lexer.needs
    }

    mutating func parse() throws(UnitifyError) -> ShellLine {
        // Line breaks around the command separate nothing.
        while tokens.last?.matches("\n") == true { tokens.removeLast() }
        while tokens.first?.matches("\n") == true { tokens.removeFirst() }
        let commands = split()
        var index = 0
        if let cd = commands.first, let end = cd.end, ["&&", ";", "\n"].contains(end.text),
           cd.tokens.count == 2, cd.tokens.first?.literal == "cd", let directory = cd.tokens.last, !directory.isOperator {
            result.workingDirectory = one(directory)
            shellMoves = end.text != "&&"
            index = 1
        }
        if index < commands.count {
            let job = commands[index]
            runJob(simpleCommand(job.tokens))
            let rest = commands[(index + 1)...]
            if let end = job.end {
                if end.text == "&" {
                    afterBackground(rest, amp: end)
                } else {
                    needs.append(separatorNeed(end))
                }
            }
        }

        if shellMoves, let directory = result.workingDirectory, let pidFile = result.pidFile {
            func moved(_ path: String) -> String { path.hasPrefix("/") ? path : directory + (directory.hasSuffix("/") ? "" : "/") + path }
            result.pidFile = switch pidFile {
            case .truncate(let path): .truncate(moved(path))
            case .append(let path): .append(moved(path))
            }
        }
        if let need = needs.min(by: { $0.offset < $1.offset }) {
            throw UnitifyError.usage("\(need.what) needs a shell: use --shell \(suggestion())\(need.otherwise)")
        }
        if let error = errors.min(by: { $0.offset < $1.offset }) { throw error.error }
        guard !result.argv.isEmpty else {
            throw UnitifyError.usage("no command to run in '\(ShellLine.display(lexer.line))': add the program, e.g. 'nohup ./server > server.log 2>&1 &'")
        }
        return result
    }

    /// The commands between `&`, `;`, `&&`, `||` and line breaks.
    func split() -> [Command] {
        var commands: [Command] = []
        var start = 0
        for (index, token) in tokens.enumerated() where token.isOperator && Self.separators.contains(token.text) {
            commands.append(Command(tokens: tokens[start..<index], end: token))
            start = index + 1
        }
        if start < tokens.count { commands.append(Command(tokens: tokens[start...], end: nil)) }
        return commands
    }

    func separatorNeed(_ token: ShellToken) -> ShellNeed {
        let what = switch token.text {
        case "&&": "'&&' other than a leading 'cd DIR &&'"
        case "&": "the '&' in the middle of the line"
        case "\n": "the line break between two commands"
        default: "the '\(token.text)' between commands"
        }
        return ShellNeed(offset: token.range.lowerBound, what: what)
    }

    /// Splits a command into words and redirections; anything else in it needs a shell.
    mutating func simpleCommand(_ tokens: ArraySlice<ShellToken>) -> SimpleCommand {
        var command = SimpleCommand()
        var position = tokens.startIndex
        while position < tokens.endIndex {
            let token = tokens[position]
            position += 1
            guard token.isOperator else {
                command.words.append(token)
                continue
            }
            let at = token.range.lowerBound
            switch token.text {
            case ">", ">>", ">|", "&>", "&>>", ">&", "<":
                guard position < tokens.endIndex, !tokens[position].isOperator else {
                    let example = token.text == "<" ? "input.txt" : token.descriptor == "2" && token.text == ">&" ? "1" : "out.log"
                    let written = (token.descriptor ?? "") + token.text
                    errors.append((at, UnitifyError.usage("the redirection '\(written)' has no file after it: write one, e.g. \(written)\(example)")))
                    continue
                }
                command.redirections.append((token, tokens[position]))
                position += 1
            case "<&", "<>":
                needs.append(ShellNeed(offset: at, what: "the redirection '\((token.descriptor ?? "") + token.text)'"))
            case "<<", "<<-":
                needs.append(ShellNeed(offset: at, what: "the here-document '\(token.text)'"))
            case "<<<":
                needs.append(ShellNeed(offset: at, what: "the here-string '<<<'"))
            case "|":
                needs.append(ShellNeed(offset: at, what: "the pipe '|'"))
            case "(", ")":
                needs.append(ShellNeed(offset: at, what: "the subshell '\(token.text)'"))
            default:
                needs.append(ShellNeed(offset: at, what: "the '\(token.text)' between commands"))
            }
        }
        return command
    }

    /// The job: its redirections, leading assignments, the wrappers that only detach left out,
    /// then its words as the shell would pass them.
    mutating func runJob(_ command: SimpleCommand) {
        for (op, target) in command.redirections { redirect(op, to: target) }
        var words = command.words[...]
        while let first = words.first, first.isAssignment {
            // The value of an assignment is not split, and may be empty.
            if let value = fields(of: first, splitting: false)?.first { result.environment.append(value) }
            words = words.dropFirst()
        }
        result.argv = dropDetachers(Array(words)).flatMap { fields(of: $0) ?? [] }
    }

    /// Leaves out `nohup` and `setsid` where they only detach: leading, or beneath a wrapper that
    /// is kept (`nice -n 10 setsid ./job`).
    mutating func dropDetachers(_ words: [ShellToken]) -> [ShellToken] {
        var words = words
        var index = 0
        while index < words.count, let word = words[index].literal {
            let program = CommandWrapper.programName(word)
            guard program == "nohup" || program == "setsid" else {
                guard let wrapped = CommandWrapper.commandStart(words.map(\.literal), wrapper: index) else { break }
                index = wrapped
                continue
            }
            var end = index + 1
            if program == "setsid" {
                while end < words.count, let option = words[end].literal, CommandWrapper.isSetsidOption(option) { end += 1 }
            }
            if end < words.count, words[end].literal == "--" { end += 1 }
            note(program == "nohup" ? .nohup : .setsid)
            dropped += words[index..<end].map(\.range)
            words.removeSubrange(index..<end)
            if index < words.count, words[index].isAssignment {
                let program = words.dropFirst(index + 1).first?.text ?? "./server"
                let assignment = words[index].text
                errors.append((words[index].range.lowerBound, UnitifyError.usage(
                    "\(word) runs '\(assignment)' as a program, not as a variable: put it before \(word), e.g. \(ShellWords.quote(assignment)) \(word) \(ShellWords.quote(program))")))
            }
        }
        return words
    }

    /// What follows the job's `&`: `disown` (dropped) and `echo $! > FILE` (the pid file) only.
    mutating func afterBackground(_ rest: ArraySlice<Command>, amp: ShellToken) {
        var understood = true
        for command in rest {
            // `./job &` with `disown` on the next line: the line break ends an empty command.
            if command.tokens.isEmpty, command.end?.text == "\n" { continue }
            if let end = command.end, end.text == "&" || end.text == "||" {
                // A trailing `&` is the line's usual end, whatever came before it.
                if end.text == "&", command.tokens.endIndex == tokens.count - 1 {
                    dropped.append(end.range)
                } else {
                    needs.append(separatorNeed(end))
                    understood = false
                    break
                }
            }
            if isDisown(command.tokens) {
                note(.disown)
            } else if !readPidFile(command.tokens) {
                needs.append(separatorNeed(amp))
                understood = false
            }
        }
        if understood { dropped.append(amp.range.lowerBound..<lexer.s.count) }
    }

    /// `disown`, `disown -h`, `disown %1`, `disown -h %1`, `disown $!`...: the job is the only one.
    func isDisown(_ tokens: ArraySlice<ShellToken>) -> Bool {
        guard tokens.first?.literal == "disown" else { return false }
        return tokens.dropFirst().allSatisfy { token in
            if token.parts == [.lastJobPID] { return true }
            guard let word = token.literal else { return false }
            return word.hasPrefix("%") || word == "--" || (word.count > 1 && word.hasPrefix("-") && word.dropFirst().allSatisfy { "ahr".contains($0) })
        }
    }

    /// `echo $! > FILE` or `>> FILE`: where the shell would have written the job's pid. false when
    /// the command is no `echo $!`; an error noted when it is one unitify cannot do.
    mutating func readPidFile(_ tokens: ArraySlice<ShellToken>) -> Bool {
        guard let first = tokens.first, first.literal == "echo", tokens.contains(where: { $0.parts == [.lastJobPID] }) else { return false }
        let at = first.range.lowerBound
        let written = ShellLine.display(lexer.text(first.range.lowerBound..<tokens.last!.range.upperBound))
        let command = simpleCommand(tokens)
        guard command.words.count == 2, command.words[1].parts == [.lastJobPID] else {
            errors.append((at, UnitifyError.usage("'\(written)': unitify writes the job's pid alone, with echo $! > FILE")))
            return true
        }
        guard let (op, target) = command.redirections.last else {
            errors.append((at, UnitifyError.usage(
                "'\(written)' prints the job's pid, which unitify prints when it starts the job: leave it out, or keep it in a file with echo $! > FILE")))
            return true
        }
        guard command.redirections.count == 1, op.descriptor == nil || op.descriptor == "1", [">", ">>", ">|"].contains(op.text) else {
            errors.append((at, UnitifyError.usage("'\(written)': the job's pid goes to a file with echo $! > FILE or echo $! >> FILE")))
            return true
        }
        guard result.pidFile == nil else {
            errors.append((at, UnitifyError.usage("the line writes the job's pid twice ('\(written)'): keep one echo $! > FILE")))
            return true
        }
        if let path = one(target) { result.pidFile = op.text == ">>" ? .append(path) : .truncate(path) }
        return true
    }

    mutating func note(_ detachment: ShellLine.Detachment) {
        if !result.dropped.contains(detachment) { result.dropped.append(detachment) }
    }

    /// The words the shell would make of a token: `~` and variables expanded, with no word at all
    /// for an unquoted expansion that is empty. A value the shell would split or glob, an unset
    /// variable, or `$!` outside `echo $!` are noted and give nil.
    mutating func fields(of token: ShellToken, splitting: Bool = true) -> [String]? {
        guard token.parts.contains(where: \.isExpansion) else { return [token.text] }
        let at = token.range.lowerBound
        let word = lexer.rawWord(from: at)
        /// Where the variable is, when the word is more than the variable.
        func place(_ name: String) -> String {
            let unquoted = word.filter { $0 != "\"" }
            return unquoted == "$\(name)" || unquoted == "${\(name)}" ? "" : " in '\(word)'"
        }
        var value = ""
        var unquotedExpansion = false
        for part in token.parts {
            switch part {
            case .text(let text):
                value += text
            case .tilde(let user):
                let home = user.isEmpty ? host.value("HOME").flatMap { $0.isEmpty ? nil : $0 } : host.homeDirectory(ofUser: user)
                guard let home else {
                    errors.append((at, UnitifyError.usage(user.isEmpty
                        ? "the '~' in '\(word)' stands for HOME, which is not set: write the full path"
                        : "the '~\(user)' in '\(word)' names no user '\(user)': check the name, or write the full path")))
                    return nil
                }
                value += home
            case .variable(let name, let quoted):
                guard let variable = host.value(name) else {
                    errors.append((at, UnitifyError.usage("the variable '$\(name)'\(place(name)) is not set: export it, or write its value out")))
                    return nil
                }
                if splitting && !quoted {
                    unquotedExpansion = true
                    if variable.unicodeScalars.contains(where: { $0 == " " || $0 == "\t" || $0 == "\n" }) {
                        errors.append((at, UnitifyError.usage(
                            "the value of '$\(name)' ('\(variable.replacing("\n", with: "\\n"))') has blanks, at which the shell would split it into several words: write \"$\(name)\" in double quotes to keep it one word, or use --shell")))
                        return nil
                    }
                    if let wildcard = variable.unicodeScalars.first(where: { $0 == "*" || $0 == "?" || $0 == "[" }) {
                        errors.append((at, UnitifyError.usage(
                            "the value of '$\(name)' ('\(variable.replacing("\n", with: "\\n"))') has the wildcard '\(wildcard)', which the shell would expand: write \"$\(name)\" in double quotes to keep it as it is, or use --shell")))
                        return nil
                    }
                }
                value += variable
            case .lastJobPID:
                needs.append(ShellNeed(offset: at, what: "the variable '$!' outside '… & echo $! > FILE'", otherwise: ", or write its value out"))
                return nil
            }
        }
        return value.isEmpty && unquotedExpansion && !token.quoted ? [] : [value]
    }

    /// The one word a file name or a directory must be.
    mutating func one(_ token: ShellToken) -> String? {
        guard let fields = fields(of: token) else { return nil }
        guard let only = fields.first else {
            errors.append((token.range.lowerBound, UnitifyError.usage(
                "'\(lexer.rawWord(from: token.range.lowerBound))' expands to nothing, and the shell would have no file name: set the variable, or write the name out")))
            return nil
        }
        return only
    }

    /// Applies one redirection on top of the previous ones, in the order the shell applies them.
    mutating func redirect(_ op: ShellToken, to target: ShellToken) {
        let written = (op.descriptor ?? "") + op.text
        let at = op.range.lowerBound
        if op.text == ">&", let path = target.literal {
            if path == "-" || (!path.isEmpty && path.unicodeScalars.allSatisfy { ("0"..."9").contains($0) }) {
                if op.descriptor == "2", path == "1" {
                    result.standardError = result.standardOutput
                } else {
                    needs.append(ShellNeed(offset: at, what: "the redirection '\(written)\(path)'"))
                }
                return
            }
            guard op.descriptor == nil else {
                errors.append((at, UnitifyError.usage("the redirection '\(written)\(path)' needs a descriptor number after >&: write \(op.descriptor!)> \(ShellWords.quote(path)) to send it to a file")))
                return
            }
        }
        guard let path = one(target) else { return }
        guard !path.isEmpty else {
            errors.append((at, UnitifyError.usage("the redirection '\(written)' has an empty file name: write a file name after it")))
            return
        }
        switch (op.text, op.descriptor) {
        case (">", nil), (">", "1"?), (">|", nil), (">|", "1"?):
            result.standardOutput = .truncate(path)
        case (">>", nil), (">>", "1"?):
            result.standardOutput = .append(path)
        case (">", "2"?), (">|", "2"?):
            result.standardError = .truncate(path)
        case (">>", "2"?):
            result.standardError = .append(path)
        case ("&>", nil), (">&", nil):
            result.standardOutput = .truncate(path)
            result.standardError = .truncate(path)
        case ("&>>", nil):
            result.standardOutput = .append(path)
            result.standardError = .append(path)
        case ("<", nil), ("<", "0"?):
            result.standardInput = path
        default:
            needs.append(ShellNeed(offset: at, what: "the redirection '\(written)'"))
        }
    }

    /// The line for `--shell`, without `nohup`, `setsid` and the job's `&`: under systemd the shell
    /// must stay in the foreground, or the unit ends as soon as it starts.
    func suggestion() -> String {
        let s = lexer.s
        var out = String.UnicodeScalarView()
        var index = 0
        while index < s.count {
            if let range = dropped.first(where: { $0.contains(index) }) {
                index = range.upperBound
                while index < s.count, s[index] == " " || s[index] == "\t" { index += 1 }
                continue
            }
            out.append(s[index])
            index += 1
        }
        let text = String(out).trimmingSpaces()
        return text.contains("\n") ? "with the whole line in quotes" : ShellWords.quote(text)
    }
}

extension ShellLine {
    /// `text` on one line, for messages.
    static func display(_ text: String) -> String {
        text.trimmingSpaces().replacing("\r", with: "").replacing("\n", with: "\\n")
    }
}
