import UnitifyCore

/// What to read from the journal.
public struct LogQuery {
    /// Full unit names; empty means every unit in unitify's slice.
    public var units: [String] = []
    /// The last N matching entries; nil for all.
    public var lines: Int? = 50
    /// Wall-clock bounds in microseconds since the epoch.
    public var since: UInt64?
    public var until: UInt64?
    /// Show this priority and more important ones.
    public var maxPriority: Int?
    public var grep: Regex<AnyRegexOutput>?
    /// Leave out the manager's lines that say nothing about the job (`ManagerNoise`).
    public var hidesManagerNoise = false
    public var format: LogFormat = .short
    /// The user manager's units (matched with the caller's uid), or with `.system` PID 1's.
    public var scope: ManagerScope = .user
    /// New lines are to be followed after the last ones: a tail read over ssh then notes where
    /// that host's journal ended, for the follow to start there.
    public var follow = false

    public init() {}
}
