import Glibc
import Systemd
import UnitifyCore

/// How `remove` forgot a job.
public struct Removal {
    public var unit: String
    /// Files deleted: unit files, hook units, the record.
    public var files: [String]
}

extension Jobs {
    /// A transient job as `run` starts it, and its record and exit hooks as `start` needs them.
    /// The hook units are written before the job starts (systemd loads them when it triggers),
    /// and stale ones from an earlier run of the name removed. The unit is kept loaded while this
    /// connection lasts (`start`'s `keepLoaded`): a job that ends at once is reported with how it
    /// ended, however soon the manager would otherwise let go of it.
    public func startTransient(_ spec: UnitSpec, replace: Bool = false, keepLoaded: Bool = true) throws -> UnitStatus {
        try requireFeatures(for: spec, keepLoaded: keepLoaded)
        let records = storage.records
        try writeHooks(for: spec)
        var startFailed = false
        do {
            return try records.write(JobRecord(spec: spec)) { () throws -> UnitStatus in
                do {
                    return try start(try adapted(spec).spec, replace: replace, keepLoaded: keepLoaded)
                } catch {
                    startFailed = true
                    throw error
                }
            }
        } catch where startFailed {
            // Nothing half-made: the hooks as the job's earlier record had them, or none.
            let earlier = (try? records.read(spec.name))?.spec ?? UnitSpec(name: spec.name, argv: [], executable: "", workingDirectory: "/")
            try? writeHooks(for: earlier)
            throw error
        }
    }

    func writeHooks(for spec: UnitSpec) throws {
        let files = storage.runtimeUnits
        let hooks = try ExitHook.unitFiles(for: spec, hooks: spec.hooks)
        if !hooks.isEmpty { try files.write(hooks) }
        for hook in ExitHook.allCases where !hooks.contains(where: { $0.unit == hook.unitName(job: spec.name) }) {
            try files.remove(hook.unitName(job: spec.name))
        }
    }

    /// The status of many jobs with what unitify's records add: a stopped transient job the
    /// manager has forgotten is `stopped`, with its command; with `hooks`, every job shows its
    /// exit hooks (a record to read per job, which a table of many does without).
    public func jobStatuses(of units: [String], hooks: Bool = true, tasks: Bool = true) throws -> [UnitStatus] {
        let statuses = try statuses(of: units, tasks: tasks)
        let records = try storage.records.readAll(statuses.filter { hooks || $0.isNotFound }.map(\.unit))
        return try statuses.map { status in
            guard let record = records[status.unit] else { return try enablementFromDisk(status) }
            var status = status
            status.hooks = record.spec.hooks
            if status.isNotFound {
                status.isRecorded = true
                status.kind = .transient
                status.command = record.spec.argv
                status.workingDirectory = record.spec.workingDirectory
                status.restartPolicy = record.spec.restart
                status.environmentKeys = record.spec.environment.map { String($0.prefix { $0 != "=" }) }
                status.description = record.spec.description
            }
            return status
        }
    }

    /// The spec a job runs with: its record for a transient job (exactly what `run` was given), else
    /// its live properties (and unit file), for a persistent job or one started before records.
    /// `known`: the job's status as just read (none is read again).
    public func jobSpec(of unit: String, known: UnitStatus? = nil) throws -> UnitSpec {
        if let record = try storage.records.read(unit) {
            let live = try known ?? status(of: unit)
            if live.isNotFound || live.kind == .transient { return record.spec }
        }
        return try transientSpec(of: unit, allowPersistent: true)
    }

    /// `start NAME`: a stopped job again. A persistent one is started from its unit file; a
    /// transient one from its record, with the same command, directory, environment and options.
    /// Returns nil when it is already running.
    public func startJob(_ unit: String) throws -> UnitStatus? {
        let current = try jobStatuses(of: [unit])[0]
        let short = UnitName.shortName(unit)
        guard current.exists else { throw unknown(unit) }
        if !current.isNotFound && !current.isDown && !current.hasEnded { return nil }
        let record = try storage.records.read(unit)
        if current.kind == .persistent || (current.kind == .timer && record == nil) {
            guard try isOurs(unit) else { throw UnitifyError.failed("\(short) was not started by unitify: start it with systemctl") }
            try manager.subscribe()
            let main = current.triggeredBy.first ?? unit
            let result = try manager.waitForJob(try manager.startUnit(main))
            let status = try status(of: main)
            guard result == "done" else {
                throw UnitifyError.failed("\(short) did not start: \(status.explanation ?? "the start job ended with '\(result)'")")
            }
            return status
        }
        guard let record else {
            throw UnitifyError.failed("\(short) has no record to start it from (it was started by an older unitify): run it again with 'unitify run --replace --name \(short) -- COMMAND'")
        }
        return try startTransient(record.spec)
    }

    /// `restart NAME`: a new process for the same job. Without `change`, systemd's own restart;
    /// with it, the job's spec as `change` makes it: a transient job is started anew with it (and
    /// its record rewritten), a persistent one gets its unit file rewritten and is restarted.
    public func restartJob(_ unit: String, change: ((UnitSpec) throws -> UnitSpec)?) throws -> (UnitSpec, UnitStatus) {
        let current = try jobStatuses(of: [unit])[0]
        let short = UnitName.shortName(unit)
        guard current.exists else { throw unknown(unit) }
        if !current.isRecorded, !(try isOurs(unit)) { throw UnitifyError.failed("\(short) was not started by unitify: restart it with systemctl") }
        let spec = try jobSpec(of: unit, known: current)
        let changed = try change?(spec) ?? spec
        if current.kind == .persistent {
            if changed != spec {
                try requireFeatures(for: changed)
                let files = try storage.unitFiles()
                let texts = try UnitFile.texts(changed, commandLine: changed.description, template: nil)
                try files.write(texts)
                try reloadIfNeeded(texts.map(\.unit))
            }
            try manager.subscribe()
            let result = try manager.waitForJob(try manager.restartUnit(unit))
            let status = try status(of: unit)
            guard result == "done" || status.lastExit.map({ $0.status < 200 }) == true else {
                throw UnitifyError.failed("\(short) did not start again: \(status.explanation ?? "the restart job ended with '\(result)'")")
            }
            return (changed, status)
        }
        // Transient: stopped and started anew, so the new options take effect and the job is
        // restarted even when it has ended (systemd keeps an exited job "active").
        return (changed, try startTransient(changed, replace: true))
    }

    /// `kill NAME`: `signal` to every process of the job, or only to its main process.
    public func killJob(_ unit: String, signal: SignalName, mainOnly: Bool) throws {
        let current = try status(of: unit)
        let short = UnitName.shortName(unit)
        guard !current.isNotFound else {
            guard try storage.records.units().contains(unit) else { throw unknown(unit) }
            throw UnitifyError(.notRunning, "\(short) is not running (stopped): there is no process to signal; 'unitify start \(short)' starts it")
        }
        guard !current.isDown, !current.hasEnded, current.mainPID != 0 || !mainOnly else {
            throw UnitifyError(.notRunning, "\(short) is not running (\(current.state)): there is no process to signal")
        }
        guard try isOurs(unit) else { throw UnitifyError.failed("\(short) was not started by unitify: signal it with systemctl kill") }
        try manager.killUnit(unit, whom: mainOnly ? "main" : "all", signal: signal.number)
    }

    /// `remove NAME`: stops the job, and forgets it: its record, its hook units, and for a
    /// persistent job its unit files (`uninstall`).
    public func removeJob(_ unit: String, force: Bool = false) throws -> Removal {
        let records = storage.records
        let hooks = storage.runtimeUnits
        let files = try storage.unitFiles()
        let current = try status(of: unit)
        let hasRecord = try records.exists(unit)
        let hasFiles = try [unit, UnitName.shortName(unit) + ".timer"].contains { try files.exists($0) }
        guard !current.isNotFound || hasRecord || hasFiles else { throw unknown(unit) }
        var removed: [String] = []
        if hasFiles {
            removed += try uninstall(unit, force: force)
        } else if !current.isNotFound {
            guard try isOurs(unit) else { throw UnitifyError.failed("\(UnitName.shortName(unit)) was not started by unitify: remove it with systemctl") }
            try stop(unit)
        }
        for hook in ExitHook.allCases {
            let name = hook.unitName(job: unit)
            if try hooks.exists(name) {
                _ = try? manager.stopUnit(name)
                try hooks.remove(name)
                try? manager.resetFailedUnit(name)
                removed.append(hooks.path(name))
            }
        }
        if hasRecord {
            try records.remove(unit)
            removed.append(records.path(unit))
        }
        return Removal(unit: unit, files: removed)
    }

    /// After `install`: the job is persistent now, so its record and hook units go. Returns
    /// whether it had hooks (which a unit file does not carry yet).
    public func forgetTransientRecord(_ unit: String) -> Bool {
        let hadHooks = (try? storage.records.read(unit))?.spec.hooks.isEmpty == false
        try? storage.records.remove(unit)
        for hook in ExitHook.allCases { try? storage.runtimeUnits.remove(hook.unitName(job: unit)) }
        return hadHooks
    }

    /// The jobs `remove --ended` forgets: of those `status` lists (`allJobStatuses`), every one
    /// that is stopped, exited or failed, and not waiting for its timer.
    public func endedJobs() throws -> [String] {
        try allJobStatuses(tasks: false).filter { status in
            status.exists && !status.unit.hasSuffix(".timer") && (status.hasEnded || status.isRecorded) && !status.isWaitingForTimer
        }.map(\.unit)
    }

    /// `wait NAME...`: until every job has ended for good (see `waitUntilEnded`), or `timeout`
    /// passes (nil then). The endings come in the order the jobs ended.
    public func waitForJobs(_ units: [String], timeout: TimeSpan?) throws -> [WaitOutcome.Ending]? {
        let deadline = timeout.map { monotonicMicroseconds() + $0.microseconds }
        var endings: [(at: UInt64, ending: WaitOutcome.Ending)] = []
        for unit in units {
            let status = try jobStatuses(of: [unit])[0]
            if status.isNotFound {
                // Forgotten by the manager: it ended before, how is not known.
                endings.append((0, WaitOutcome.Ending(unit: unit, exit: nil, failed: false)))
                continue
            }
            guard let ended = try waitUntilEnded(unit, deadline: deadline) else { return nil }
            let at = (try? manager.unitProperty(unit, interface: "org.freedesktop.systemd1.Service", property: "ExecMainExitTimestamp")?.uint64) ?? nil
            endings.append((at ?? monotonicMicroseconds(), WaitOutcome.Ending(unit: unit, exit: ended.lastExit, failed: ended.activeState == .failed, result: ended.result)))
        }
        return endings.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element.ending)
    }

    /// Waits until the job has ended for good, or `deadline` (monotonic microseconds) passes (nil
    /// then). A job whose policy restarts it is given its restart delay (and a little more) to be
    /// restarted before its end is taken as final: the state alone does not tell a pending
    /// restart from one refused by the start limit.
    func waitUntilEnded(_ unit: String, deadline: UInt64?) throws -> UnitStatus? {
        while true {
            let ended = try watch(unit, until: deadline) { $0.hasEnded || $0.isNotFound }
            guard ended.hasEnded || ended.isNotFound else { return nil }
            guard ended.restartsOnThisResult else {
                if ended.logCap != nil { waitForTheLogWriter(unit, deadline: deadline) }
                return ended
            }
            // Restarts that back off wait longer each time: the manager says how long (254 on).
            let next = try? manager.unitProperty(unit, interface: "org.freedesktop.systemd1.Service", property: "RestartUSecNext")?.uint64
            let grace = (next ?? ended.restartDelay?.microseconds ?? 100_000) + 1_000_000
            let limit = min(monotonicMicroseconds() + grace, deadline ?? .max)
            let after = try watch(unit, until: limit) { !$0.hasEnded }
            if after.hasEnded { return after }
        }
    }

    /// A job with capped log files has ended when its program has; the writer it left behind
    /// (`unitify write-log`) may still be putting the last of the output (up to its 1 MiB pipe)
    /// into the file. Its end is what makes the log whole, so a wait for the job waits for it
    /// too, while it is the only process left: beside others (something the program started that
    /// still holds the pipe) it may never end, and the job's end is the program's.
    func waitForTheLogWriter(_ unit: String, deadline: UInt64?) {
        let limit = min(monotonicMicroseconds() + 10_000_000, deadline ?? .max)
        while monotonicMicroseconds() < limit {
            guard let processes = try? manager.unitProcesses(unit), !processes.isEmpty,
                  processes.allSatisfy({ CappedLog.isWriter(commandLine: $0.command) }) else { return }
            usleep(10_000)
        }
    }

    /// Whether `unit` lives in unitify's slice.
    func isOurs(_ unit: String) throws -> Bool {
        try manager.unitProperty(unit, interface: "org.freedesktop.systemd1.Service", property: "Slice")?.string == UnitSpec.slice
    }

    func unknown(_ unit: String) -> UnitifyError {
        return UnitifyError.notFound("no unit named \(UnitName.shortName(unit))\(there): '\(options.command("status"))' lists yours")
    }
}

extension Jobs {
    /// Fails with exit status 4 on the first of `units` that is no job, before anything is done
    /// to any of them.
    /// Returns their statuses, as read for the check (by unit), for what follows to read no second time.
    @discardableResult
    public func requireJobs(_ units: [String]) throws -> [String: UnitStatus] {
        var read: [String: UnitStatus] = [:]
        for status in try jobStatuses(of: units) {
            read[status.unit] = status
            guard !status.exists else { continue }
            if let files = try storage.existingUnitFiles(), try files.exists(status.unit) { continue }
            throw unknown(status.unit)
        }
        return read
    }
}

extension Jobs {
    /// Every job, as `status` lists them: the loaded units in unitify's slice, persistent ones even
    /// when stopped (not loaded), and stopped transient ones the manager forgot but unitify keeps a
    /// record of.
    public func allJobUnits() throws -> [String] {
        Set(try managedUnits()).union(try storage.generatedUnits()).union(try storage.records.units()).sorted()
    }

    /// The statuses of every job `status` and `top` list. Not a persistent job that was removed:
    /// with its file gone the manager may still hold the stopped unit (as default.target's
    /// dependency when it was enabled at boot) until a daemon-reload, which unitify avoids.
    public func allJobStatuses(hooks: Bool = false, tasks: Bool = true) throws -> [UnitStatus] {
        try jobStatuses(of: try allJobUnits(), hooks: hooks, tasks: tasks).filter { status in
            guard status.kind == .persistent, status.isDown, !status.isRecorded, let fragment = status.fragmentPath else { return true }
            return try storage.pathExists(fragment)
        }
    }
}
