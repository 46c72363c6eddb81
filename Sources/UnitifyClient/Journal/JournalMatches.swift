import Systemd
import UnitifyCore

/// How journal lines are matched to a job.
extension UnitLog {
    /// The handles that read the entries of `groups` (`JournalMatchTable`): the first gets the
    /// groups that match the unit's own lines, nearly every entry; a second, when there are any,
    /// the groups that match the few entries others write about it. sd-journal evaluates every
    /// OR-ed group at every step, so on one handle the rare groups would cost as much as the
    /// common ones (a third more instructions for a long log).
    static func handles(own: Journal, _ groups: [JournalMatchGroup]) throws(SystemdError) -> [Journal] {
        var about: Journal?
        var used: Set<ObjectIdentifier> = []
        for group in groups {
            let handle: Journal
            if group.kind == .own {
                handle = own
            } else if let about {
                handle = about
            } else {
                handle = try Journal(flags: .localOnly)
                about = handle
            }
            if !used.insert(ObjectIdentifier(handle)).inserted { try handle.addDisjunction() }
            for term in group.terms { try handle.addMatch(term) }
        }
        return [own] + (about.map { [$0] } ?? [])
    }
}
