import UnitifyCore

/// What `up` was asked: the app's file, the lines to apply, and how.
public struct UpOrder: Sendable {
    public var loaded: LoadedApp
    /// The lines to apply; nil for all, and the app's jobs no longer in the file removed.
    public var only: Set<String>?
    /// The Procfile as the user named it, for the messages.
    public var procfile: String
    public var window: TimeSpan
    public var linger = true
    public var quiet = false
    /// `--dry-run`: the plan said, a line a job, and nothing written, enabled, started or stopped.
    public var dryRun = false
    /// `-m` was given: a line it does not name keeps the numbered copies that run
    /// (`App.keepingCopies`); a plain `up` applies the file's own counts.
    public var formation = false

    public init(loaded: LoadedApp, only: Set<String>?, procfile: String, window: TimeSpan) {
        self.loaded = loaded
        self.only = only
        self.procfile = procfile
        self.window = window
    }
}

extension Target {
    /// `up`: the file's jobs as the target would run them (paths looked up there), planned
    /// against the app's jobs there and applied (or only said, with `dryRun`), linger turned on
    /// before the first start. A job
    /// that did not start is in the notes with its last lines, and the part ends with status 1;
    /// the app is in `units` when something of it runs, for the hints.
    public func up(_ order: UpOrder, into report: inout TargetReport) throws {
        var loaded = order.loaded
        let jobs = try self.jobs
        let units = try jobs.appUnits(loaded.app)
        if order.formation { loaded.lines = App.keepingCopies(loaded.lines, app: loaded.app, units: units) }
        let desired = try loaded.jobs(host: try jobSite())
        let plan = try AppPlan.make(app: loaded.app, desired: desired, current: try jobs.appState(app: loaded.app, desired: desired.map(\.spec.name), units: units),
                                    only: order.only, procfile: order.procfile)
        // Everything above only reads: the files, and the units' states in one round of Gets.
        if order.dryRun {
            report.lines += plan.preview
            return
        }
        guard !plan.changesNothing else {
            if !order.quiet { report.lines.append("\(plan.app): nothing changed (\(plan.steps.count) \(plan.steps.count == 1 ? "job" : "jobs") running)") }
            return
        }
        if let first = plan.steps.first(where: { $0.change == .start || $0.change == .startAgain })?.unit {
            try ensureLinger(order.linger, for: first, quiet: order.quiet, into: &report)
        }
        let outcomes = try jobs.apply(plan, window: order.window)
        // What the manager does instead of what a line asked, said once a job (before 254: no backoff).
        for line in desired where plan.steps.contains(where: { $0.unit == line.spec.name && $0.change != .unchanged && $0.change != .remove }) {
            if let note = try jobs.adapted(line.spec).note, !order.quiet { report.notes.append("note: \(plan.app): \(note)") }
        }
        if !order.quiet { report.lines += Self.upSummary(outcomes, desired, app: plan.app) }
        let failed = outcomes.filter { $0.failure != nil }
        for outcome in failed {
            report.notes.append("\(plan.app): \(outcome.step.name) did not start: \(outcome.failure ?? "")")
            if let status = outcome.status { noteLastLines(of: status, into: &report) }
        }
        if failed.count < outcomes.count && plan.steps.contains(where: { $0.change != .remove }) { report.units.append(plan.app) }
        if !failed.isEmpty {
            let again = options.command("up")
            report.notes.append("\(plan.app): \(failed.count) of \(outcomes.count) \(outcomes.count == 1 ? "job" : "jobs") did not start; the others run: fix the line and run '\(again)' again")
            report.exitStatus = 1
        }
    }

    /// A line for each job that came out well: `shop: web started (pid 4101, ready: tcp:5000)`.
    /// The app is given, not read from `desired`: `up -m web=0` may desire no job at all.
    static func upSummary(_ outcomes: [AppOutcome], _ desired: [AppJob], app: String) -> [String] {
        outcomes.filter { $0.failure == nil }.map { outcome in
            let readiness = desired.first { $0.spec.name == outcome.step.unit }?.spec.readiness
            let pid = outcome.status.flatMap { $0.mainPID == 0 ? nil : "pid \($0.mainPID)" }
            let ready = outcome.step.change == .unchanged ? nil : readiness.map { "ready: \($0)" }
            let details = [pid, ready].compactMap { $0 }
            let verb: String = switch outcome.step.change {
            case .start, .startAgain: "started"
            case .restart: "restarted"
            case .unchanged: "unchanged"
            case .remove: "removed"
            }
            return "\(app): \(outcome.step.name) \(verb)" + (details.isEmpty ? "" : " (\(details.joined(separator: ", ")))")
        }
    }
}
