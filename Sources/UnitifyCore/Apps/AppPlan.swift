/// What `up` does, decided before it does anything: the app's jobs as the Procfile wants them
/// against the unit files and states on the manager's machine, as one step per job.
public struct AppPlan: Sendable, Equatable {
    public enum Change: String, Sendable, Equatable {
        /// No unit file yet: written, enabled, started.
        case start
        /// The file is the same but the job is not running (stopped, failed): enabled and started.
        case startAgain
        /// The file would read differently: rewritten, restarted.
        case restart
        /// Same file, running: not touched (same pid).
        case unchanged
        /// The app's job is no longer in the Procfile, or a copy beyond the line's count now:
        /// stopped, disabled, its file removed.
        case remove
    }

    public struct Step: Sendable, Equatable {
        /// The job's name in the app (`web`).
        public var name: String
        public var unit: String
        public var change: Change
        /// The file to write, for `start` and `restart`.
        public var text: String?
        /// Why, in a few words (`new`, `command changed`, `no longer in Procfile`): what
        /// `up --dry-run` says after the change. Nil for a job left alone.
        public var reason: String? = nil
        /// The main pid of a job left alone, as `up` reports it; 0 when not known.
        public var pid: UInt32 = 0
    }

    /// What is on the manager's machine under one unit name.
    public struct Current: Sendable, Equatable {
        public var unit: String
        /// The unit file's text; nil when there is none.
        public var text: String?
        /// Whether anything is at the file's path (a file that cannot be read, a dangling link).
        public var exists: Bool
        /// Whether the manager runs the unit now: active, or on its way there.
        public var isRunning: Bool
        /// Whether the manager has a unit of this name loaded from somewhere else (a transient job).
        public var isOtherwiseLoaded: Bool
        /// Its main pid; 0 when none.
        public var pid: UInt32

        public init(unit: String, text: String?, exists: Bool? = nil, isRunning: Bool, isOtherwiseLoaded: Bool = false, pid: UInt32 = 0) {
            self.unit = unit
            self.text = text
            self.exists = exists ?? (text != nil)
            self.isRunning = isRunning
            self.isOtherwiseLoaded = isOtherwiseLoaded
            self.pid = pid
        }
    }

    public var app: String
    public var steps: [Step]

    /// Whether `up` would change nothing at all.
    public var changesNothing: Bool { steps.allSatisfy { $0.change == .unchanged } }

    /// The plan for `desired` (the Procfile's jobs, or those named with `up NAME…`) against
    /// `current`: what is at each desired unit's name, and every unit of the app there is.
    /// `only` limits the plan to the jobs of those lines: without it, jobs of the app that are not
    /// desired are removed; with it, only those of the named lines (the copies beyond a smaller
    /// count). A name held by a job that is not this app's is refused, naming it.
    public static func make(
        app: String, desired: [AppJob], current: [Current], only: Set<String>? = nil, procfile: String
    ) throws(UnitifyError) -> AppPlan {
        let byUnit = Dictionary(current.map { ($0.unit, $0) }, uniquingKeysWith: { first, _ in first })
        var steps: [Step] = []
        for job in desired where only?.contains(job.line) ?? true {
            let unit = job.spec.name
            guard let now = byUnit[unit], now.exists || now.isOtherwiseLoaded else {
                steps.append(Step(name: job.name, unit: unit, change: .start, text: job.text, reason: "new"))
                continue
            }
            func refuse(_ why: String) -> UnitifyError {
                Procfile.error(procfile, job.number, "\(UnitName.shortName(unit)) \(why): rename the line, or give the app another name with --app")
            }
            guard let text = now.text, now.exists else { throw refuse("is a unit already, not of app \(app)") }
            guard UnitFile.isGeneratedByUnitify(text) else { throw refuse("has a unit file that unitify did not write") }
            guard App.name(inUnitFile: text) == app else {
                throw refuse(App.name(inUnitFile: text).map { "belongs to app \($0)" } ?? "is a job started with 'unitify run', not of app \(app)")
            }
            if text != job.text {
                steps.append(Step(name: job.name, unit: unit, change: .restart, text: job.text, reason: changed(from: text, to: job.text)))
            } else if now.isRunning {
                steps.append(Step(name: job.name, unit: unit, change: .unchanged, pid: now.pid))
            } else {
                steps.append(Step(name: job.name, unit: unit, change: .startAgain, reason: "not running"))
            }
        }
        let wanted = Set(desired.map(\.spec.name))
        let linesKept = Set(desired.map(\.line))
        for now in current where !wanted.contains(now.unit) {
            guard let text = now.text, App.name(inUnitFile: text) == app else { continue }
            let job = App.job(of: now.unit, app: app)
            let line = App.line(ofJob: job)
            guard only?.contains(line) ?? true else { continue }
            // A line still there whose copies changed (`-m web=1` after 3) is not a line that went.
            let reason = linesKept.contains(line) ? "not in the formation" : "no longer in \(procfile)"
            steps.append(Step(name: job, unit: now.unit, change: .remove, reason: reason))
        }
        return AppPlan(app: app, steps: steps)
    }

    /// The files to write, all at once, before any job is started.
    public var filesToWrite: [(unit: String, text: String)] {
        steps.compactMap { step in step.text.map { (step.unit, $0) } }
    }

    /// The units to enable: every job the app keeps (a job stopped by its owner was disabled).
    public var unitsToEnable: [String] {
        steps.filter { $0.change != .remove }.map(\.unit)
    }

    public func units(_ change: Change) -> [String] {
        steps.filter { $0.change == change }.map(\.unit)
    }

    /// `up --dry-run`: one line a job, worded as `up` reports what it did (`shop: web started
    /// (pid 4101)`), so that the plan and the outcome read alike: `shop: web would start (new)`,
    /// `shop: worker would restart (command changed)`, `shop: db unchanged (pid 4101)`,
    /// `shop: old would be removed (no longer in Procfile)`.
    public var preview: [String] {
        steps.map { step in
            let verb = switch step.change {
            case .start, .startAgain: "would start"
            case .restart: "would restart"
            case .unchanged: "unchanged"
            case .remove: "would be removed"
            }
            let why = step.change == .unchanged ? (step.pid == 0 ? nil : "pid \(step.pid)") : step.reason
            return "\(app): \(step.name) \(verb)" + (why.map { " (\($0))" } ?? "")
        }
    }

    /// What of a job differs between the unit file there (`old`) and the one its line renders now
    /// (`new`), in the words of a Procfile line: `command changed`, `environment and order changed`.
    /// Settings are compared, not bytes of text; a file that differs only elsewhere (a comment, a
    /// setting unitify added later) is `unit file changed`.
    public static func changed(from old: String, to new: String) -> String {
        func settings(_ text: String) -> [Substring] {
            text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.hasPrefix("[") && $0.contains("=") }
        }
        let (before, after) = (settings(old), settings(new))
        var gone = before
        var differing: [Substring] = []
        for line in after {
            if let index = gone.firstIndex(of: line) { gone.remove(at: index) } else { differing.append(line) }
        }
        differing += gone
        var aspects: [String] = []
        for line in differing {
            // The reset of restarts that back off is an ExecStartPost= too, not readiness.
            let aspect = line.contains(RestartBackoff.resetMarker) ? "restart policy" : aspect(of: String(line[..<line.firstIndex(of: "=")!]))
            if !aspects.contains(aspect) { aspects.append(aspect) }
        }
        aspects.sort { order.firstIndex(of: $0)! < order.firstIndex(of: $1)! }
        if aspects.isEmpty { return "unit file changed" }
        let listed = aspects.count == 1 ? aspects[0] : aspects.dropLast().joined(separator: ", ") + " and " + aspects.last!
        return listed + " changed"
    }

    /// The aspects `changed` names, in the order it names them.
    static let order = ["command", "environment", "directory", "order", "readiness", "restart policy", "limits", "output", "unit file"]

    /// Which of a line's aspects a unit file setting comes from.
    static func aspect(of key: String) -> String {
        switch key {
        case "ExecStart", "Command", "Description": "command"
        case "Environment": "environment"
        case "WorkingDirectory": "directory"
        case "After": "order"
        case "ExecStartPost": "readiness"
        case "Restart", "RestartSec", "RestartSteps", "RestartMaxDelaySec", "StartLimitIntervalSec", "StartLimitBurst", "RemainAfterExit": "restart policy"
        case "MemoryMax", "CPUQuota", "Nice": "limits"
        case "StandardInput", "StandardOutput", "StandardError": "output"
        default: "unit file"
        }
    }
}
