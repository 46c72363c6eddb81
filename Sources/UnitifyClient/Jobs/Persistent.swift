import Glibc
import Systemd
import UnitifyCore

/// What `install` did: the unit running from its file, and how long the job was down.
public struct InstallReport {
    public var status: UnitStatus
    public var files: [String]
    public var downtime: TimeSpan
    /// The unitify that runs before the program at each start (`--tty`, capped logs).
    public var helper: String?
}

/// Jobs as unit files: `run --persistent`, `install` and `uninstall`.
extension Jobs {
    /// `run --persistent`: writes the files, reloads, enables and starts, as `systemctl --user
    /// enable --now` would. A unit of that name that is loaded from elsewhere is a clash.
    public func startPersistent(_ spec: UnitSpec, texts: [(unit: String, text: String)], replace: Bool) throws -> UnitStatus {
        try requireFeatures(for: spec)
        let files = try storage.unitFiles()
        for (unit, _) in texts where try files.isForeign(unit) {
            throw UnitifyError.failed("\(files.path(unit)) exists and was not written by unitify: choose another --name, or remove the file")
        }
        try manager.subscribe()
        for (unit, _) in texts {
            let current = try status(of: unit)
            guard !current.isNotFound, current.kind == .transient || current.isRunning else { continue }
            guard replace else {
                throw UnitifyError.failed("\(UnitName.shortName(unit)) is already \(current.state): add --replace to stop it and start the new one, or choose another --name")
            }
            try stop(unit)
            try waitUntilGone(transient: unit)
        }
        try files.write(texts)
        return try enableAndStart(texts.map { files.path($0.unit) }, main: spec.timerName ?? spec.name)
    }

    /// No daemon-reload unless a loaded unit needs one: the manager loads a new file on first use,
    /// and a reload re-parses every transient unit from the file systemd wrote for it, which in
    /// systemd 252 mangles `$` and `;` in their command lines (seen: `$` → `\$$`, `;` → `\;`),
    /// so it would corrupt the next restart of every other job.
    func enableAndStart(_ paths: [String], main: String) throws -> UnitStatus {
        try reloadIfNeeded(paths.map { String($0[$0.index(after: $0.lastIndex(of: "/")!)...]) })
        try manager.enableUnitFiles(paths)
        try manager.subscribe()
        let result = try manager.waitForJob(try manager.startUnit(main))
        let status = try status(of: main)
        guard result == "done" || !status.neverRan else {
            throw UnitifyError.failed("\(UnitName.shortName(main)) did not start: \(status.explanation ?? "the start job ended with '\(result)'"); its file stays in place, see 'unitify status \(UnitName.shortName(main))'")
        }
        return status
    }

    /// `install`: the running transient unit becomes a unit file with the same command,
    /// environment, directory, restart policy, limits, outputs and timer; then the transient one
    /// is stopped and let go (it shadows the file while loaded), and the file's unit is enabled
    /// and started.
    public func install(_ unit: String, template: String?) throws -> InstallReport {
        let files = try storage.unitFiles()
        let spec = try transientSpec(of: unit)
        try requireFeatures(for: spec)
        let texts = try UnitFile.texts(spec, commandLine: spec.description, template: template)
        for (name, _) in texts where try files.isForeign(name) {
            throw UnitifyError.failed("\(files.path(name)) exists and was not written by unitify: remove it, or keep the job transient")
        }
        try files.write(texts)
        let stopped = monotonicMicroseconds()
        try manager.subscribe()
        for (name, _) in texts.reversed() {
            _ = try? manager.waitForJob(try manager.stopUnit(name))
            try? manager.resetFailedUnit(name)
        }
        for (name, _) in texts { try waitUntilGone(transient: name) }
        // The manager may have mapped the names to the transient files while they existed.
        try files.advanceModificationTime()
        let status = try enableAndStart(texts.map { files.path($0.unit) }, main: spec.timerName ?? spec.name)
        return InstallReport(status: status, files: texts.map { files.path($0.unit) }, downtime: TimeSpan(microseconds: monotonicMicroseconds() - stopped),
                             helper: spec.helper)
    }

    /// `uninstall`: stop, disable, delete the files, reload, reset-failed. Files unitify did not
    /// write are refused unless `force`.
    public func uninstall(_ unit: String, force: Bool) throws -> [String] {
        let files = try storage.unitFiles()
        let timer = UnitName.shortName(unit) + ".timer"
        let present = try [unit, timer].filter { try files.exists($0) }
        guard !present.isEmpty else {
            let loaded = try status(of: unit)
            let hint = loaded.kind == .transient ? ": it is a transient job, stop it with 'unitify stop \(UnitName.shortName(unit))'" : ""
            throw UnitifyError.notFound("no unit file for \(UnitName.shortName(unit)) in \(files.directory)\(hint)")
        }
        if !force, let foreign = try present.first(where: { try files.isForeign($0) }) {
            throw UnitifyError.failed("\(files.path(foreign)) was not written by unitify: add --force to remove it anyway")
        }
        try manager.subscribe()
        for name in present.reversed() {
            if let job = try? manager.stopUnit(name) { _ = try? manager.waitForJob(job) }
        }
        try manager.disableUnitFiles(present)
        for name in present { try files.remove(name) }
        // Stopped and reset, the units are unloaded: no daemon-reload needed (see enableAndStart).
        for name in present { try? manager.resetFailedUnit(name) }
        return present.map(files.path)
    }

    /// Waits until a stopped transient unit is unloaded, and its file in the runtime directory
    /// deleted with it: while it is loaded it shadows the unit file of the same name. The
    /// manager unloads it on its next garbage collection, which a busy machine may delay: the
    /// unit is looked at again at least every 100 ms, for a minute.
    func waitUntilGone(transient unit: String) throws {
        let deadline = monotonicMicroseconds() + 60_000_000
        func gone(_ status: UnitStatus) -> Bool { status.isNotFound || status.kind != .transient }
        var status = try status(of: unit)
        while !gone(status) {
            guard monotonicMicroseconds() < deadline else {
                throw UnitifyError.failed("the transient \(UnitName.shortName(unit)) is still loaded a minute after it stopped (\(status.state)): try again, or see 'unitify status \(UnitName.shortName(unit))'")
            }
            status = try watch(unit, until: min(deadline, monotonicMicroseconds() + 100_000), gone)
        }
    }

    func reloadIfNeeded(_ units: [String]) throws {
        for unit in units where try manager.unitProperty(unit, interface: "org.freedesktop.systemd1.Unit", property: "NeedDaemonReload")?.bool == true {
            try manager.reload()
            return
        }
    }
}
