import Systemd
import UnitifyCore

/// Following a unit through the manager's `PropertiesChanged` signals until its state says enough.
extension Jobs {
    /// Watches a freshly started unit for `window`: returns early as soon as it has failed, exited
    /// or begun restarting, so a crash is reported instead of hidden as nohup hides it.
    public func settle(_ unit: String, within window: TimeSpan) throws -> UnitStatus {
        try watch(unit, until: monotonicMicroseconds() + window.microseconds) { $0.hasSettled }
    }

    /// Waits until the job has ended for good. A job whose policy restarts it is given its
    /// restart delay (and a little more) to be restarted before its end is taken as final: the
    /// state alone does not tell a pending restart from one refused by the start limit.
    public func waitUntilEnded(_ unit: String) throws -> UnitStatus {
        while true {
            let ended = try watch(unit, until: nil) { $0.hasEnded }
            guard ended.restartsOnThisResult else { return ended }
            let grace = (ended.restartDelay?.microseconds ?? 100_000) + 1_000_000
            let after = try watch(unit, until: monotonicMicroseconds() + grace) { !$0.hasEnded }
            if after.hasEnded { return after }
        }
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
