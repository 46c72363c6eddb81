/// Unit names: derived from a command, or typed by the user with or without a suffix.
///
/// Characters a unit name cannot hold are escaped as `\xHH`, the way `systemd-escape` does, so any
/// name a user types maps to exactly one unit, everywhere (run, status, journal, stop). Unlike
/// `systemd-escape`, `-` is kept: it is valid in a service name and people use it.
public enum UnitName {
    public static let maxLength = 255

    /// `server`, `server.service` → `server.service`; `daily.timer` stays a timer.
    /// Throws for an empty name or one too long for systemd.
    public static func normalize(_ name: String, defaultSuffix: String = ".service") throws(UnitifyError) -> String {
        guard !name.isEmpty else { throw UnitifyError.usage("the unit name is empty: give a name such as --name web") }
        let suffixes = [".service", ".timer"]
        let full: String
        if let suffix = suffixes.first(where: { name.hasSuffix($0) && name.count > $0.count }) {
            full = escape(String(name.dropLast(suffix.count))) + suffix
        } else {
            full = escape(name) + defaultSuffix
        }
        guard full.utf8.count <= maxLength else {
            throw UnitifyError.usage("the unit name '\(name)' is too long: systemd allows \(maxLength) bytes, suffix included")
        }
        return full
    }

    /// The name without its `.service`/`.timer` suffix, for display.
    public static func shortName(_ unit: String) -> String {
        for suffix in [".service", ".timer"] where unit.hasSuffix(suffix) {
            return String(unit.dropLast(suffix.count))
        }
        return unit
    }

    /// Escapes every byte outside `[A-Za-z0-9:_.-]`, and a leading `.`, as `\xHH`.
    public static func escape(_ text: String) -> String {
        var out = ""
        for (index, byte) in text.utf8.enumerated() {
            let plain = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
                || (byte == UInt8(ascii: ".") && index > 0)
            if plain {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "\\x" + hexByte(byte)
            }
        }
        return out
    }

    /// Programs that run a script named by a later argument: the script names the job.
    static let interpreters: Set<String> = [
        "python", "python2", "python3", "pypy", "pypy3", "node", "nodejs", "deno", "bun", "ruby", "perl",
        "php", "bash", "sh", "dash", "zsh", "java", "Rscript", "julia", "lua", "tsx", "ts-node", "uv", "poetry",
    ]
    /// Interpreter options that take the next argument as their value.
    static let optionsWithValue: Set<String> = ["-W", "-X", "-Q", "-r", "--require", "-jar", "-cp", "-classpath", "-I", "-e"]
    static let scriptExtensions = [".py", ".js", ".mjs", ".cjs", ".ts", ".rb", ".pl", ".php", ".sh", ".jar", ".R", ".jl", ".lua"]

    /// A name for the job `argv` runs: `./server` → `server`, `python -u job.py` → `job`,
    /// `python -m http.server` → `http.server`, `cargo run --release` → `cargo`.
    public static func derive(from argv: [String]) -> String {
        var words = argv[...]
        // `env A=1 prog`: the program is what follows the assignments.
        while let first = words.first, basename(first) == "env" || (first.contains("=") && !first.hasPrefix("-")) {
            words = words.dropFirst()
        }
        guard let program = words.first.map(basename), !program.isEmpty else { return "job" }
        let interpreter = program.trimmingVersionSuffix()
        guard interpreters.contains(interpreter) else { return stripExtension(program) }
        var rest = words.dropFirst()
        while let word = rest.first {
            rest = rest.dropFirst()
            if word == "-m", let module = rest.first { return module }
            if word == "-c" { return interpreter }
            if ["run", "exec"].contains(word) && ["uv", "poetry"].contains(interpreter) { continue }
            if optionsWithValue.contains(word) { rest = rest.dropFirst(); continue }
            if word.hasPrefix("-") { continue }
            let script = stripExtension(basename(word))
            return script.isEmpty ? interpreter : script
        }
        return interpreter
    }

    static func basename(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        return String(trimmed.split(separator: "/", omittingEmptySubsequences: false).last ?? trimmed)
    }

    static func stripExtension(_ name: String) -> String {
        for ext in scriptExtensions where name.hasSuffix(ext) && name.count > ext.count {
            return String(name.dropLast(ext.count))
        }
        return name
    }
}

extension String {
    /// `python3.11` → `python`, `python3` → `python`; other names unchanged.
    func trimmingVersionSuffix() -> String {
        let stem = self.prefix(while: { !$0.isNumber && $0 != "." })
        return stem.isEmpty || stem.count == count ? self : (UnitName.interpreters.contains(String(stem)) ? String(stem) : self)
    }
}

/// Two lowercase hex digits.
public func hexByte(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
}
