import UnitifyCore

/// A persistent job that its owner stopped stays stopped: `stop` disables its unit files as it
/// stops it, so neither a reboot nor the manager's next start of `default.target` brings it back
/// (pm2's most repeated complaint: a stopped process is running again after a reboot). `start`
/// and `up` enable it again.
extension Jobs {
    /// Disables `unit` (and its timer) when it is a persistent job of unitify's; true when it was one.
    @discardableResult
    public func holdStopped(_ unit: String) throws -> Bool {
        let files = persistentFiles(of: unit)
        guard !files.isEmpty else { return false }
        try manager.disableUnitFiles(files)
        return true
    }

    /// Enables `unit` (and its timer) again when it is a persistent job of unitify's.
    public func releaseHold(_ unit: String) throws {
        let files = persistentFiles(of: unit)
        guard !files.isEmpty, let store = try? storage.unitFiles() else { return }
        try manager.enableUnitFiles(files.map(store.path))
    }

    /// The unit files unitify wrote for the job of `unit`: its service and its timer.
    func persistentFiles(of unit: String) -> [String] {
        guard let store = try? storage.unitFiles() else { return [] }
        let short = UnitName.shortName(unit)
        return [short + ".service", short + ".timer"].filter { store.exists($0) && !store.isForeign($0) }
    }
}
