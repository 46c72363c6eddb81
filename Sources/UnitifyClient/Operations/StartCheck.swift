import UnitifyCore

/// How `run`, `start`, `restart` tell what they started: the window a new job is watched for
/// (`--check`), and how the summary is said (a line, JSON, nothing).
public struct StartCheck: Sendable {
    /// `--check` as given, for the crash headline: "failed within 500ms".
    public let text: String
    public let window: TimeSpan
    public var json: Bool
    public var quiet: Bool

    /// `text` read as a duration: a bad one is refused before anything starts.
    public init(_ text: String, json: Bool = false, quiet: Bool = false) throws(UnitifyError) {
        self.text = text
        window = try TimeSpan(parsing: text)
        self.json = json
        self.quiet = quiet
    }

    /// What started, in a line (JSON with `json`, nothing with `quiet`); `host` for JSON's `host`.
    /// `verb` is `started` or `restarted`.
    public func summary(_ started: StartedJob, _ status: UnitStatus, verb: String = "started", host: HostAddress?) -> [String] {
        if json {
            let result = RunResult(
                host: host?.description, unit: started.unit, timer: started.timer, pid: status.mainPID == 0 ? nil : status.mainPID,
                invocation_id: status.invocationID, state: status.state, command: started.command,
                working_directory: started.directory ?? status.workingDirectory ?? "")
            return [JSON.encode(result)]
        }
        guard !quiet else { return [] }
        if let timer = started.timer {
            return ["scheduled \(started.unit) with \(timer)"]
        } else if status.hasEnded {
            return ["\(started.unit) already finished: \(status.lastExit?.words ?? status.state)"]
        }
        // No main process at this moment (a crash loop between two starts, with --check 0): its state.
        return ["\(verb) \(started.unit) (\(status.mainPID == 0 ? status.state : "pid \(status.mainPID)"))"]
    }

    /// How the job failed, in the first line of a crash report.
    func crashHeadline(_ status: UnitStatus, short: String) -> String {
        let how = status.explanation ?? status.lastExit.map { "the program \($0.words)" } ?? status.state
        return "\(short) \(Self.isCrashLooping(status) ? "is crash-looping" : "failed") within \(text): \(how)"
    }

    /// The last line of a crash report: where to look, and how to stop a loop. `options` name the
    /// target again (`Target.options`).
    func crashPointer(_ status: UnitStatus, short: String, options: TargetOptions) -> String {
        let name = ShellWords.quote(short)
        return "see '\(options.command("status", name))'\(Self.isCrashLooping(status) ? ", stop it with '\(options.command("stop", name))'" : "")"
    }

    static func isCrashLooping(_ status: UnitStatus) -> Bool {
        status.isWaitingToRestart || (status.isRunning && status.restarts > 0)
    }
}

/// What was started, for the summary.
public struct StartedJob: Sendable {
    public var unit: String
    public var timer: String?
    public var command: [String]
    public var directory: String?

    public init(unit: String, timer: String?, command: [String], directory: String?) {
        self.unit = unit
        self.timer = timer
        self.command = command
        self.directory = directory
    }

    public init(_ spec: UnitSpec) {
        self.init(unit: spec.name, timer: spec.timerName, command: spec.argv, directory: spec.workingDirectory)
    }
}

/// `run --json` and the like: stable snake_case keys.
struct RunResult: Encodable {
    var host: String?
    var unit: String
    var timer: String?
    var pid: UInt32?
    var invocation_id: String?
    var state: String
    var command: [String]
    var working_directory: String
}
