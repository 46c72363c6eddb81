import Systemd
import UnitifyCore

/// Following a unit through the manager's `PropertiesChanged` signals until its state says enough.
extension Jobs {
    /// Watches a freshly started unit for `window`: returns early as soon as it has failed, exited
    /// or begun restarting, so a crash is reported instead of hidden as nohup hides it.
    public func settle(_ unit: String, within window: TimeSpan) throws -> UnitStatus {
        try watch(unit, until: monotonicMicroseconds() + window.microseconds) { $0.hasSettled }
    }

    /// Re-reads the unit's status whenever the manager says it changed, until `done` holds or the
    /// deadline (monotonic microseconds) passes.
    func watch(_ unit: String, until deadline: UInt64?, _ done: (UnitStatus) -> Bool) throws -> UnitStatus {
        let path = Manager.unitPath(unit)
        try manager.watchProperties(of: unit)
        var status = try status(of: unit)
        while !done(status) {
            let now = monotonicMicroseconds()
            if let deadline, now >= deadline { break }
            guard let message = try manager.bus.nextMessage(timeoutMicroseconds: deadline.map { $0 - now }) else { break }
            if message.path == path { status = try self.status(of: unit) }
        }
        return status
    }
}
