/// `--health CHECK`: what must keep holding while a job runs. A checker that unitify leaves
/// behind in the job (`unitify check-health`) runs the check every `every`, and asks the manager
/// to restart the job after `failures` failures in a row.
public struct HealthCheck: Sendable, Equatable {
    public var probe: HealthProbe
    public var every: TimeSpan
    public var failures: Int

    public static let defaultEvery = TimeSpan.seconds(10)
    public static let defaultFailures = 3

    public init(probe: HealthProbe, every: TimeSpan = HealthCheck.defaultEvery, failures: Int = HealthCheck.defaultFailures) {
        self.probe = probe
        self.every = every
        self.failures = failures
    }

    /// `--health CHECK [--health-every DURATION] [--health-failures N]`, with relative paths
    /// taken from the job's `directory`.
    public init(check: String, every: String?, failures: String?, directory: String) throws(UnitifyError) {
        probe = try HealthProbe(parsing: check, directory: directory)
        if let every {
            let span = try TimeSpan(parsing: every)
            guard span.microseconds >= 1_000_000, span != .infinity else {
                throw UnitifyError.usage("--health-every \(every): give a duration of 1s or more, such as 10s or 1min")
            }
            self.every = span
        } else {
            self.every = Self.defaultEvery
        }
        if let failures {
            guard let count = Int(failures), (1...1000).contains(count) else {
                throw UnitifyError.usage("--health-failures \(failures): give a number from 1 to 1000 (failures in a row before the job is restarted)")
            }
            self.failures = count
        } else {
            self.failures = Self.defaultFailures
        }
    }

    /// How long one check may take: at most `every`, and at most 10 s.
    public var timeout: TimeSpan { min(every, .seconds(10)) }
}

/// One health check: `--ready`'s forms, plus `http:URL`.
public enum HealthProbe: Sendable, Equatable, CustomStringConvertible {
    case ready(Readiness)
    /// A plain `http://host[:port]/path`: healthy on a 2xx or 3xx answer.
    case http(host: String, port: UInt16, path: String)

    public static let usage = "give tcp:PORT, unix:PATH, file:PATH, 'cmd:COMMAND' or http:URL (a bare number is a TCP port)"

    public init(parsing text: String, directory: String) throws(UnitifyError) {
        guard text.hasPrefix("http:") || text.hasPrefix("https:") else {
            do {
                self = .ready(try Readiness(parsing: text, directory: directory))
            } catch {
                throw UnitifyError.usage(error.message.replacing("--ready", with: "--health").replacing(Readiness.usage, with: Self.usage))
            }
            return
        }
        guard text.hasPrefix("http://") else {
            throw UnitifyError.usage("--health \(text): only plain http:// is checked (no TLS): give http://host[:port]/path, or a cmd: check")
        }
        let rest = text.dropFirst("http://".count)
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        var path = String(rest.dropFirst(authority.count))
        if path.isEmpty { path = "/" } else if path.hasPrefix("?") { path = "/" + path }
        var host = String(authority), port: UInt16 = 80
        if authority.hasPrefix("[") {  // [::1]:8080
            guard let close = authority.firstIndex(of: "]") else { throw UnitifyError.usage("--health \(text): the host is not closed by ']'") }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let number = UInt16(after.dropFirst()), number > 0 else {
                    throw UnitifyError.usage("--health \(text): the port must be a number from 1 to 65535")
                }
                port = number
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            guard let number = UInt16(authority[authority.index(after: colon)...]), number > 0 else {
                throw UnitifyError.usage("--health \(text): the port must be a number from 1 to 65535")
            }
            port = number
        }
        guard !host.isEmpty, !host.contains("@"), !host.contains(where: { $0 == " " || $0.isNewline }),
              !path.contains(where: { $0 == " " || $0.isNewline }) else {
            throw UnitifyError.usage("--health \(text): give http://host[:port]/path")
        }
        self = .http(host: host, port: port, path: path)
    }

    public var description: String {
        switch self {
        case .ready(let readiness): readiness.description
        case .http(let host, let port, let path):
            "http://" + (host.contains(":") ? "[\(host)]" : host) + (port == 80 ? "" : ":\(port)") + path
        }
    }
}

/// How a job with a health check reads in its unit: `unitify check-health NAME EVERY FAILURES
/// CHECK PROGRAM -- ARGV…`, the outermost of unitify's helpers. That process leaves a checker
/// behind in the job and becomes the program (or the next helper).
public enum CheckedHealth {
    public static let verb = "check-health"

    public static func command(name: String, _ health: HealthCheck, executable: String, argv: [String]) -> [String] {
        ["unitify", verb, name, health.every.description, "\(health.failures)", health.probe.description, executable, "--"] + argv
    }

    /// The check and the command beneath it in a unit's command line; nil when it has none.
    public static func program(in argv: [String]) -> (name: String, health: HealthCheck, executable: String, argv: [String])? {
        guard argv.count >= 9, argv[1] == verb, argv[7] == "--",
              let health = try? HealthCheck(check: argv[5], every: argv[3], failures: argv[4], directory: "/") else { return nil }
        return (argv[2], health, argv[6], Array(argv[8...]))
    }

    /// Where the checkers of the manager write their state: `$XDG_RUNTIME_DIR/unitify/health`,
    /// or `/run/unitify/health` for the system manager.
    public static func directory(runtimeDirectory: String?) -> String {
        (runtimeDirectory.map { $0.isEmpty ? "/run" : $0 } ?? "/run") + "/unitify/health"
    }

    /// The state file of `unit`'s checker in `directory(runtimeDirectory:)`, named by the job.
    public static func stateFile(runtimeDirectory: String?, unit: String) -> String {
        directory(runtimeDirectory: runtimeDirectory) + "/" + UnitName.shortName(unit)
    }
}

/// What a checker last found, as it writes it to its file (`key=value` lines).
public struct HealthState: Sendable, Equatable {
    /// When the last check ended, in seconds since the epoch.
    public var checkedAt: Double
    public var check: String
    /// Failures in a row (0: the last check passed).
    public var failures: Int
    public var limit: Int
    public var lastFailure: String?
    /// Restarts the checkers asked for since the job was last started otherwise. systemd counts
    /// none of them: its NRestarts counts the restarts of its own policy, and starts again at 0
    /// after any other (a checker's too).
    public var restarts: Int
    /// Written just before a checker asks for a restart: the next checker counts on from here.
    public var restarting: Bool

    public init(checkedAt: Double, check: String, failures: Int, limit: Int, lastFailure: String?, restarts: Int = 0, restarting: Bool = false) {
        (self.checkedAt, self.check, self.failures, self.limit, self.lastFailure) = (checkedAt, check, failures, limit, lastFailure)
        (self.restarts, self.restarting) = (restarts, restarting)
    }

    public var isOK: Bool { failures == 0 }

    /// What the checker after this one starts counting from: this count after a restart a
    /// checker asked for, 0 after any other start (as systemd's NRestarts).
    public var restartsCarried: Int { restarting ? restarts : 0 }

    public var text: String {
        var lines = ["checked=\(checkedAt)", "check=\(Self.oneLine(check))", "state=\(isOK ? "ok" : "failing")", "failures=\(failures)", "limit=\(limit)",
                     "restarts=\(restarts)"]
        if restarting { lines.append("restarting=yes") }
        if let lastFailure { lines.append("last-failure=\(Self.oneLine(lastFailure))") }
        return lines.joined(separator: "\n") + "\n"
    }

    public init?(parsing text: String) {
        var values: [Substring: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[line[..<equals]] = String(line[line.index(after: equals)...])
        }
        guard let checked = values["checked"].flatMap(Double.init), let check = values["check"],
              let failures = values["failures"].flatMap(Int.init), let limit = values["limit"].flatMap(Int.init) else { return nil }
        self.init(checkedAt: checked, check: check, failures: failures, limit: limit, lastFailure: values["last-failure"],
                  restarts: values["restarts"].flatMap(Int.init) ?? 0, restarting: values["restarting"] == "yes")
    }

    /// `ok (tcp:8080, checked 4s ago)`, `failing 2 of 3 in a row: connection refused (tcp:8080)`.
    public func words(now: Double) -> String {
        let seconds = UInt64(max(0, now - checkedAt))
        let age = seconds < 60 ? "\(seconds)s" : TimeSpan.seconds(seconds).short
        if isOK { return "ok (\(check), checked \(age) ago)" }
        return "failing \(failures) of \(limit) in a row: \(lastFailure ?? "failed") (\(check), checked \(age) ago)"
    }

    static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }
}
