import Systemd
import UnitifyCore

/// How journal lines are matched to a job.
extension UnitLog {
    /// The matches of `journalctl --user-unit` (systemd's `add_matches_for_user_unit_full`) and
    /// one more, split over two handles: `own` gets the groups that match the unit's own lines,
    /// nearly every entry; `about` the groups that match the few entries others write about it.
    /// sd-journal evaluates every OR-ed group at every step, so on one handle the rare groups
    /// would cost as much as the common ones (a third more instructions for a long log).
    static func addMatches(unit: String, uid: UInt32, own: Journal, about: Journal) throws(SystemdError) {
        // The unit's own output.
        try own.addMatch("_SYSTEMD_USER_UNIT=\(unit)")
        try own.addMatch("_UID=\(uid)")
        // Beyond journalctl: output whose unit journald could not tell (see SyslogIdentifier=).
        try own.addDisjunction()
        try own.addMatch("SYSLOG_IDENTIFIER=\(UnitName.shortName(unit))")
        try own.addMatch("_UID=\(uid)")
        // The manager's messages about the unit.
        try about.addMatch("USER_UNIT=\(unit)")
        try about.addMatch("_UID=\(uid)")
        // Messages from system services about it (coredumps), which run as root.
        try about.addDisjunction()
        try about.addMatch("OBJECT_SYSTEMD_USER_UNIT=\(unit)")
        try about.addMatch("_UID=\(uid)")
        if uid != 0 { try about.addMatch("_UID=0") }
        try about.addDisjunction()
        try about.addMatch("COREDUMP_USER_UNIT=\(unit)")
        try about.addMatch("_UID=\(uid)")
        if uid != 0 { try about.addMatch("_UID=0") }
    }

    /// `journalctl -u`'s matches for a system unit (`add_matches_for_unit_full`), and the same
    /// SYSLOG_IDENTIFIER group as for a user unit.
    static func addSystemMatches(unit: String, own: Journal, about: Journal) throws(SystemdError) {
        try own.addMatch("_SYSTEMD_UNIT=\(unit)")
        try own.addDisjunction()
        try own.addMatch("SYSLOG_IDENTIFIER=\(UnitName.shortName(unit))")
        try own.addMatch("_UID=0")
        // PID 1's messages about the unit.
        try about.addMatch("UNIT=\(unit)")
        try about.addMatch("_PID=1")
        try about.addDisjunction()
        try about.addMatch("OBJECT_SYSTEMD_UNIT=\(unit)")
        try about.addMatch("_UID=0")
        try about.addDisjunction()
        try about.addMatch("COREDUMP_UNIT=\(unit)")
        try about.addMatch("_UID=0")
    }
}
