/// Renders unit statuses for people (a table of many, a block for one) and for scripts (JSON).
public enum StatusView {
    /// What an empty table or frame says instead.
    public static func noJobs(_ place: TargetOptions) -> String {
        "no jobs: start one with '\(place.command("run", "-- COMMAND"))'"
    }

    public static let columns = ["NAME", "STATE", "PID", "UPTIME", "RESTARTS", "MEMORY", "CPU", "LAST EXIT", "KIND", "COMMAND"]

    /// One row per unit; when `width` is given, COMMAND is cut so that a row fits. With `hosts`
    /// (one per status: where it runs), a HOST column comes first. `legend` adds the line that
    /// explains `~` when a number is estimated (for a terminal: a script reading the table gets
    /// one line per unit). `place`: the options that name the targets in the hint of an empty
    /// table (`--host H`, `--system`).
    public static func table(_ statuses: [UnitStatus], now: UInt64, width: Int? = nil, hosts: [String]? = nil, legend: Bool = false, place: TargetOptions = .none) -> [String] {
        guard !statuses.isEmpty else { return [noJobs(place)] }
        var rows = [(hosts == nil ? [] : ["HOST"]) + columns]
        for (index, status) in statuses.enumerated() {
            rows.append((hosts.map { [$0[index]] } ?? []) + [
                UnitName.shortName(status.unit),
                status.state,
                status.mainPID == 0 ? "-" : "\(status.mainPID)",
                status.uptime(now: now)?.short ?? "-",
                "\(status.restarts)",
                TopView.mark(status.memoryBytes.map(Format.bytes), status.estimated.contains(.memory)),
                cpuTime(status),
                status.lastExit?.short ?? "-",
                status.kind.rawValue,
                ShellWords.join(status.command),
            ])
        }
        var lines = Format.table(rows)
        if legend, statuses.contains(where: { !$0.estimated.isEmpty }) { lines.append(TopView.estimateFootnote) }
        guard let width else { return lines }
        return lines.map { Format.truncate($0, to: width) }
    }

    static func cpuTime(_ status: UnitStatus) -> String {
        TopView.mark(status.cpuNanoseconds.map { TimeSpan(microseconds: $0 / 1_000).short }, status.estimated.contains(.cpu))
    }

    /// `ok (tcp:8080, checked 4s ago)`, `failing 2 of 3 in a row: connection refused (tcp:8080,
    /// checked 1s ago)`; the check alone when its checker's state was not read (another host), or
    /// not written yet.
    static func healthWords(_ health: HealthCheck, _ state: HealthState?, now: UInt64) -> String {
        let check = "\(health.probe), every \(health.every), restarted after \(health.failures) failures in a row"
        guard let state else { return check }
        return state.words(now: Double(now) / 1_000_000)
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
        // The health checker's restarts, which systemd does not count, where its file was read.
        let byHealth = status.healthState?.restarts ?? 0
        facts.append(("Restarts", byHealth > 0 ? "\(Int(status.restarts) + byHealth) (\(byHealth) by the health check)" : "\(status.restarts)"))
        facts.append(("Memory", TopView.mark(status.memoryBytes.map(Format.bytes), status.estimated.contains(.memory))))
        facts.append(("CPU", cpuTime(status)))
        if let tasks = status.tasks { facts.append(("Tasks", TopView.mark("\(tasks)", status.estimated.contains(.tasks)))) }
        if let note = status.accounting.estimateNote { facts.append(("Accounting", note)) }
        if let exit = status.lastExit { facts.append(("Last exit", exit.words)) }
        if !status.command.isEmpty { facts.append(("Command", ShellWords.join(status.command))) }
        if status.hasTerminal {
            facts.append(("Terminal", "yes: 'unitify attach \(ShellWords.quote(UnitName.shortName(status.unit)))' (Ctrl-\\ detaches), 'unitify send'"))
        }
        if let health = status.health { facts.append(("Health", healthWords(health, status.healthState, now: now))) }
        if let directory = status.workingDirectory { facts.append(("Directory", directory)) }
        if let policy = status.restartPolicy { facts.append(("Restart", policy.rawValue)) }
        if let command = status.hooks.onExit { facts.append(("On exit", command)) }
        if let command = status.hooks.onFailure { facts.append(("On failure", command)) }
        let output = status.standardOutput == status.standardError
            ? status.standardOutput : "stdout \(status.standardOutput), stderr \(status.standardError)"
        facts.append(("Output", output + (status.logCap.map { " (rotated at \($0.words))" } ?? "")))
        if !status.environmentKeys.isEmpty { facts.append(("Environment", status.environmentKeys.joined(separator: " "))) }
        facts.append(("Kind", status.kind.rawValue))
        if status.isHeldStopped {
            facts.append(("Enabled", "no: stopped by you, it stays stopped after a reboot until 'unitify start \(UnitName.shortName(status.unit))'"))
        } else if !status.unitFileState.isEmpty {
            facts.append(("Enabled", status.unitFileState))
        }
        if let next = status.nextElapse { facts.append(("Next run", Format.utcTimestamp(next) + " UTC")) }
        if let invocation = status.invocationID { facts.append(("Invocation", invocation)) }
        let width = facts.map(\.0.count).max() ?? 0
        return [status.unit + (status.description.isEmpty ? "" : " - " + status.description)]
            + facts.map { String(repeating: " ", count: width - $0.0.count + 2) + $0.0 + ": " + $0.1 }
    }
}

/// `status --json`: one object per unit with stable snake_case keys; absent facts are null.
public struct StatusRecord: Encodable, Sendable {
    public struct Exit: Encodable, Sendable {
        public var kind: String
        public var status: Int32
        public var text: String
    }

    /// The host it runs on, for `status --host`; absent for this machine's.
    public var host: String?
    public var name: String
    public var unit: String
    public var state: String
    public var load_state: String
    public var active_state: String
    public var sub_state: String
    public var result: String
    public var explanation: String?
    public var pid: UInt32?
    public var active_since_us: UInt64?
    public var uptime_us: UInt64?
    public var restarts: UInt32
    public var memory_bytes: UInt64?
    public var cpu_ns: UInt64?
    public var tasks: UInt64?
    /// `memory`, `cpu`, `tasks`: those counted from /proc because the manager reports none.
    public var estimated: [String]
    public var on_exit: String?
    public var on_failure: String?
    public var last_exit: Exit?
    public var kind: String
    public var command: [String]
    public var terminal: Bool
    public var working_directory: String?
    public var restart: String?
    public var stdout: String
    public var stderr: String
    public var environment_keys: [String]
    public var enabled: String?
    public var next_elapse_us: UInt64?
    public var invocation_id: String?
    public var health: Health?

    /// `health`: the check, and what its checker last found (`state` null when it was not read).
    public struct Health: Encodable, Sendable {
        public var check: String
        public var every_us: UInt64
        public var failures_allowed: Int
        /// `ok`, `failing`, or null.
        public var state: String?
        public var failures: Int?
        public var checked_at_us: UInt64?
        public var last_failure: String?
        /// The restarts the check asked for (`restarts` above is systemd's count, without them).
        public var restarts: Int?
    }

    public init(_ s: UnitStatus, now: UInt64, host: String? = nil) {
        self.host = host
        name = UnitName.shortName(s.unit)
        unit = s.unit
        state = s.state
        load_state = s.loadState?.rawValue ?? ""
        active_state = s.activeState?.rawValue ?? ""
        sub_state = s.subState
        result = s.result?.rawValue ?? ""
        explanation = s.explanation
        pid = s.mainPID == 0 ? nil : s.mainPID
        active_since_us = s.activeSince
        uptime_us = s.uptime(now: now)?.microseconds
        restarts = s.restarts
        memory_bytes = s.memoryBytes
        cpu_ns = s.cpuNanoseconds
        tasks = s.tasks
        estimated = s.estimated.names
        on_exit = s.hooks.onExit
        on_failure = s.hooks.onFailure
        last_exit = s.lastExit.map { Exit(kind: "\($0.kind)", status: $0.status, text: $0.words) }
        kind = s.kind.rawValue
        command = s.command
        terminal = s.hasTerminal
        working_directory = s.workingDirectory
        restart = s.restartPolicy?.rawValue
        stdout = s.standardOutput
        stderr = s.standardError
        environment_keys = s.environmentKeys
        enabled = s.unitFileState.isEmpty ? nil : s.unitFileState
        next_elapse_us = s.nextElapse
        invocation_id = s.invocationID
        health = s.health.map { check in
            Health(check: check.probe.description, every_us: check.every.microseconds, failures_allowed: check.failures,
                   state: s.healthState.map { $0.isOK ? "ok" : "failing" }, failures: s.healthState?.failures,
                   checked_at_us: s.healthState.map { UInt64($0.checkedAt * 1_000_000) }, last_failure: s.healthState?.lastFailure,
                   restarts: s.healthState?.restarts)
        }
    }
}
