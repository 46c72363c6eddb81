import UnitifyClient
import UnitifyCore

/// `journal --host`: the same query on every host, each line prefixed by its host.
extension JournalCommand {
    /// Exit status 1 when a host failed (said in one line each, the others shown), 4 when the
    /// named jobs are no job on any host that answered and no host has lines of them.
    func journalOnHosts(_ hosts: [RemoteHost], _ query: LogQuery) throws {
        try HostOptions.refuseSystem(scope.system)
        // The runs are told apart by the remote manager's invocation IDs; not asked over ssh yet.
        if let runs, runs != .all { throw UnitifyError.usage("--run \(runs.rawValue) does not work with --host yet: use --since/--until, or run 'unitify journal --run \(runs.rawValue)' on that host") }
        let journal = FleetJournal(fleet: Fleet(hosts: hosts), query: query, follow: follow)
        let (printed, unknown) = journal.printTail()
        if printed == 0, !query.units.isEmpty, unknown.count == query.units.count {
            let shown = unknown.map { UnitName.shortName($0) }.joined(separator: ", ")
            throw UnitifyError.notFound("no unit named \(shown) on \(hosts.map(\.description).joined(separator: ", ")), and no lines of \(unknown.count == 1 ? "it" : "them") in the journal: 'unitify status --host' lists your jobs")
        }
        if follow { journal.followAll() }
        if journal.failed { throw UnitifyError.exit(1) }
    }
}
