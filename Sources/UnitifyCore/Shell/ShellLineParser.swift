/// Turns the tokens into a `ShellLine`: a leading `cd DIR`, leading assignments, the wrappers that
/// only detach, the command with its words expanded and its redirections applied in order as the
/// shell applies them, and after the job's `&` what the shell would have done once it started it.
struct ShellLineParser<H: JobSite> {
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
