/// What unitify keeps of a transient job so that `stop` does not forget it: `start` brings it back
/// with the same command, directory, environment and options, until `remove`. systemd forgets a
/// transient unit once it is stopped (and declines to persist one, systemd #13485), so unitify
/// keeps its own record, in `$XDG_RUNTIME_DIR/unitify/jobs/NAME.service`: a tmpfs, gone after a
/// reboot as the job is.
///
/// The format, version 1: UTF-8 text, one `key=value` a line, split at the first `=`; lists repeat
/// their key in order (`argv`, `environment`). In a value `\\` is a backslash, `\n` a newline, `\r` a
/// carriage return and `\t` a tab, so every value is one line. Lines starting with `#` and unknown
/// keys are ignored (a newer unitify may add keys); `version` must be 1.
///
/// ```
/// # unitify job record: what 'unitify start' needs to start this job again
/// version=1
/// name=web.service
/// executable=/usr/bin/python3
/// argv=python3
/// argv=-m
/// argv=http.server
/// directory=/srv/www
/// environment=PATH=/usr/local/bin:/usr/bin:/bin
/// environment=PYTHONUNBUFFERED=1
/// description=python3 -m http.server
/// restart=on-failure
/// restart_usec=1000000
/// ```
/// Optional keys: `restart_usec`, `start_limit` (`unlimited`, or `BURST/USEC`), `memory_max`
/// (bytes, or `N%` in hundredths of a percent: `2550%` is 25.5 %), `cpu_quota_usec` (per second),
/// `nice`, `stdout` and `stderr` (`journal`, `append:PATH`, `truncate:PATH`), `stdin` (a path),
/// `on_calendar`, `on_active_usec`, `on_exit` and `on_failure` (the hook commands).
public struct JobRecord: Sendable, Equatable {
    public static let version = 1

    /// The job, its exit hooks included.
    public var spec: UnitSpec

    public init(spec: UnitSpec) {
        self.spec = spec
    }

    public func encoded() -> String {
        var lines = ["# unitify job record: what 'unitify start' needs to start this job again", "version=\(Self.version)"]
        func add(_ key: String, _ value: String?) {
            if let value { lines.append(key + "=" + Self.escape(value)) }
        }
        add("name", spec.name)
        add("executable", spec.executable)
        for word in spec.argv { add("argv", word) }
        add("directory", spec.workingDirectory)
        for assignment in spec.environment { add("environment", assignment) }
        add("description", spec.description)
        add("restart", spec.restart.rawValue)
        add("restart_usec", spec.restartDelay.map { "\($0.microseconds)" })
        add("restart_backoff", spec.restartBackoff.map { "\($0.steps)/\($0.maxDelay.microseconds)" })
        switch spec.startLimit {
        case .unlimited?: add("start_limit", "unlimited")
        case .limit(let burst, let interval)?: add("start_limit", "\(burst)/\(interval.microseconds)")
        case nil: break
        }
        switch spec.memoryMax {
        case .bytes(let bytes)?: add("memory_max", "\(bytes)")
        case .percent(let permyriad)?: add("memory_max", "\(permyriad)%")
        case nil: break
        }
        add("cpu_quota_usec", spec.cpuQuota.map { "\($0.microsecondsPerSecond)" })
        add("nice", spec.nice.map { "\($0)" })
        add("stdout", Self.targetText(spec.standardOutput))
        add("stderr", Self.targetText(spec.standardError))
        add("stdin", spec.standardInput)
        add("on_calendar", spec.timer?.onCalendar)
        add("on_active_usec", spec.timer?.onActive.map { "\($0.microseconds)" })
        add("on_exit", spec.hooks.onExit)
        add("on_failure", spec.hooks.onFailure)
        return lines.joined(separator: "\n") + "\n"
    }

    /// The record in `text`; a damaged one is an error that names `path`.
    public init(decoding text: String, path: String) throws(UnitifyError) {
        var values: [String: [String]] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) where !line.hasPrefix("#") {
            guard let equals = line.firstIndex(of: "=") else { throw Self.damaged(path, "a line without '='") }
            guard let value = Self.unescape(line[line.index(after: equals)...]) else { throw Self.damaged(path, "a bad escape") }
            values[String(line[..<equals]), default: []].append(value)
        }
        func one(_ key: String) -> String? { values[key]?.last }
        func number<T: FixedWidthInteger>(_ key: String, _: T.Type) throws(UnitifyError) -> T? {
            guard let text = one(key) else { return nil }
            guard let value = T(text) else { throw Self.damaged(path, "\(key)=\(text)") }
            return value
        }
        guard one("version") == "\(Self.version)" else {
            throw Self.damaged(path, "version \(one("version") ?? "missing"), not \(Self.version)")
        }
        guard let name = one("name"), let executable = one("executable"), let argv = values["argv"], !argv.isEmpty,
              let directory = one("directory") else { throw Self.damaged(path, "name, executable, argv or directory missing") }
        guard let restart = RestartPolicy(rawValue: one("restart") ?? "no") else { throw Self.damaged(path, "restart=\(one("restart") ?? "")") }
        var spec = UnitSpec(
            name: name, argv: argv, executable: executable, workingDirectory: directory,
            environment: values["environment"] ?? [], restart: restart,
            restartDelay: try number("restart_usec", UInt64.self).map { TimeSpan(microseconds: $0) },
            description: one("description"))
        if let text = one("restart_backoff") {
            let parts = text.split(separator: "/")
            guard parts.count == 2, let steps = UInt32(parts[0]), let usec = UInt64(parts[1]) else { throw Self.damaged(path, "restart_backoff=\(text)") }
            spec.restartBackoff = RestartBackoff(steps: steps, maxDelay: TimeSpan(microseconds: usec))
        }
        switch one("start_limit") {
        case nil: break
        case "unlimited"?: spec.startLimit = .unlimited
        case let text?:
            let parts = text.split(separator: "/")
            guard parts.count == 2, let burst = UInt32(parts[0]), let usec = UInt64(parts[1]) else { throw Self.damaged(path, "start_limit=\(text)") }
            spec.startLimit = .limit(burst: burst, interval: TimeSpan(microseconds: usec))
        }
        if let text = one("memory_max") {
            if text.hasSuffix("%"), let permyriad = UInt32(text.dropLast()) {
                spec.memoryMax = .percent(permyriad: permyriad)
            } else if let bytes = UInt64(text) {
                spec.memoryMax = .bytes(bytes)
            } else {
                throw Self.damaged(path, "memory_max=\(text)")
            }
        }
        if let quota = try number("cpu_quota_usec", UInt64.self) {
            // 10,000 µs per second is 1 %: the percentage with two decimals, as CPUQuota reads it.
            let permyriad = quota / 100
            spec.cpuQuota = try? CPUQuota(parsing: "\(permyriad / 100).\(permyriad % 100 < 10 ? "0" : "")\(permyriad % 100)%")
            guard spec.cpuQuota != nil else { throw Self.damaged(path, "cpu_quota_usec=\(quota)") }
        }
        spec.nice = try number("nice", Int32.self)
        spec.standardOutput = try Self.target(one("stdout"), path: path)
        spec.standardError = try Self.target(one("stderr"), path: path)
        spec.standardInput = one("stdin")
        let onActive = try number("on_active_usec", UInt64.self).map { TimeSpan(microseconds: $0) }
        if one("on_calendar") != nil || onActive != nil {
            spec.timer = TimerSpec(onCalendar: one("on_calendar"), onActive: onActive)
        }
        spec.hooks = ExitHooks(onExit: one("on_exit"), onFailure: one("on_failure"))
        self.init(spec: spec)
    }

    static func damaged(_ path: String, _ what: String) -> UnitifyError {
        UnitifyError.usage("the job record \(path) is damaged (\(what)): remove it with 'unitify remove' and run the job again")
    }

    static func targetText(_ target: OutputTarget) -> String? {
        switch target {
        case .journal: nil
        case .append(let path): "append:" + path
        case .truncate(let path): "truncate:" + path
        }
    }

    static func target(_ text: String?, path: String) throws(UnitifyError) -> OutputTarget {
        guard let text, text != "journal" else { return .journal }
        if text.hasPrefix("append:") { return .append(String(text.dropFirst(7))) }
        if text.hasPrefix("truncate:") { return .truncate(String(text.dropFirst(9))) }
        throw damaged(path, "output \(text)")
    }

    static func escape(_ value: String) -> String {
        var out = ""
        for character in value.unicodeScalars {
            switch character {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    static func unescape(_ value: Substring) -> String? {
        var out = ""
        var escaping = false
        for character in value.unicodeScalars {
            if escaping {
                switch character {
                case "\\": out += "\\"
                case "n": out += "\n"
                case "r": out += "\r"
                case "t": out += "\t"
                default: return nil
                }
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                out.unicodeScalars.append(character)
            }
        }
        return escaping ? nil : out
    }
}

/// The commands `run --on-exit` and `--on-failure` run when the job ends.
public struct ExitHooks: Sendable, Equatable {
    /// Run whenever the job ends, successfully or not (systemd's `OnSuccess=` and `OnFailure=`).
    public var onExit: String?
    /// Run when the job fails (systemd's `OnFailure=`).
    public var onFailure: String?

    public init(onExit: String? = nil, onFailure: String? = nil) {
        self.onExit = onExit
        self.onFailure = onFailure
    }

    public var isEmpty: Bool { onExit == nil && onFailure == nil }
}
