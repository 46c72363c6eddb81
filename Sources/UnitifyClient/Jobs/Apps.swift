import Systemd
import UnitifyCore

/// How one job of an app came out of `up`.
public struct AppOutcome: Sendable {
    public var step: AppPlan.Step
    /// Its status after the settle window (or as it was, for a job left alone or removed).
    public var status: UnitStatus?
    /// Why it did not start, when it did not.
    public var failure: String?
}

/// Apps (the jobs of a Procfile, `App=` in their unit files) on one manager: what is there, and
/// `up`'s plan carried out.
extension Jobs {
    public func appUnits(_ app: String) throws(UnitifyError) -> [String] { try storage.appUnits(app) }

    /// What `AppPlan` weighs: the file and state of every unit `desired` names, and of every unit
    /// of `app` there is (`units`, when the caller has them already). One pipelined round trip
    /// for the states.
    public func appState(app: String, desired: [String], units appUnits: [String]? = nil) throws -> [AppPlan.Current] {
        let files = try storage.unitFiles()
        let units = Array(Set(desired).union(try appUnits ?? self.appUnits(app))).sorted()
        let properties = try manager.unitProperties(units, [
            (interface: "org.freedesktop.systemd1.Unit", name: "ActiveState"),
            (interface: "org.freedesktop.systemd1.Unit", name: "LoadState"),
            (interface: "org.freedesktop.systemd1.Unit", name: "FragmentPath"),
            (interface: "org.freedesktop.systemd1.Service", name: "MainPID"),
        ])
        return try zip(units, properties).map { unit, values in
            let active = values["ActiveState"]?.string ?? "inactive"
            let loaded = values["LoadState"]?.string == "loaded"
            let fragment = values["FragmentPath"]?.string ?? ""
            return AppPlan.Current(
                unit: unit, text: try files.read(unit), exists: try files.exists(unit),
                isRunning: ["active", "activating", "reloading"].contains(active),
                isOtherwiseLoaded: loaded && !fragment.isEmpty && fragment != files.path(unit),
                pid: UInt32(truncatingIfNeeded: values["MainPID"]?.uint64 ?? 0))
        }
    }

    /// Carries `plan` out: removes the jobs that went, writes every new and changed file at once,
    /// enables every job the app keeps (one stopped by its owner was disabled), then queues all
    /// the starts and restarts together, so that systemd orders them by `After=` and holds each
    /// until the jobs it follows are ready; then watches all of them for `window`.
    /// A job that does not start does not stop the others: its outcome says why.
    public func apply(_ plan: AppPlan, window: TimeSpan) throws -> [AppOutcome] {
        let files = try storage.unitFiles()
        var outcomes: [String: AppOutcome] = [:]
        for step in plan.steps { outcomes[step.unit] = AppOutcome(step: step) }
        try manager.subscribe()

        let removed = plan.units(.remove)
        if !removed.isEmpty { try remove(removed, files: files) }

        try files.write(plan.filesToWrite)
        try reloadIfNeeded(plan.units(.restart))
        let kept = plan.unitsToEnable
        if !kept.isEmpty { try manager.enableUnitFiles(kept.map(files.path)) }

        var queued: [(unit: String, job: String)] = []
        for step in plan.steps {
            switch step.change {
            case .start, .startAgain:
                try? manager.resetFailedUnit(step.unit)
                queued.append((step.unit, try manager.startUnit(step.unit)))
            case .restart:
                try? manager.resetFailedUnit(step.unit)
                queued.append((step.unit, try manager.restartUnit(step.unit)))
            case .unchanged, .remove:
                break
            }
        }
        let results = try manager.waitForJobs(queued.map(\.job))
        let deadline = monotonicMicroseconds() + window.microseconds
        for (unit, job) in queued {
            let result = results[job] ?? "timeout"
            var status = try settle(unit, within: TimeSpan(microseconds: deadline > monotonicMicroseconds() ? deadline - monotonicMicroseconds() : 0))
            if result == "done" && !status.looksCrashed && !status.isDown {
                outcomes[unit]?.status = status
                continue
            }
            status = try self.status(of: unit)
            outcomes[unit]?.status = status
            outcomes[unit]?.failure = status.explanation ?? status.lastExit.map { "the program \($0.words)" }
                ?? (result == "done" ? status.state : "its start ended with '\(result)'")
        }
        for step in plan.steps where step.change == .unchanged {
            outcomes[step.unit]?.status = try status(of: step.unit)
        }
        return plan.steps.compactMap { outcomes[$0.unit] }
    }

    /// `down`: every job of `app` stopped, disabled and its file removed: nothing of it is left
    /// running, and no file or link. Returns the units that were removed.
    public func removeApp(_ app: String) throws -> [String] {
        let units = try appUnits(app)
        guard !units.isEmpty else { return [] }
        try manager.subscribe()
        try remove(units, files: try storage.unitFiles())
        return units
    }

    /// Stops all of `units` at once, then disables them and deletes their files; stopped and
    /// reset, they are unloaded with no daemon-reload (see `enableAndStart`).
    func remove(_ units: [String], files: any UnitFileStore) throws {
        let stops = units.compactMap { try? manager.stopUnit($0) }
        _ = try manager.waitForJobs(stops)
        try manager.disableUnitFiles(units)
        for unit in units { try files.remove(unit) }
        for unit in units { try? manager.resetFailedUnit(unit) }
    }
}

extension JobStorage {
    /// The units of `app`: unit files unitify wrote that carry `App=app`, by name. Only files
    /// named `APP-…` are read, so asking costs a directory listing when there is no such app.
    public func appUnits(_ app: String) throws(UnitifyError) -> [String] {
        // No file of unitify's is named for the app: no need to know where files go.
        if let listedUnitFiles, !listedUnitFiles.names.contains(where: { $0.hasPrefix(app + "-") && $0.hasSuffix(".service") }) { return [] }
        guard let files = try existingUnitFiles() else { return [] }
        let names = if let local = files as? UnitFileDirectory { directoryEntries(local.directory) } else { try generatedUnits() }
        var units: [String] = []
        for name in names where name.hasPrefix(app + "-") && name.hasSuffix(".service") {
            if try files.read(name).flatMap(App.name(inUnitFile:)) == app { units.append(name) }
        }
        return units.sorted()
    }

    /// `names` as units, each app among them as all of its jobs: so that `status shop`,
    /// `journal shop -f`, `restart shop` and `stop shop` act on every job of the app. A name with
    /// a suffix, or with a unit file of its own, is a job.
    public func units(naming names: [String]) throws(UnitifyError) -> [String] {
        var units: [String] = []
        for name in names {
            let unit = try UnitName.normalize(name)
            if !name.hasSuffix(".service"), !name.hasSuffix(".timer"), case let members = try appUnits(name), !members.isEmpty,
               try existingUnitFiles()?.exists(unit) != true {
                units += members
            } else {
                units.append(unit)
            }
        }
        return units
    }
}
