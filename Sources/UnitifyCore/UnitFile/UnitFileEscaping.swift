/// Escaping each value for the setting it goes into, as systemd itself writes them
/// (`unit_concat_strv`), so that no input can add a line, a section or a directive.
extension UnitFile {
    /// `ExecStart=@"/path" "argv0" "arg1" …`: the `@` prefix makes the word after the path argv[0],
    /// so argv[0] reaches the program exactly as the user typed it.
    static func execStart(executable: String, argv: [String]) throws(UnitifyError) -> String {
        "@" + (try executableWord(executable)) + " " + (try argv.map { word throws(UnitifyError) in try execWord(word) }.joined(separator: " "))
    }

    /// The executable path. systemd refuses one holding a quote, a backslash or a control character
    /// ("Executable name contains special characters", `config_parse_exec`), however it is escaped, so
    /// those are refused here while the user can still act. Specifiers are expanded in the path
    /// (`%`→`%%`) but variables are not: `$` stays single (seen with systemd-analyze verify, 252).
    static func executableWord(_ path: String) throws(UnitifyError) -> String {
        let shown = display(path)
        guard path.hasPrefix("/") else { throw UnitifyError.usage("the program path \(shown) is not absolute: give the full path of the program") }
        if let bad = path.unicodeScalars.first(where: { $0.value < 0x20 || $0.value == 0x7F || $0 == "\"" || $0 == "'" || $0 == "\\" }) {
            throw UnitifyError.usage("systemd cannot run \(shown): its path holds \(describe(bad)), which systemd refuses in a program path; rename it or start it through a symlink")
        }
        try checkNormalized(path, shown: shown, setting: "ExecStart")
        return "\"" + escaped(path, doublingDollars: false) + "\""
    }

    /// One argument of `ExecStart=`/`Command=`, as systemd writes it (`unit_concat_strv` with
    /// exec-syntax escaping): double-quoted, C escapes, `%%` and `$$` so that neither specifiers
    /// nor variables are expanded.
    static func execWord(_ word: String) throws(UnitifyError) -> String {
        guard !word.unicodeScalars.contains("\0") else {
            throw UnitifyError.usage("an argument of the command contains a NUL character, which no program can receive: remove it")
        }
        return "\"" + escaped(word, doublingDollars: true) + "\""
    }

    /// One `Environment=` assignment as a single quoted word. `Environment=` expands specifiers but
    /// not variables, so `$` stays as it is.
    static func environmentWord(_ assignment: String) throws(UnitifyError) -> String {
        guard !assignment.unicodeScalars.contains("\0") else {
            // Values may be secrets: name the variable only.
            throw UnitifyError.usage("environment variable \(display(String(assignment.prefix { $0 != "=" }))) contains a NUL character, which no program can receive: remove it")
        }
        return "\"" + escaped(assignment, doublingDollars: false) + "\""
    }

    /// The body of a double-quoted word. Control characters become C escapes, so the word stays on
    /// its line; non-ASCII passes through as UTF-8.
    static func escaped(_ text: String, doublingDollars: Bool) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "%": out += "%%"
            case "$" where doublingDollars: out += "$$"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: out += "\\x" + hexByte(UInt8(scalar.value))
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A path for `WorkingDirectory=`, `StandardOutput=append:`… These settings take the rest of the
    /// line literally (no quotes, no C escapes), so a control character cannot be written at all and
    /// is refused; trailing white space would be stripped and a trailing backslash would swallow the
    /// next line, so those are refused too. Specifiers are expanded: `%`→`%%`.
    static func pathValue(_ path: String, setting: String) throws(UnitifyError) -> String {
        let shown = display(path)
        guard path.hasPrefix("/") else { throw UnitifyError.usage("\(setting)= needs an absolute path, not \(shown): give the full path") }
        if let bad = path.unicodeScalars.first(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw UnitifyError.usage("the path \(shown) holds \(describe(bad)), which \(setting)= cannot express: rename it")
        }
        if let last = path.unicodeScalars.last, last == " " {
            throw UnitifyError.usage("the path \(shown) ends in a space, which systemd strips from \(setting)=: rename it")
        }
        if endsInContinuation(path) {
            throw UnitifyError.usage("the path \(shown) ends in a backslash, which systemd reads as a line continuation in \(setting)=: rename it")
        }
        try checkNormalized(path, shown: shown, setting: setting)
        return path.replacing("%", with: "%%")
    }

    /// systemd refuses `..` in a path it checks (`path_simplify_and_warn`).
    static func checkNormalized(_ path: String, shown: String, setting: String) throws(UnitifyError) {
        if path.split(separator: "/").contains("..") {
            throw UnitifyError.usage("the path \(shown) contains '..', which systemd refuses in \(setting)=: give it without '..'")
        }
    }

    /// A calendar spec never holds control characters; refusing them keeps `OnCalendar=` on its line.
    static func calendarValue(_ spec: String) throws(UnitifyError) -> String {
        if spec.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) || endsInContinuation(spec) {
            throw UnitifyError.usage("invalid --on-calendar \(display(spec)): a calendar spec is one line of text, e.g. 'daily' or '*-*-* 03:00:00' (see systemd.time(7))")
        }
        return spec.replacing("%", with: "%%")
    }

    /// Text for people (`Description=`, the header comment): it need not round-trip, so control
    /// characters are shown as C escapes rather than refused, and a trailing odd backslash is doubled
    /// so that it cannot join the next line. `Description=` expands specifiers; a comment does not.
    static func displayText(_ text: String, specifiers: Bool) -> String {
        var out = display(text)
        if specifiers { out = out.replacing("%", with: "%%") }
        if endsInContinuation(out) { out += "\\" }
        return out
    }

    /// `text` with control characters as C escapes: one line, safe in messages and comments.
    static func display(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: out += "\\x" + hexByte(UInt8(scalar.value))
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func describe(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\"": "a double quote"
        case "'": "a single quote"
        case "\\": "a backslash"
        case "\n": "a newline"
        default: "the control character \\x" + hexByte(UInt8(truncatingIfNeeded: scalar.value))
        }
    }

    /// systemd joins a line that ends in an odd run of backslashes with the next line.
    static func endsInContinuation(_ text: String) -> Bool {
        var count = 0
        for scalar in text.unicodeScalars.reversed() {
            guard scalar == "\\" else { break }
            count += 1
        }
        return count % 2 == 1
    }
}
