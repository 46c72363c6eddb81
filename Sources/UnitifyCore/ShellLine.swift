/// One command line as people paste it from a nohup habit, e.g.
/// `cd /srv/app && PORT=8080 nohup ./server >> server.log 2>&1 &`, split with the shell's own word
/// rules so the job gets exactly the arguments the shell would have given it, without a shell.
///
/// Only what maps onto a unit is accepted: one command, leading variables, a leading `cd DIR &&`
/// and file redirections. Whatever a shell would expand or run itself (pipes, variables, globs,
/// several commands) is refused with a pointer to `--shell`, never passed on literally.
public struct ShellLine: Sendable, Equatable {
    /// Where a stream goes: `>` truncates the file, `>>` appends to it.
    public enum Target: Sendable, Equatable { case truncate(String), append(String) }

    public var argv: [String]
    /// Leading `VAR=value` words, as `VAR=value`.
    public var environment: [String]
    /// The directory of a leading `cd DIR &&`.
    public var workingDirectory: String?
    public var standardOutput: Target?
    /// `2>&1` copies wherever stdout points at that moment, as in the shell: after `2>&1 > f`
    /// stderr is still the original stdout, that is, not redirected (nil).
    public var standardError: Target?
    public var standardInput: String?
    /// A leading `nohup` was removed: systemd already keeps the job running after logout.
    public var droppedNohup: Bool

    public init(
        argv: [String], environment: [String] = [], workingDirectory: String? = nil,
        standardOutput: Target? = nil, standardError: Target? = nil, standardInput: String? = nil,
        droppedNohup: Bool = false
    ) {
        self.argv = argv
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.standardInput = standardInput
        self.droppedNohup = droppedNohup
    }

    /// Parses one line; throws for anything that needs a shell, naming `--shell`, and for lines
    /// a shell would reject too (an unclosed quote, a redirection without a file, no command).
    public static func parse(_ line: String) throws(UnitifyError) -> ShellLine {
        guard !line.trimmingSpaces().isEmpty else {
            throw UnitifyError.usage("the command line is empty: give one such as 'nohup ./server > server.log 2>&1 &'")
        }
        var lexer = ShellLexer(line)
        try lexer.run()
        var parser = ShellLineParser(lexer: lexer)
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

    func matches(_ op: String) -> Bool { isOperator && text == op }
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
            case "~":
                if word == nil || (isAssignment && (previousUnquoted == "=" || previousUnquoted == ":")) {
                    let start = word == nil ? i : wordStart
                    needs.append(ShellNeed(
                        offset: i, what: "the '~' in '\(rawWord(from: start))'", otherwise: ", or write the full path"))
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

    /// A quote starts a word even when nothing is inside: `''` is an empty argument.
    mutating func markQuoted() {
        begin()
        quotedAny = true
        onlyUnquotedDigits = false
        previousUnquoted = nil
    }

    mutating func finishWord() {
        guard let word else { return }
        tokens.append(ShellToken(text: String(word), isOperator: false, isAssignment: isAssignment, range: wordStart..<i))
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
            if c == "$" { noteExpansion(inDoubleQuotes: true) }
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
        case "@", "*", "#", "?", "-", "$", "!", "0"..."9":
            needs.append(ShellNeed(offset: i, what: "the variable '$\(next)'", otherwise: ", or write its value out"))
        case "_", "a"..."z", "A"..."Z":
            var end = i + 1
            while end < s.count, s[end] == "_" || ("a"..."z").contains(s[end]) || ("A"..."Z").contains(s[end]) || ("0"..."9").contains(s[end]) {
                end += 1
            }
            needs.append(ShellNeed(offset: i, what: "the variable '\(text(i..<end))'", otherwise: ", or write its value out"))
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

/// Turns the tokens into a `ShellLine`: a leading `cd DIR &&`, leading assignments, `nohup`, the
/// command and its redirections, applied in order as the shell applies them.
struct ShellLineParser {
    let lexer: ShellLexer
    var tokens: [ShellToken]
    var needs: [ShellNeed]
    var errors: [UnitifyError] = []
    /// Left out of the `--shell` suggestion: `nohup` and the trailing `&` would end the unit at once.
    var dropped: [Range<Int>] = []
    var result = ShellLine(argv: [])

    init(lexer: ShellLexer) {
        self.lexer = lexer
        tokens = lexer.tokens
        needs = lexer.needs
    }

    mutating func parse() throws(UnitifyError) -> ShellLine {
        // Line breaks around the command separate nothing.
        while tokens.last?.matches("\n") == true { tokens.removeLast() }
        while tokens.first?.matches("\n") == true { tokens.removeFirst() }
        if let last = tokens.last, last.matches("&") {
            dropped.append(last.range)
            tokens.removeLast()
        }
        var position = 0
        if tokens.count >= 3, !tokens[0].isOperator, tokens[0].text == "cd", !tokens[1].isOperator, tokens[2].matches("&&") {
            result.workingDirectory = tokens[1].text
            position = 3
        }

        var words: [ShellToken] = []
        while position < tokens.count {
            let token = tokens[position]
            position += 1
            guard token.isOperator else {
                words.append(token)
                continue
            }
            switch token.text {
            case ">", ">>", ">|", "&>", "&>>", ">&", "<":
                guard position < tokens.count, !tokens[position].isOperator else {
                    let example = token.text == "<" ? "input.txt" : token.descriptor == "2" && token.text == ">&" ? "1" : "out.log"
                    let written = (token.descriptor ?? "") + token.text
                    errors.append(UnitifyError.usage("the redirection '\(written)' has no file after it: write one, e.g. \(written)\(example)"))
                    continue
                }
                redirect(token, to: tokens[position])
                position += 1
            case "<&", "<>":
                needs.append(ShellNeed(offset: token.range.lowerBound, what: "the redirection '\((token.descriptor ?? "") + token.text)'"))
            case "<<", "<<-":
                needs.append(ShellNeed(offset: token.range.lowerBound, what: "the here-document '\(token.text)'"))
            case "<<<":
                needs.append(ShellNeed(offset: token.range.lowerBound, what: "the here-string '<<<'"))
            case "|":
                needs.append(ShellNeed(offset: token.range.lowerBound, what: "the pipe '|'"))
            case "&&":
                needs.append(ShellNeed(offset: token.range.lowerBound, what: "'&&' other than a leading 'cd DIR &&'"))
            case "&":
                needs.append(ShellNeed(offset: token.range.lowerBound, what: "the '&' in the middle of the line"))
            case "\n":
                needs.append(ShellNeed(offset: token.range.lowerBound, what: "the line break between two commands"))
            case "(", ")":
                needs.append(ShellNeed(offset: token.range.lowerBound, what: "the subshell '\(token.text)'"))
            default:
                needs.append(ShellNeed(offset: token.range.lowerBound, what: "the '\(token.text)' between commands"))
            }
        }

        var rest = words[...]
        while let first = rest.first, first.isAssignment {
            result.environment.append(first.text)
            rest = rest.dropFirst()
        }
        if let first = rest.first, first.text == "nohup" || first.text.hasSuffix("/nohup") {
            result.droppedNohup = true
            dropped.append(first.range)
            rest = rest.dropFirst()
            if let separator = rest.first, separator.text == "--" {
                dropped.append(separator.range)
                rest = rest.dropFirst()
            }
            if let first = rest.first, first.isAssignment {
                let program = rest.dropFirst().first?.text ?? "./server"
                errors.append(UnitifyError.usage(
                    "nohup runs '\(first.text)' as a program, not as a variable: put it before nohup, e.g. \(ShellWords.quote(first.text)) nohup \(ShellWords.quote(program))"))
            }
        }
        result.argv = rest.map(\.text)

        if let need = needs.min(by: { $0.offset < $1.offset }) {
            throw UnitifyError.usage("\(need.what) needs a shell: use --shell \(suggestion())\(need.otherwise)")
        }
        if let error = errors.first { throw error }
        guard !result.argv.isEmpty else {
            throw UnitifyError.usage("no command to run in '\(ShellLine.display(lexer.line))': add the program, e.g. 'nohup ./server > server.log 2>&1 &'")
        }
        return result
    }

    /// Applies one redirection on top of the previous ones, in the order the shell applies them.
    mutating func redirect(_ op: ShellToken, to target: ShellToken) {
        let written = (op.descriptor ?? "") + op.text
        let path = target.text
        if op.text == ">&" {
            if path == "-" || (!path.isEmpty && path.unicodeScalars.allSatisfy { ("0"..."9").contains($0) }) {
                if op.descriptor == "2", path == "1" {
                    result.standardError = result.standardOutput
                } else {
                    needs.append(ShellNeed(offset: op.range.lowerBound, what: "the redirection '\(written)\(path)'"))
                }
                return
            }
            guard op.descriptor == nil else {
                errors.append(UnitifyError.usage("the redirection '\(written)\(path)' needs a descriptor number after >&: write \(op.descriptor!)> \(ShellWords.quote(path)) to send it to a file"))
                return
            }
        }
        guard !path.isEmpty else {
            errors.append(UnitifyError.usage("the redirection '\(written)' has an empty file name: write a file name after it"))
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
            needs.append(ShellNeed(offset: op.range.lowerBound, what: "the redirection '\(written)'"))
        }
    }

    /// The line for `--shell`, without `nohup` and the trailing `&`: under systemd the shell must
    /// stay in the foreground, or the unit ends as soon as it starts.
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
