import Systemd
import UnitifyCore

/// `top`'s rows from successive statuses: CPU % between this sample and the one before of the
/// same run of each job.
public struct TopSampler {
    var previous: [String: (cpu: UInt64?, at: UInt64)] = [:]

    public init() {}

    /// `host`: the host the statuses come from, for `top --host` (each host's rows in turn).
    public mutating func rows(_ statuses: [UnitStatus], now: UInt64, host: String? = nil) -> [TopRow] {
        let at = monotonicMicroseconds()
        var next: [String: (cpu: UInt64?, at: UInt64)] = host == nil ? [:] : previous.filter { !$0.key.hasPrefix(host! + " ") }
        let rows = statuses.filter { !$0.unit.hasSuffix(".timer") }.map { status in
            let key = (host.map { $0 + " " } ?? "") + status.unit + "/" + (status.invocationID ?? "")
            next[key] = (status.cpuNanoseconds, at)
            let before = previous[key]
            let running = !status.isDown && !status.isNotFound
            return TopRow(
                name: UnitName.shortName(status.unit), state: status.state,
                cpuPercent: running ? before.flatMap { CPUPercent.between($0.cpu, status.cpuNanoseconds, wallMicroseconds: at - $0.at) } : nil,
                memoryBytes: running ? status.memoryBytes : nil, tasks: running ? status.tasks : nil,
                restarts: status.restarts, uptime: status.uptime(now: now), estimated: running ? status.estimated : [], host: host)
        }
        previous = next
        return rows
    }
}
