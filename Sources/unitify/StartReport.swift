import ArgumentParser
import UnitifyClient
import UnitifyCore

/// How `run`, `restart` and `start` tell what they started: the settle check (a job that dies
/// within `--check` is reported with its last lines and a non-zero exit), then the summary.
struct StartReport: Sendable {
    var check: String
    var json = false
    var quiet = false
    var scope: ManagerScope
    /// The hosts of a fleet command, for the hints; none here.
    var hosts: [RemoteHost] = []

    /// What was started, for the summary.
    struct Started {
        var unit: String
        var timer: String?
        var command: [String]
        var directory: String?

        init(unit: String, timer: String?, command: [String], directory: String?) {
            self.unit = unit
            self.timer = timer
            self.command = command
            self.directory = directory
        }

        init(_ spec: UnitSpec) {
            self.init(unit: spec.name, timer: spec.timerName, command: spec.argv, directory: spec.workingDirectory)
        }
    }

    /// Watches the job for the settle window, reports a crash (and exits 1), else returns the status.
    func settle(_ started: Started, _ status: UnitStatus, jobs: Jobs) throws -> UnitStatus {
        guard let settled = try watched(started, jobs: jobs) else { return status }
        if settled.looksCrashed { try reportCrash(settled, short: UnitName.shortName(started.unit)) }
        return settled
    }

    /// `settle` on another host: a crash goes into the host's notes and its part ends there with
    /// status 1, as here (no summary, no hints).
    func settle(_ started: Started, _ status: UnitStatus, on reached: ReachedHost, into report: inout TargetReport) throws -> UnitStatus {
        guard let settled = try watched(started, jobs: reached.jobs) else { return status }
        if settled.looksCrashed {
            let short = UnitName.shortName(started.unit)
            report.notes += [crashHeadline(settled, short: short), "last lines of its log:"]
                + ((try? reached.lastLines(of: settled, 10)) ?? []).map { "  " + $0 } + [Self(check: check, scope: scope, hosts: [reached.host]).crashPointer(settled, short: short)]
            throw UnitifyError.exit(1)
        }
        return settled
    }

    /// The job after the settle window; nil for a timer, or with `--check 0` ("0 to skip"): a job
    /// not watched is not judged, even when its first status shows it already ended.
    func watched(_ started: Started, jobs: Jobs) throws -> UnitStatus? {
        let window = try TimeSpan(parsing: check)
        guard started.timer == nil, window.microseconds > 0 else { return nil }
        return try jobs.settle(started.unit, within: window)
    }

    /// The summary on stdout: what started, and how to see it again. `verb` is `started` or `restarted`.
    func report(_ started: Started, _ status: UnitStatus, verb: String = "started") {
        let out = Output.standard
        for line in summary(started, status, verb: verb) + (json || quiet ? [] : hints(started.unit)) { out.line(line) }
    }

    /// What started, in a line (JSON with --json, nothing with --quiet); `host` for JSON's `host`.
    func summary(_ started: Started, _ status: UnitStatus, verb: String = "started", host: RemoteHost? = nil) -> [String] {
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
        return ["\(verb) \(started.unit) (pid \(status.mainPID))"]
    }

    /// How to see the job again: the commands with the same --system or --host.
    func hints(_ unit: String) -> [String] {
        let short = ShellWords.quote(UnitName.shortName(unit))
        let place = !hosts.isEmpty ? HostOptions.words(hosts) + " " : scope.isSystem ? "--system " : ""
        return ["  logs:   unitify journal \(place)\(short) -f",
                "  status: unitify status \(place)\(short)",
                "  stop:   unitify stop \(place)\(short)"]
    }

    /// The failure nohup hides: how the job ended and its last lines, then a non-zero exit.
    func reportCrash(_ status: UnitStatus, short: String) throws -> Never {
        printError("unitify: \(crashHeadline(status, short: short))")
        printError("last lines of its log:")
        UnitLog.printLastLines(of: status, 10, to: .error, scope: scope)
        printError(crashPointer(status, short: short))
        throw UnitifyError.exit(1)
    }

    func crashHeadline(_ status: UnitStatus, short: String) -> String {
        let how = status.explanation ?? status.lastExit.map { "the program \($0.words)" } ?? status.state
        return "\(short) \(isCrashLooping(status) ? "is crash-looping" : "failed") within \(check): \(how)"
    }

    func crashPointer(_ status: UnitStatus, short: String) -> String {
        let place = !hosts.isEmpty ? HostOptions.words(hosts) + " " : scope.isSystem ? "--system " : ""
        let name = place + ShellWords.quote(short)
        return "see 'unitify status \(name)'\(isCrashLooping(status) ? ", stop it with 'unitify stop \(name)'" : "")"
    }

    func isCrashLooping(_ status: UnitStatus) -> Bool {
        status.isWaitingToRestart || (status.isRunning && status.restarts > 0)
    }
}

/// `run --json`: stable snake_case keys.
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
