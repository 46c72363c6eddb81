import UnitifyCore

/// A shim for `run --host -f` (Run.swift, another change's) until it reads through
/// `JournalReading` itself: the tail and the follow of every host, in `followAll`.
public final class FleetJournal {
    public let fleet: Fleet
    public let query: LogQuery
    /// Whether any host failed.
    public private(set) var failed = false

    public init(fleet: Fleet, query: LogQuery, follow: Bool, output: Output = .standard) {
        self.fleet = fleet
        var query = query
        query.follow = follow
        self.query = query
    }

    /// Nothing: `followAll` prints the last lines before it follows.
    public func printTail() -> (printed: Int, unknownEverywhere: [String]) { (0, []) }

    /// Every host's last lines merged in time order, then their new lines until a stop signal.
    public func followAll() {
        let reading = JournalReading(names: query.units, query: query, runs: .all, output: .standard) { printError("unitify: " + $0) }
        do {
            try reading.run(scope: .user, hosts: fleet.hosts)
        } catch {
            failed = true
        }
    }
}
