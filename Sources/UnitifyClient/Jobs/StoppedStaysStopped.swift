import UnitifyCore

/// A persistent job that its owner stopped stays stopped: `stop` disables its unit files as it
/// stops it, so neither a reboot nor the manager's next start of `default.target` brings it back
/// (pm2's most repeated complaint: a stopped process is running again after a reboot). `start`
/// and `up` enable it again.
extension Jobs {
    /// Disables `unit` (and its timer) when it is a persistent job of unitify's; true when it was one.
    @discardableResult
    public func holdStopped(_ unit: String) throws -> Bool {
        let files = try persistentFiles(of: unit)
        guard !files.isEmpty else { return false }
        try manager.disableUnitFiles(files)
        return true
    }

    /// Enables `unit` (and its timer) again when it is a persistent job of unitify's.
    public func releaseHold(_ unit: String) throws {
        let files = try persistentFiles(of: unit)
        guard !files.isEmpty, let store = try storage.existingUnitFiles() else { return }
        try manager.enableUnitFiles(files.map(store.path))
    }

    /// A stopped persistent job's `UnitFileState` as its links say now: the manager keeps the
    /// state it read first until the unit is loaded again, so right after `stop` disabled it,
    /// it would still say `enabled`.
    func enablementFromDisk(_ status: UnitStatus) throws(UnitifyError) -> UnitStatus {
        guard status.kind == .persistent, status.isDown, ["enabled", "disabled"].contains(status.unitFileState),
              let store = try storage.existingUnitFiles() else { return status }
        let wants = status.unit.hasSuffix(".timer") ? "timers.target.wants/" : "default.target.wants/"
        var status = status
        status.unitFileState = try store.exists(wants + status.unit) ? "enabled" : "disabled"
        return status
    }

    /// The unit files unitify wrote for the job of `unit`: its service and its timer. Never a
    /// symbolic link, even to a file of unitify's: disabling a linked unit deletes the link.
    func persistentFiles(of unit: String) throws(UnitifyError) -> [String] {
        let short = UnitName.shortName(unit)
        if storage.surelyNoUnitFiles(of: short) { return [] }
        guard let store = try storage.existingUnitFiles() else { return [] }
        var files: [String] = []
        for name in [short + ".service", short + ".timer"] {
            if let local = store as? UnitFileDirectory, fileType(atPath: local.path(name)) == .symbolicLink { continue }
            if try store.exists(name), try !store.isForeign(name) { files.append(name) }
        }
        return files
    }
}
