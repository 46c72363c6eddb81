/// A point in time as journalctl's `--since`/`--until` accept it (systemd.time(7)), before it is
/// resolved against the clock and the local time zone.
public enum TimePoint: Sendable, Equatable {
    case now
    /// Midnight of today + `days` (today 0, yesterday -1, tomorrow 1), local time.
    case midnight(days: Int)
    /// A local date and time.
    case local(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int)
    /// Now plus a signed offset in microseconds (`-1h`, `1h ago`, `+5min`).
    case relative(Int64)

    public init(parsing text: String) throws(UnitifyError) {
        let t = text.trimmingSpaces()
        switch t {
        case "now": self = .now; return
        case "today": self = .midnight(days: 0); return
        case "yesterday": self = .midnight(days: -1); return
        case "tomorrow": self = .midnight(days: 1); return
        default: break
        }
        let invalid = UnitifyError.usage(
            "invalid time '\(text)': use YYYY-MM-DD [HH:MM[:SS]], today, yesterday, now, -1h, '1h ago' or +5min")
        if let sign = t.first, sign == "-" || sign == "+" {
            guard let span = try? TimeSpan(parsing: String(t.dropFirst())) else { throw invalid }
            self = .relative(sign == "-" ? -Int64(span.microseconds) : Int64(span.microseconds))
            return
        }
        if t.hasSuffix(" ago") {
            guard let span = try? TimeSpan(parsing: String(t.dropLast(4))) else { throw invalid }
            self = .relative(-Int64(span.microseconds))
            return
        }
        let parts = t.split(separator: " ", omittingEmptySubsequences: true)
        guard (1...2).contains(parts.count) else { throw invalid }
        let date = parts[0].split(separator: "-", omittingEmptySubsequences: false).compactMap { Int($0) }
        guard date.count == 3, (1...12).contains(date[1]), (1...31).contains(date[2]), parts[0].count >= 8 else { throw invalid }
        var clock = [0, 0, 0]
        if parts.count == 2 {
            let fields = parts[1].split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
            guard (2...3).contains(fields.count), fields.allSatisfy({ $0 != nil }) else { throw invalid }
            for (index, value) in fields.enumerated() { clock[index] = value! }
            guard clock[0] < 24, clock[1] < 60, clock[2] < 61 else { throw invalid }
        }
        self = .local(year: date[0], month: date[1], day: date[2], hour: clock[0], minute: clock[1], second: clock[2])
    }
}

/// syslog priorities, as journalctl's `-p` takes them: a name or a number, showing that level and
/// everything more important.
public enum Priority {
    public static let names = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"]

    public static func parse(_ text: String) throws(UnitifyError) -> Int {
        if let number = Int(text), (0...7).contains(number) { return number }
        if let index = names.firstIndex(of: text.lowercased()) { return index }
        if text.lowercased() == "error" { return 3 }
        if text.lowercased() == "warn" { return 4 }
        throw UnitifyError.usage("invalid priority '\(text)': use 0-7 or one of \(names.joined(separator: ", "))")
    }
}

/// How journal lines are printed, as journalctl's `-o`.
public enum LogFormat: String, Sendable, CaseIterable {
    case short, shortIso = "short-iso", shortPrecise = "short-precise", cat, json
}

/// Which runs of one unit `journal --run` shows.
public enum RunSelection: String, Sendable, CaseIterable {
    case current, previous, all

    /// The time bounds of the selected run, given the unit's runs in the journal (oldest first:
    /// each run's invocation ID and the time of its last entry) and the ID of the run the manager
    /// calls current (nil, or one the journal lacks: the last). A run is the time after the
    /// previous run's last entry up to its own last entry; the first has no lower bound and the
    /// last no upper one. Nil when there is no such run.
    public func bounds(in runs: [(id: String, end: UInt64)], currentID: String?) -> (since: UInt64?, until: UInt64?)? {
        guard self != .all else { return (nil, nil) }
        // The manager knows which run is current; the journal which came before it.
        var current = runs.count - 1
        if let currentID, let known = runs.firstIndex(where: { $0.id == currentID }) { current = known }
        let index = self == .current ? current : current - 1
        guard index >= 0, index < runs.count else { return nil }
        return (index > 0 ? runs[index - 1].end + 1 : nil, index + 1 < runs.count ? runs[index].end : nil)
    }
}
