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
