/// What unitify asks of systemd, by the version that brought it (systemd's NEWS; each one seen on
/// Debian's 247, 252, 257 and 262): the one place that decides what a manager of a given version
/// can do. `doctor` lists what its manager lacks; `run`, `start`, `restart` and `install` refuse a
/// job that needs something missing, in one line, before anything is created; `status`, `top`,
/// `remove --ended` and completion use what is there instead.
public enum SystemdFeature: CaseIterable, Sendable {
    /// `Type=exec`: a program that cannot start fails the start (every job).
    case execType
    /// `append:` outputs: `--log-file`, `--stdout`, `--stderr`, `>>` in `--line`.
    case appendOutput
    /// `AddRef`: a transient job stays loaded, with how it ended, until `run` has reported it.
    case addRef
    /// `truncate:` outputs: `>` in `--line`.
    case truncateOutput
    /// A slice's `SliceOf`: the members of unitify's slice, the list of every job.
    case sliceMembers
    /// `OnSuccess=`: `--on-exit` after a clean exit.
    case onSuccess
    /// `MONITOR_SERVICE_RESULT`, `MONITOR_EXIT_CODE`... in the environment of exit hooks.
    case monitorVariables
    /// `RestartSteps=` and `RestartMaxDelaySec=`: `--restart-sec MIN..MAX`, restarts that back off.
    case restartSteps

    /// The systemd release that brought it.
    public var version: Int {
        switch self {
        case .execType, .appendOutput, .addRef: 240
        case .truncateOutput: 248
        case .sliceMembers, .onSuccess: 249
        case .monitorVariables: 251
        case .restartSteps: 254
        }
    }

    /// systemd's name for it, as its manuals and its errors say it.
    public var setting: String {
        switch self {
        case .execType: "Type=exec"
        case .appendOutput: "append:"
        case .addRef: "AddRef"
        case .truncateOutput: "truncate:"
        case .sliceMembers: "SliceOf"
        case .onSuccess: "OnSuccess="
        case .monitorVariables: "MONITOR_* variables"
        case .restartSteps: "RestartSteps="
        }
    }

    /// What unitify uses it for, as the user meets it.
    public var use: String {
        switch self {
        case .execType: "every job (a program that cannot start fails the run)"
        case .appendOutput: "--log-file, --stdout, --stderr, '>>' in --line"
        case .addRef: "every run (a job that ends at once is still reported)"
        case .truncateOutput: "'>' in --line"
        case .sliceMembers: "the list of every job (status, top, remove --ended, completion)"
        case .onSuccess: "--on-exit"
        case .monitorVariables: "how the job ended, in --on-exit and --on-failure commands"
        case .restartSteps: "--restart-sec MIN..MAX (restarts that back off)"
        }
    }

    /// What unitify does on a manager older than `version` (completing "on an older manager, unitify …").
    public var without: String {
        switch self {
        case .execType, .addRef: "starts no job: doctor says the manager is too old"
        case .appendOutput, .truncateOutput, .onSuccess: "refuses the job in one line, before creating anything"
        case .sliceMembers: "lists the services of its slice from the unit list, with its job records and unit files"
        case .monitorVariables: "runs the commands with UNITIFY_JOB only"
        case .restartSteps: "restarts every MIN without backing off, and says so in a note"
        }
    }

    /// unitify can start no job at all without it.
    public var isEssential: Bool { self == .execType || self == .addRef }

    /// Whether a manager of `major` has it; an unknown version is taken to have everything
    /// (then the manager itself refuses what it lacks).
    public func isAvailable(on major: Int?) -> Bool {
        major.map { $0 >= version } ?? true
    }

    /// The oldest systemd unitify works with at all.
    public static let floor = allCases.filter(\.isEssential).map(\.version).max()!

    /// What doctor says it is for.
    public var what: String { "\(setting) for \(use)" }

    /// "252" from the manager's `Version` property, e.g. `252.39-1~deb12u2` or `v255-rc1`.
    public static func majorVersion(_ text: String) -> Int? {
        Int(String(text.drop { !$0.isNumber }.prefix { $0.isNumber }))
    }

    /// The features a job needs from the manager that starts it, in the table's order; with
    /// `keepLoaded`, a transient run's hold on the unit too.
    public static func needed(by spec: UnitSpec, keepLoaded: Bool = false) -> [SystemdFeature] {
        let outputs = [spec.standardOutput, spec.standardError]
        return allCases.filter { feature in
            switch feature {
            case .execType: true
            case .appendOutput: outputs.contains { if case .append = $0 { true } else { false } }
            case .truncateOutput: outputs.contains { if case .truncate = $0 { true } else { false } }
            case .addRef: keepLoaded
            case .onSuccess: spec.hooks.onExit != nil
            case .sliceMembers, .monitorVariables, .restartSteps: false
            }
        }
    }

    /// The one line that refuses a job needing what a manager of `major` lacks, or nil when it
    /// has everything.
    public static func refusal(for spec: UnitSpec, keepLoaded: Bool = false, major: Int?) -> UnitifyError? {
        guard let major, let missing = needed(by: spec, keepLoaded: keepLoaded).first(where: { !$0.isAvailable(on: major) }) else { return nil }
        return UnitifyError.failed("\(missing.subject) needs systemd \(missing.version) or later (\(missing.setting)); this manager runs \(major)"
            + (missing.workaround.map { ": " + $0 } ?? ""))
    }

    /// What a refusal says needs it.
    var subject: String {
        switch self {
        case .execType: "unitify"
        case .appendOutput: "output to a file (--log-file, --stdout, --stderr, '>>')"
        case .addRef: "run"
        case .truncateOutput: "'>' in --line"
        case .onSuccess: "--on-exit"
        case .sliceMembers, .monitorVariables, .restartSteps: use
        }
    }

    /// How to do without it, where there is a way.
    var workaround: String? {
        switch self {
        case .truncateOutput: "use '>>' instead"
        case .onSuccess: "use --on-failure, which every systemd has"
        case .execType, .addRef: "use systemd-run there"
        case .appendOutput, .sliceMembers, .monitorVariables, .restartSteps: nil
        }
    }

    /// `spec` as a manager of `major` can run it as a transient unit, and the one line that says
    /// what it does instead of what was asked: before 254, which refuses `RestartSteps` and
    /// `RestartMaxDelayUSec`, restarts that back off come every MIN (`RestartSec=`), as often
    /// as before and never given up unless `--max-restarts` says so; their reset, which nothing
    /// would need, is left out too. Unit files are written whole whatever the release (`UnitFile`).
    public static func adapted(_ spec: UnitSpec, major: Int?) -> (spec: UnitSpec, note: String?) {
        guard let backoff = spec.restartBackoff, !restartSteps.isAvailable(on: major), let major else { return (spec, nil) }
        var adapted = spec
        adapted.restartBackoff = nil
        let min = spec.restartDelay ?? .milliseconds(100)
        let givenUp = if case .limit(let burst, let interval)? = spec.startLimit {
            "given up after \(burst) starts within \(interval)"
        } else {
            "never given up"
        }
        return (adapted, "this manager runs systemd \(major), which cannot back off (\(restartSteps.setting) needs \(restartSteps.version)): "
            + "\(UnitName.shortName(spec.name)) is restarted every \(min), not \(min) growing to \(backoff.maxDelay), and \(givenUp)")
    }
}
