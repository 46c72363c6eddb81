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
        // Unread, the file's path is only not shown: `journal NAME` reads the journal instead.
        Self.completeOutputs(&status, fragments: Self.needsFragment(status) ? (try? storage.readFiles(status.fragmentPath.map { [$0] } ?? [])) ?? [:] : [:])
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
        // The unit files that say where outputs go, read at once (on another host, one channel).
        // Unread, a status only lacks its output's path: nothing is written or removed on it
        // (`transientSpec`, which install and restart write from, reads them strictly).
        let fragments = (try? storage.readFiles(Set(byName.values.filter(Self.needsFragment).compactMap(\.fragmentPath)).sorted())) ?? [:]
        return units.map { unit in
            var status = byName[unit] ?? UnitStatus(unit: unit)
            Self.completeOutputs(&status, fragments: fragments)
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
    /// own cgroup, read on the manager's machine); without `memory` or `cpu` there, MemoryMax=
    /// and CPUQuota= are silently ignored.
    public func delegatedControllers() -> Set<String> {
        guard let group = (try? manager.property("ControlGroup"))??.string else { return [] }
        let paths = ["/sys/fs/cgroup/unified", "/sys/fs/cgroup"].map { $0 + group + "/cgroup.controllers" }
        let texts = (try? storage.readFiles(paths)) ?? [:]  // only for warnings, as the bus failure above
        guard let text = paths.lazy.compactMap({ texts[$0] }).first else { return [] }
        return Set(text.prefix { $0 != "\n" }.split(separator: " ").map(String.init))
    }
}

extension Jobs {
    /// Whether the status has a file-backed output, which the bus names without its path.
    static func needsFragment(_ status: UnitStatus) -> Bool {
        status.standardOutput.hasSuffix(":") || status.standardError.hasSuffix(":")
    }

    /// The bus does not say where a file-backed StandardOutput= points: the unit file does, on
    /// the manager's machine (`fragments`: the texts of the unit files read there).
    static func completeOutputs(_ status: inout UnitStatus, fragments: [String: String]) {
        guard needsFragment(status), let fragmentPath = status.fragmentPath, let text = fragments[fragmentPath] else { return }
        status.standardOutput = UnitFile.lastValue(of: "StandardOutput", in: text) ?? status.standardOutput
        status.standardError = UnitFile.lastValue(of: "StandardError", in: text) ?? status.standardOutput
    }
}
