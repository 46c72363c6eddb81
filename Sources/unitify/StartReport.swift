import ArgumentParser
import UnitifyClient
import UnitifyCore

/// How `run`, `restart` and `start` tell what they started: the settle check (a job that dies
/// within `--check` is reported with its last lines and a non-zero exit), then the summary.
struct StartReport {
    var check: String
    var json = false
    var quiet = false
    var scope: ManagerScope

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
        let window = try TimeSpan(parsing: check)
        guard started.timer == nil, window.microseconds > 0 else { return status }
        let settled = try jobs.settle(started.unit, within: window)
        if settled.looksCrashed { try reportCrash(settled, short: UnitName.shortName(started.unit)) }
        return settled
    }

    /// The summary on stdout: what started, and how to see it again. `verb` is `started` or `restarted`.
    func report(_ started: Started, _ status: UnitStatus, verb: String = "started") {
        let out = Output.standard
        let short = ShellWords.quote(UnitName.shortName(started.unit))
        if json {
            let result = RunResult(
                unit: started.unit, timer: started.timer, pid: status.mainPID == 0 ? nil : status.mainPID,
                invocation_id: status.invocationID, state: status.state, command: started.command,
                working_directory: started.directory ?? status.workingDirectory ?? "")
            out.line(JSON.encode(result))
            return
        }
        guard !quiet else { return }
        if let timer = started.timer {
            out.line("scheduled \(started.unit) with \(timer)")
        } else if status.hasEnded {
            out.line("\(started.unit) already finished: \(status.lastExit?.words ?? status.state)")
        } else {
            out.line("\(verb) \(started.unit) (pid \(status.mainPID))")
        }
        let system = scope.isSystem ? "--system " : ""
        out.line("  logs:   unitify journal \(system)\(short) -f")
        out.line("  status: unitify status \(system)\(short)")
        out.line("  stop:   unitify stop \(system)\(short)")
    }

    /// The failure nohup hides: how the job ended and its last lines, then a non-zero exit.
    func reportCrash(_ status: UnitStatus, short: String) throws -> Never {
        let how = status.explanation ?? status.lastExit.map { "the program \($0.words)" } ?? status.state
        let restarting = status.isWaitingToRestart || (status.isRunning && status.restarts > 0)
        printError("unitify: \(short) \(restarting ? "is crash-looping" : "failed") within \(check): \(how)")
        printError("last lines of its log:")
        UnitLog.printLastLines(of: status, 10, to: .error, scope: scope)
        let name = (scope.isSystem ? "--system " : "") + ShellWords.quote(short)
        printError("see 'unitify status \(name)'\(restarting ? ", stop it with 'unitify stop \(name)'" : "")")
        throw UnitifyError.exit(1)
    }
}

/// `run --json`: stable snake_case keys.
struct RunResult: Encodable {
    var unit: String
    var timer: String?
    var pid: UInt32?
    var invocation_id: String?
    var state: String
    var command: [String]
    var working_directory: String
}
