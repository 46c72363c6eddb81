/// Renders unit statuses for people: a table of many, or a block for one.
public enum StatusView {
    public static let columns = ["NAME", "STATE", "PID", "UPTIME", "RESTARTS", "MEMORY", "CPU", "LAST EXIT", "KIND", "COMMAND"]

    /// One row per unit; COMMAND is cut so that a row fits in `width` columns when given.
    public static func table(_ statuses: [UnitStatus], now: UInt64, width: Int? = nil) -> [String] {
        guard !statuses.isEmpty else { return ["no jobs: start one with 'unitify run -- COMMAND'"] }
        var rows = [columns]
        for status in statuses {
            rows.append([
                UnitName.shortName(status.unit),
                status.state,
                status.mainPID == 0 ? "-" : "\(status.mainPID)",
                status.uptime(now: now)?.short ?? "-",
                "\(status.restarts)",
                status.memoryBytes.map(Format.bytes) ?? "-",
                status.cpuNanoseconds.map { TimeSpan(microseconds: $0 / 1_000).short } ?? "-",
                status.lastExit?.short ?? "-",
                status.kind.rawValue,
                ShellWords.join(status.command),
            ])
        }
        var lines = Format.table(rows)
        if let width {
            lines = lines.map { Format.truncate($0, to: width) }
        }
        return lines
    }

    /// Everything known about one unit, one fact per line.
    public static func block(_ status: UnitStatus, now: UInt64) -> [String] {
        var facts: [(String, String)] = []
        var state = status.state
        if let since = status.activeSince, status.isRunning {
            state += " since \(Format.utcTimestamp(since)) UTC"
            if let uptime = status.uptime(now: now) { state += " (\(uptime.short))" }
        }
        facts.append(("State", state))
        if let explanation = status.explanation { facts.append(("Why", explanation)) }
        if status.mainPID != 0 { facts.append(("PID", "\(status.mainPID)")) }
        facts.append(("Restarts", "\(status.restarts)"))
        if let memory = status.memoryBytes { facts.append(("Memory", Format.bytes(memory))) }
        if let cpu = status.cpuNanoseconds { facts.append(("CPU", TimeSpan(microseconds: cpu / 1_000).short)) }
        if let exit = status.lastExit { facts.append(("Last exit", exit.words)) }
        if !status.command.isEmpty { facts.append(("Command", ShellWords.join(status.command))) }
        if let directory = status.workingDirectory { facts.append(("Directory", directory)) }
        if let policy = status.restartPolicy { facts.append(("Restart", policy)) }
        facts.append(("Kind", status.kind.rawValue))
        if let invocation = status.invocationID { facts.append(("Invocation", invocation)) }
        let width = facts.map(\.0.count).max() ?? 0
        return [status.unit + (status.description.isEmpty ? "" : " - " + status.description)]
            + facts.map { String(repeating: " ", count: width - $0.0.count + 2) + $0.0 + ": " + $0.1 }
    }
}
