/// An app's jobs, one a line, as foreman, honcho and overmind read them: `name: command`.
///
/// A line is either a plain Procfile line, whose command runs with `/bin/sh -c` exactly as the
/// Procfile runners run it, or, when what follows the colon starts with `-`, `run`'s own options
/// (`web: --restart always -e PORT=8080 -- ./server`). No command a Procfile runner accepts starts
/// with `-`, so every Procfile that works with foreman means the same here, and there is one
/// vocabulary for a job whether it is started with `run` or from this file.
public struct Procfile: Sendable, Equatable {
    public enum Body: Sendable, Equatable {
        /// A plain Procfile command, for `/bin/sh -c`.
        case shell(String)
        /// `run`'s options and command, split into words as the shell would.
        case options([String])
    }

    public struct Line: Sendable, Equatable {
        /// The process type: `web`, `worker`.
        public var name: String
        /// 1-based, for `FILE:LINE:` in messages.
        public var number: Int
        /// What follows the colon, trimmed: the line as written, kept for the unit file's header.
        public var text: String
        public var body: Body
    }

    /// The path as the user gave it, for messages.
    public var path: String
    public var lines: [Line]

    /// The problem at one line, as compilers say it: `Procfile:3: what is wrong`.
    public static func error(_ path: String, _ line: Int, _ message: String) -> UnitifyError {
        UnitifyError.usage("\(path):\(line): \(message)")
    }

    /// Reads every line; blank lines and `#` comments are skipped. The first bad line is thrown.
    public static func parse(_ text: String, path: String) throws(UnitifyError) -> Procfile {
        var lines: [Line] = []
        let raw = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        for (index, content) in raw.enumerated() {
            let number = index + 1
            let trimmed = String(content).trimmingSpaces()
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let colon = trimmed.firstIndex(of: ":") else {
                throw error(path, number, "expected 'name: command', e.g. 'web: ./server --port $PORT'")
            }
            let name = String(trimmed[..<colon]).trimmingSpaces()
            guard isValidName(name) else {
                throw error(path, number, "'\(name)' is not a job name: use letters, digits, _ and -, as in 'web' or 'worker-2'")
            }
            if let first = lines.first(where: { $0.name == name }) {
                throw error(path, number, "\(name) is already the job of line \(first.number): give each line its own name")
            }
            let rest = String(trimmed[trimmed.index(after: colon)...]).trimmingSpaces()
            guard !rest.isEmpty else { throw error(path, number, "\(name) has no command: write it after the colon") }
            let body: Body
            if rest.hasPrefix("-") {
                do { body = .options(try ShellLine.words(rest)) } catch { throw Self.error(path, number, error.message) }
            } else {
                body = .shell(rest)
            }
            lines.append(Line(name: name, number: number, text: rest, body: body))
        }
        guard !lines.isEmpty else {
            throw UnitifyError.usage("\(path): no jobs in it: write one 'name: command' a line, e.g. 'web: ./server'")
        }
        return Procfile(path: path, lines: lines)
    }

    /// foreman's names: `[A-Za-z0-9_-]+`. They become part of a unit name as they are.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-"
        }
    }
}

extension ShellLine {
    /// `line` split into words with the shell's quoting rules and nothing else: anything a shell
    /// would expand or run (`$VAR`, `|`, `>`, `;`) is refused, since no shell will see it.
    public static func words(_ line: String) throws(UnitifyError) -> [String] {
        var lexer = ShellLexer(line)
        try lexer.run()
        if let need = lexer.needs.first {
            throw UnitifyError.usage("\(need.what) would need a shell: quote it ('…') to pass it on as it is")
        }
        if let word = lexer.tokens.first(where: { $0.parts.contains(where: \.isExpansion) }) {
            throw UnitifyError.usage("'\(word.text)' would need a shell to expand it: quote it ('…') to pass it on as it is, or put the line in --shell '…'")
        }
        if let op = lexer.tokens.first(where: \.isOperator) {
            throw UnitifyError.usage("'\(op.text)' would need a shell: quote it, or put the line in --shell '…'")
        }
        return lexer.tokens.map(\.text)
    }
}
