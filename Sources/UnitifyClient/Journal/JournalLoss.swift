import Systemd
import UnitifyCore

/// Lines journald dropped under its rate limit, said rather than left as a silent gap.
extension UnitLog {
    /// journald's rate limit is per system unit, so all of a user's units share the budget of
    /// user@UID.service; when it drops lines it logs "Suppressed N messages from ...". Say so once
    /// for the time range shown, so a gap is never silent.
    func reportDroppedLines(_ note: (String) -> Void) {
        // A system unit has a rate-limit budget of its own, and its notices name it; not counted here.
        guard !query.scope.isSystem else { return }
        guard let first = firstTime, let last = lastTime, let dropped = try? droppedLines(from: first, to: last), dropped > 0 else { return }
        note(
            "journald dropped \(dropped) lines of your units in this range under its rate limit (shared by all of uid \(uid)'s units): run the job with --log-file, or raise RateLimitBurst= in journald.conf")
    }

    /// The notices in the range, and the first one after it: journald counts a window's drops only
    /// when the source next logs after the window (30 s by default), which may be much later.
    func droppedLines(from start: UInt64, to end: UInt64) throws -> Int {
        let notices = try Journal(flags: .localOnly)
        try notices.addMatch("MESSAGE_ID=a596d6fe7bfa4994828e72309e95d61e")  // SD_MESSAGE_JOURNAL_DROPPED
        try notices.addMatch("OBJECT_SYSTEMD_UNIT=user@\(uid).service")
        try notices.seek(realtimeMicroseconds: start)
        var total = 0
        while try notices.next() {
            total += Int(try notices.string("N_DROPPED") ?? "") ?? 0
            if try notices.realtimeMicroseconds() > end { break }
        }
        return total
    }
}
