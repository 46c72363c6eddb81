import Glibc
import Systemd
import UnitifyCore

/// Reading units back from the manager: their status (decoded by `UnitStatusProperties.swift`), the
/// units in unitify's slice, a job's log file, and the cgroup controllers the manager was given.
extension Jobs {
    public func status(of unit: String) throws(SystemdError) -> UnitStatus {
        try statuses(of: [unit])[0]
    }

    /// The file the job's stdout goes to (`--log-file`, `--stdout`), or nil for the journal:
    /// what `journal NAME` needs to know, for two `Get`s rather than a whole status.
    public func logFile(of unit: String) throws(SystemdError) -> String? {
        let fields = [(interface: "org.freedesktop.systemd1.Service", name: "StandardOutput"),
                      (interface: "org.freedesktop.systemd1.Unit", name: "FragmentPath")]
        var status = UnitStatus(properties: try manager.unitProperties([unit], fields)[0], unit: unit)
        Self.completeOutputs(&status)
        return status.logFile
    }

    static func fields(_ table: [StatusProperty]) -> [(interface: String, name: String)] {
        table.map { ($0.interface.rawValue, $0.name) }
    }

    /// The status of many units: only the properties status shows, asked all at once (see
    /// `manager.unitProperties(_:_:)`), then the timers of timer-driven services. Memory, CPU time
    /// and tasks the manager does not report are counted from /proc (`CgroupUsage`).
    ///
    /// - Parameter tasks: ask for `TasksCurrent` too (the status table, which shows no tasks, does
    ///   without: one Get less per unit).
    public func statuses(of units: [String], tasks: Bool = true) throws(SystemdError) -> [UnitStatus] {
        let timers = units.filter { $0.hasSuffix(".timer") }
        let services = units.filter { !$0.hasSuffix(".timer") }
        var byName: [String: UnitStatus] = [:]
        for (group, table) in [(services, StatusProperty.unit + StatusProperty.service + (tasks ? [StatusProperty.tasks] : [])), (timers, StatusProperty.unit + StatusProperty.timer)] where !group.isEmpty {
            for (unit, properties) in zip(group, try manager.unitProperties(group, Self.fields(table))) {
                byName[unit] = UnitStatus(properties: properties, unit: unit)
            }
        }
        let triggered = services.compactMap { unit in byName[unit]?.triggeredBy.first.map { (unit, $0) } }
        if !triggered.isEmpty {
            let fields = [(interface: StatusProperty.Interface.unit.rawValue, name: "ActiveState")] + Self.fields(StatusProperty.timer)
            for ((unit, _), timer) in zip(triggered, try manager.unitProperties(triggered.map(\.1), fields)) {
                byName[unit]?.kind = .timer
                byName[unit]?.timerActive = timer["ActiveState"]?.string.flatMap(ActiveState.init) == .active
                byName[unit]?.nextElapse = timer["NextElapseUSecRealtime"].flatMap(StatusProperty.nextElapse)
            }
        }
        // The unit's cgroup is derived from the slice's (one Get, not one per unit): every job of
        // unitify's is in its slice.
        var sliceGroup: String??
        return units.map { unit in
            var status = byName[unit] ?? UnitStatus(unit: unit)
            Self.completeOutputs(&status)
            guard isLocal, status.memoryBytes == nil || status.cpuNanoseconds == nil || (tasks && status.tasks == nil),
                  !status.isDown, !status.isNotFound else { return status }
            if sliceGroup == nil {
                sliceGroup = .some((try? manager.unitProperty(UnitSpec.slice, interface: "org.freedesktop.systemd1.Slice", property: "ControlGroup"))??.string)
            }
            guard let group = sliceGroup ?? nil else { return status }
            status.controlGroup = group + "/" + unit
            return status.completingAccounting()
        }
    }

    /// The cgroup controllers delegated to this manager (cgroup v2's `cgroup.controllers` of its
    /// own cgroup); without `memory` or `cpu` there, MemoryMax= and CPUQuota= are silently ignored.
    public func delegatedControllers() -> Set<String> {
        guard let group = (try? manager.property("ControlGroup"))??.string else { return [] }
        for root in ["/sys/fs/cgroup/unified", "/sys/fs/cgroup"] {
            let path = root + group + "/cgroup.controllers"
            guard let text = try? LiveHost().readText(path) else { continue }
            let line = text.prefix { $0 != "\n" }
            return Set(line.split(separator: " ").map(String.init))
        }
        return []
    }
}

extension Jobs {
    /// The bus does not say where a file-backed StandardOutput= points: the unit file does.
    static func completeOutputs(_ status: inout UnitStatus) {
        guard status.standardOutput.hasSuffix(":") || status.standardError.hasSuffix(":"),
              let fragmentPath = status.fragmentPath, let text = try? LiveHost().readText(fragmentPath) else { return }
        status.standardOutput = UnitFile.lastValue(of: "StandardOutput", in: text) ?? status.standardOutput
        status.standardError = UnitFile.lastValue(of: "StandardError", in: text) ?? status.standardOutput
    }
}
