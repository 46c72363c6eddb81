/// One job in `unitify top`.
public struct TopRow: Sendable, Equatable {
    /// The host the job runs on, for `top --host`; nil here.
    public var host: String?
    public var name: String
    public var state: String
    /// Percent of one CPU since the previous frame; nil on the first.
    public var cpuPercent: Double?
    public var memoryBytes: UInt64?
    public var tasks: UInt64?
    public var restarts: UInt32
    public var uptime: TimeSpan?
    public var estimated: Accounting.Estimated

    public init(
        name: String, state: String, cpuPercent: Double? = nil, memoryBytes: UInt64? = nil, tasks: UInt64? = nil,
        restarts: UInt32 = 0, uptime: TimeSpan? = nil, estimated: Accounting.Estimated = [], host: String? = nil
    ) {
        self.host = host
        self.name = name
        self.state = state
        self.cpuPercent = cpuPercent
        self.memoryBytes = memoryBytes
        self.tasks = tasks
        self.restarts = restarts
        self.uptime = uptime
        self.estimated = estimated
    }
}

/// What `top` sorts by; each has the key that selects it while `top` runs.
public enum TopSort: String, Sendable, CaseIterable {
    case cpu, memory, tasks, restarts, uptime, name

    /// The key that picks this order in the live view.
    public var key: Character {
        switch self {
        case .cpu: "c"
        case .memory: "m"
        case .tasks: "t"
        case .restarts: "r"
        case .uptime: "u"
        case .name: "n"
        }
    }

    public init?(key: Character) {
        guard let sort = Self.allCases.first(where: { $0.key == key }) else { return nil }
        self = sort
    }

    /// Biggest first for every number, names in order; ties by name.
    func ordered(_ a: TopRow, _ b: TopRow) -> Bool {
        func biggerFirst<T: Comparable>(_ x: T?, _ y: T?) -> Bool? {
            switch (x, y) {
            case let (x?, y?) where x != y: x > y
            case (_?, nil): true
            case (nil, _?): false
            default: nil
            }
        }
        let decided: Bool? = switch self {
        case .cpu: biggerFirst(a.cpuPercent, b.cpuPercent)
        case .memory: biggerFirst(a.memoryBytes, b.memoryBytes)
        case .tasks: biggerFirst(a.tasks, b.tasks)
        case .restarts: biggerFirst(a.restarts, b.restarts)
        case .uptime: biggerFirst(a.uptime, b.uptime)
        case .name: nil
        }
        return decided ?? ((a.name, a.host ?? "") < (b.name, b.host ?? ""))
    }
}

/// `unitify top`'s frame, pure: the table of jobs, sorted, cut to the terminal.
public enum TopView {
    public static let columns = ["NAME", "STATE", "CPU%", "MEMORY", "TASKS", "RESTARTS", "UPTIME"]
    /// Marks a number taken from /proc rather than from the cgroup's own accounting.
    public static let estimateMark = "~"

    /// The lines of one frame, a HOST column first when the rows come from other hosts. `live` adds the header with the keys and the legend of `~` (the
    /// terminal view); `width` and `height` cut the frame to the terminal; `place` names the
    /// targets in the hint of an empty frame, as `StatusView.noJobs`.
    public static func frame(_ rows: [TopRow], sort: TopSort, live: Bool = false, width: Int? = nil, height: Int? = nil, place: TargetOptions = .none) -> [String] {
        var lines: [String] = []
        if live {
            let keys = TopSort.allCases.map { "\($0.key) \($0.rawValue)" }.joined(separator: ", ")
            lines.append("unitify top: \(rows.count) job\(rows.count == 1 ? "" : "s"), sorted by \(sort.rawValue) (\(keys); q quits)")
            lines.append("")
        }
        guard !rows.isEmpty else { return lines + [StatusView.noJobs(place)] }
        let hosts = rows.contains { $0.host != nil }
        var table = [(hosts ? ["HOST"] : []) + columns]
        for row in rows.sorted(by: sort.ordered) {
            table.append((hosts ? [row.host ?? "-"] : []) + [
                row.name,
                row.state,
                CPUPercent.text(row.cpuPercent),
                mark(row.memoryBytes.map(Format.bytes), row.estimated.contains(.memory)),
                mark(row.tasks.map { "\($0)" }, row.estimated.contains(.tasks)),
                "\(row.restarts)",
                row.uptime?.short ?? "-",
            ])
        }
        var body = Format.table(table)
        // The legend for people at a terminal; plain frames stay one line per job for scripts.
        let footer = live && rows.contains { !$0.estimated.isEmpty } ? [estimateFootnote] : []
        if let height {
            let room = max(height - lines.count - footer.count, 2)
            if body.count > room { body = Array(body.prefix(room - 1)) + ["… \(body.count - room + 1) more"] }
        }
        lines += body + footer
        guard let width else { return lines }
        return lines.map { Format.truncate($0, to: width) }
    }

    public static let estimateFootnote = "\(estimateMark) estimated from /proc: the manager reports no accounting for these jobs"

    /// `~812K` when estimated; `-` for no value.
    public static func mark(_ text: String?, _ estimated: Bool) -> String {
        guard let text else { return "-" }
        return estimated ? estimateMark + text : text
    }
}
