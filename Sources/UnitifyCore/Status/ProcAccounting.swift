/// Memory, CPU time and threads of a job counted from /proc, for managers that report none: on
/// cgroup v1 and hybrid hosts (this one, RHEL 8, Ubuntu 20.04 by default) and in many containers
/// no controller is delegated to the user manager, so `MemoryCurrent`, `CPUUsageNSec` and
/// `TasksCurrent` stay unset. The job's processes are still listed in its cgroup (`cgroup.procs`
/// of the `name=systemd` or the unified hierarchy); each one's numbers are in `/proc/PID/stat`.
/// This file only parses and sums; the client reads the files.

/// The fields of `/proc/PID/stat` unitify uses (proc(5)).
public struct ProcStat: Sendable, Equatable {
    public var pid: Int32
    /// The command name, at most 15 bytes; it may hold spaces and parentheses.
    public var comm: String
    public var state: Character
    public var parentPID: Int32
    /// Time in user and kernel mode, in clock ticks (`sysconf(_SC_CLK_TCK)`, 100 on Linux).
    public var userTicks: UInt64
    public var systemTicks: UInt64
    /// Time of the children this process has waited for (reaped), in clock ticks.
    public var reapedChildrenTicks: UInt64
    public var threads: UInt64
    /// Resident set size in pages (file, anonymous and shared memory: what `statm` calls resident).
    public var residentPages: UInt64

    /// Parses one `stat` line. The command name is the text between the first `(` and the *last*
    /// `)`: a process can name itself `a) R (b`, so splitting on spaces would shift every field.
    public init?(parsing text: some StringProtocol) {
        self.init(bytes: Array(text.utf8))
    }

    /// The same from the file's bytes, without a string per field: `status` of a thousand jobs
    /// reads a thousand of these.
    public init?(bytes: [UInt8]) {
        guard let open = bytes.firstIndex(of: UInt8(ascii: "(")),
              let close = bytes.lastIndex(of: UInt8(ascii: ")")), close > open,
              let pid = Self.number(bytes[..<open].drop { $0 == UInt8(ascii: " ") }.prefix { $0 != UInt8(ascii: " ") }) else { return nil }
        // Fields 3 (state) to 24 (rss), after the ") ".
        var fields: [ArraySlice<UInt8>] = []
        fields.reserveCapacity(22)
        var index = close + 1
        while fields.count < 22 {
            while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\n") { index += 1 }
            guard index < bytes.count else { return nil }
            let start = index
            while index < bytes.count, bytes[index] != UInt8(ascii: " "), bytes[index] != UInt8(ascii: "\n") { index += 1 }
            fields.append(bytes[start..<index])
        }
        // Field N is fields[N - 3].
        guard fields[0].count == 1, let state = fields[0].first, let parent = Self.number(fields[1]),
              let utime = Self.number(fields[11]), let stime = Self.number(fields[12]),
              let cutime = Self.number(fields[13]), let cstime = Self.number(fields[14]),
              let threads = Self.number(fields[17]), let rss = Self.number(fields[21]) else { return nil }
        self.pid = Int32(truncatingIfNeeded: pid)
        comm = String(decoding: bytes[(open + 1)..<close], as: UTF8.self)
        self.state = Character(Unicode.Scalar(state))
        parentPID = Int32(truncatingIfNeeded: parent)
        userTicks = utime
        systemTicks = stime
        reapedChildrenTicks = cutime + cstime
        self.threads = threads
        residentPages = rss
    }

    /// A decimal number of digits only; nil for anything else, or one too large.
    static func number(_ digits: some Collection<UInt8>) -> UInt64? {
        guard !digits.isEmpty, digits.count <= 19 else { return nil }
        var value: UInt64 = 0
        for digit in digits {
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + UInt64(digit - UInt8(ascii: "0"))
        }
        return value
    }
}

/// The pids in a `cgroup.procs` file: one decimal number a line.
public enum CgroupProcs {
    public static func pids(_ text: some StringProtocol) -> [Int32] {
        pids(bytes: Array(text.utf8))
    }

    public static func pids(bytes: [UInt8]) -> [Int32] {
        bytes.split(separator: UInt8(ascii: "\n")).compactMap { line in
            ProcStat.number(line).flatMap { $0 > 0 && $0 <= UInt64(Int32.max) ? Int32($0) : nil }
        }
    }
}

/// What a job's processes use, summed over every process in its cgroup: children count with
/// their job, as they do in the cgroup's own accounting.
public struct ProcessUsage: Sendable, Equatable {
    public var processes: Int = 0
    public var threads: UInt64 = 0
    /// Resident memory; pages two processes share are counted for each (an overestimate for
    /// forked workers, as `ps` and pm2 show it).
    public var residentBytes: UInt64 = 0
    /// CPU time of the live processes and of the children they have reaped. The time of a
    /// process that ended unreaped by the job, or whose parent ended, is no longer anywhere.
    public var cpuNanoseconds: UInt64 = 0

    public init() {}

    /// The sum of `stats`; `ticksPerSecond` is `sysconf(_SC_CLK_TCK)`, `pageSize` `sysconf(_SC_PAGESIZE)`.
    public init(_ stats: [ProcStat], ticksPerSecond: UInt64, pageSize: UInt64) {
        var ticks: UInt64 = 0
        for stat in stats {
            processes += 1
            threads += stat.threads
            residentBytes += stat.residentPages * pageSize
            ticks += stat.userTicks + stat.systemTicks + stat.reapedChildrenTicks
        }
        cpuNanoseconds = ticksPerSecond == 0 ? 0 : ticks * (1_000_000_000 / ticksPerSecond)
    }
}

/// A job's memory, CPU time and tasks, from the manager where it reports them and from /proc
/// where it does not, with which ones are estimates.
public struct Accounting: Sendable, Equatable {
    /// Numbers that came from /proc instead of the cgroup's own counters.
    public struct Estimated: OptionSet, Sendable, Hashable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let memory = Estimated(rawValue: 1)
        public static let cpu = Estimated(rawValue: 2)
        public static let tasks = Estimated(rawValue: 4)

        /// `memory`, `cpu`, `tasks`: the names `--json` uses.
        public var names: [String] {
            [(Self.memory, "memory"), (.cpu, "cpu"), (.tasks, "tasks")].filter { contains($0.0) }.map(\.1)
        }
    }

    public var memoryBytes: UInt64?
    public var cpuNanoseconds: UInt64?
    public var tasks: UInt64?
    public var estimated: Estimated = []
    /// How many processes /proc was read for, when it was.
    public var processes: Int?

    public init(memoryBytes: UInt64? = nil, cpuNanoseconds: UInt64? = nil, tasks: UInt64? = nil) {
        self.memoryBytes = memoryBytes
        self.cpuNanoseconds = cpuNanoseconds
        self.tasks = tasks
    }

    /// Whether /proc is needed: some number the manager did not report.
    public var isIncomplete: Bool { memoryBytes == nil || cpuNanoseconds == nil || tasks == nil }

    /// The manager's numbers, each one it did not report filled in from `usage`.
    public func completed(with usage: ProcessUsage) -> Accounting {
        var result = self
        result.processes = usage.processes
        if memoryBytes == nil { result.memoryBytes = usage.residentBytes; result.estimated.insert(.memory) }
        if cpuNanoseconds == nil { result.cpuNanoseconds = usage.cpuNanoseconds; result.estimated.insert(.cpu) }
        if tasks == nil { result.tasks = usage.threads; result.estimated.insert(.tasks) }
        return result
    }

    /// How the estimate was made, in words, for `status NAME`; nil when nothing is estimated.
    public var estimateNote: String? {
        guard !estimated.isEmpty else { return nil }
        let processes = processes.map { $0 == 1 ? "its 1 process" : "its \($0) processes" } ?? "its processes"
        return "\(estimated.names.joined(separator: ", ")) estimated from /proc (\(processes) in the job's cgroup): the manager reports none here"
    }
}

/// CPU use between two samples of a job's CPU time, as `top` shows it: 100 is one CPU busy.
public enum CPUPercent {
    /// Percent of one CPU between `before` and `after` (nanoseconds of CPU time) over
    /// `wall` microseconds; nil without both samples. A counter that went back (the job restarted)
    /// counts from zero.
    public static func between(_ before: UInt64?, _ after: UInt64?, wallMicroseconds wall: UInt64) -> Double? {
        guard let before, let after, wall > 0 else { return nil }
        let used = after >= before ? after - before : after
        return Double(used) / 10.0 / Double(wall)
    }

    /// `12.3`, `0.0`, `150`: one decimal below 100.
    public static func text(_ percent: Double?) -> String {
        guard let percent else { return "-" }
        if percent >= 99.95 { return "\(Int(percent.rounded()))" }
        let tenths = Int((percent * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
