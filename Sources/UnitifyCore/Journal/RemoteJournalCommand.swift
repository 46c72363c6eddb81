/// The `journalctl` command line that reads a user's jobs on another host, where unitify is not
/// installed: the groups of `JournalMatchTable`, the ones unitify adds locally, written as
/// journalctl's own match arguments (`FIELD=value` terms of different fields are ANDed, of one
/// field ORed, `+` between groups), and the export format, which keeps every field whatever its
/// size (`-o json` turns one over 4,096 bytes into null).
public enum RemoteJournalCommand {
    /// Where the entries start.
    public enum Start: Sendable, Equatable {
        /// The last N entries (nil: all).
        case lastLines(Int?)
        /// After an entry that matches (one delivered before): `--after-cursor`.
        case after(cursor: String)
        /// At a place in the journal, the first matching entry at or after it: `--cursor`. Not
        /// `--after-cursor` for an entry that does not match: journalctl 252 skips two steps from
        /// a cursor, and the first then lands on a matching entry it drops.
        case at(cursor: String)
    }

    /// journalctl's own filters, the same as unitify applies locally.
    public struct Filters: Sendable, Equatable {
        /// Wall-clock bounds in microseconds since the epoch, both inclusive (only with `lastLines`:
        /// journalctl takes no `--since` beside a cursor).
        public var since: UInt64?
        public var until: UInt64?
        /// This priority and more important ones.
        public var maxPriority: Int?

        public init(since: UInt64? = nil, until: UInt64? = nil, maxPriority: Int? = nil) {
            self.since = since
            self.until = until
            self.maxPriority = maxPriority
        }
    }

    static let common = ["journalctl", "--no-pager", "--quiet", "--output=export"]

    public static func arguments(units: [String], uid: UInt32, start: Start, follow: Bool, filters: Filters = Filters()) -> [String] {
        var words = common
        switch start {
        case .lastLines(let lines):
            // journalctl's own default is all lines, or 10 with --follow.
            words.append("--lines=\(lines.map(String.init) ?? "all")")
            if let since = filters.since { words.append("--since=@" + seconds(since)) }
        case .after(let cursor): words.append("--after-cursor=\(cursor)")
        case .at(let cursor): words.append("--cursor=\(cursor)")
        }
        if let until = filters.until { words.append("--until=@" + seconds(until)) }
        if let maxPriority = filters.maxPriority { words.append("--priority=\(maxPriority)") }
        if follow { words.append("--follow") }
        for (index, group) in JournalMatchTable.groups(units: units, uid: uid, system: false).enumerated() {
            if index > 0 { words.append("+") }
            words += group.terms
        }
        return words
    }

    public static func arguments(units: [String], uid: UInt32, lines: Int?, follow: Bool, afterCursor: String?) -> [String] {
        arguments(units: units, uid: uid, start: afterCursor.map { .after(cursor: $0) } ?? .lastLines(lines), follow: follow)
    }

    /// The last entry of the host's journal that the user may read, whatever it is: where a
    /// follow starts when no entry of the job was there before.
    public static let lastEntry = common + ["--lines=1"]

    /// Microseconds as journalctl's `@SECONDS.FRACTION`.
    static func seconds(_ microseconds: UInt64) -> String {
        let fraction = String(microseconds % 1_000_000)
        return "\(microseconds / 1_000_000)." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }
}
