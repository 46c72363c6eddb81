import Glibc
import Systemd
import UnitifyCore

/// A failure to report to the user in one line, with the exit status to leave with.
public struct CommandFailure: Error, CustomStringConvertible {
    public var description: String
    public var exitCode: Int32
    public init(_ description: String, exitCode: Int32 = 1) {
        self.description = description
        self.exitCode = exitCode
    }
}

extension Manager {
    /// Starts `spec` as a transient unit and waits for the start job. A leftover of ours with the
    /// same name (failed, or exited and kept for its status) is cleared first; a unit that is still
    /// running is a clash. Nothing stays loaded when the start fails.
    public func start(_ spec: UnitSpec) throws -> UnitStatus {
        try subscribe()
        var job = try? startTransientUnit(spec.name, properties: spec.transientProperties)
        if job == nil {
            // Most often the name is taken (org.freedesktop.systemd1.UnitExists); anything else
            // shows up again, with its reason, on the second attempt.
            try clearLeftover(spec.name)
            job = try startTransientUnit(spec.name, properties: spec.transientProperties)
        }
        let result = try waitForJob(job ?? "")
        let status = try status(of: spec.name)
        guard result == "done" else {
            try? resetFailedUnit(spec.name)
            let why = status.explanation ?? "the start job ended with '\(result)'"
            throw CommandFailure("\(UnitName.shortName(spec.name)) did not start: \(why)")
        }
        return status
    }

    /// Makes way for a new unit of the same name, or explains why it cannot.
    func clearLeftover(_ unit: String) throws {
        let properties = try unitProperties(unit)
        let leftover = UnitStatus(properties: properties, unit: unit)
        guard leftover.loadState != "not-found" else { return }
        let ours = properties["Slice"]?.string == UnitSpec.slice
        guard ours, !leftover.isRunning || leftover.subState == "exited" else {
            let owner = ours ? "" : " (not started by unitify)"
            throw CommandFailure(
                "a unit named \(UnitName.shortName(unit)) is already \(leftover.state)\(owner): choose another --name, or stop it with 'unitify stop \(UnitName.shortName(unit))'")
        }
        if leftover.isRunning { _ = try waitForJob(try stopUnit(unit)) }
        try? resetFailedUnit(unit)
    }

    /// Stops a unit and waits until it is down; returns its status afterwards.
    public func stop(_ unit: String) throws -> UnitStatus {
        let before = try status(of: unit)
        guard before.loadState != "not-found" else {
            throw CommandFailure("no unit named \(UnitName.shortName(unit)): 'unitify status' lists yours", exitCode: 4)
        }
        try subscribe()
        _ = try waitForJob(try stopUnit(unit))
        try? resetFailedUnit(unit)
        return try status(of: unit)
    }

    public func status(of unit: String) throws(SystemdError) -> UnitStatus {
        UnitStatus(properties: try unitProperties(unit), unit: unit)
    }

    /// The names of the loaded units in unitify's slice.
    public func managedUnits() throws(SystemdError) -> [String] {
        let members = try unitProperty(UnitSpec.slice, interface: "org.freedesktop.systemd1.Unit", property: "SliceOf")
        return (members?.stringArray ?? []).sorted()
    }
}

extension UnitStatus {
    /// Maps the manager's properties (`GetAll`) onto the status model.
    public init(properties p: [String: BusValue], unit: String) {
        self.init(unit: p["Id"]?.string ?? unit)
        description = p["Description"]?.string ?? ""
        loadState = p["LoadState"]?.string ?? ""
        activeState = p["ActiveState"]?.string ?? ""
        subState = p["SubState"]?.string ?? ""
        result = p["Result"]?.string ?? ""
        mainPID = UInt32(p["MainPID"]?.uint64 ?? 0)
        activeSince = p["ActiveEnterTimestamp"]?.uint64.flatMap { $0 == 0 ? nil : $0 }
        restarts = UInt32(p["NRestarts"]?.uint64 ?? 0)
        memoryBytes = p["MemoryCurrent"]?.uint64.flatMap { $0 == .max ? nil : $0 }
        cpuNanoseconds = p["CPUUsageNSec"]?.uint64.flatMap { $0 == .max ? nil : $0 }
        if let code = p["ExecMainCode"]?.int64, let status = p["ExecMainStatus"]?.int64 {
            lastExit = ProcessExit(code: Int32(truncatingIfNeeded: code), status: Int32(truncatingIfNeeded: status))
        }
        // ExecStart reads back as a(sasbttttuii): path, argv, ...
        if let first = p["ExecStart"]?.elements?.first?.elements, first.count > 1 {
            command = first[1].stringArray ?? []
        }
        workingDirectory = p["WorkingDirectory"]?.string.flatMap { $0.isEmpty ? nil : $0 }
        restartPolicy = p["Restart"]?.string
        if case .array(_, let bytes)? = p["InvocationID"], !bytes.isEmpty {
            invocationID = bytes.compactMap(\.uint64).map { UInt8($0) }.map(hex).joined()
        }
        if unit.hasSuffix(".timer") {
            kind = .timer
        } else if p["Transient"]?.bool == true {
            kind = .transient
        } else if let fragment = p["FragmentPath"]?.string, !fragment.isEmpty {
            kind = .persistent
        }
    }
}

private func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0xF)])
}
