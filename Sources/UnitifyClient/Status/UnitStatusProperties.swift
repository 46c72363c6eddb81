import Systemd
import UnitifyCore

/// How a unit's status is read: the manager properties `status` needs, each with its D-Bus
/// interface and signature (org.freedesktop.systemd1(5)) and the `UnitStatus` field it fills.
/// `Jobs.statuses(of:)` asks for exactly these; `UnitStatus(properties:unit:)` decodes them.
struct StatusProperty: Sendable {
    enum Interface: String, Sendable {
        case unit = "org.freedesktop.systemd1.Unit"
        case service = "org.freedesktop.systemd1.Service"
        case timer = "org.freedesktop.systemd1.Timer"
    }

    var interface: Interface
    var name: String
    /// The D-Bus signature the value must have; a value of another type is taken as absent.
    var signature: String
    var decode: @Sendable (inout UnitStatus, BusValue) -> Void

    init(_ interface: Interface, _ name: String, _ signature: String, _ decode: @escaping @Sendable (inout UnitStatus, BusValue) -> Void) {
        self.interface = interface
        self.name = name
        self.signature = signature
        self.decode = decode
    }

    /// A time in microseconds where 0 means never.
    static func timestamp(_ value: BusValue) -> UInt64? { value.uint64.flatMap { $0 == 0 ? nil : $0 } }
    /// A counter where UINT64_MAX means not available (no accounting).
    static func counter(_ value: BusValue) -> UInt64? { value.uint64.flatMap { $0 == .max ? nil : $0 } }
    /// A time where 0 and UINT64_MAX both mean none.
    static func nextElapse(_ value: BusValue) -> UInt64? { value.uint64.flatMap { $0 == 0 || $0 == .max ? nil : $0 } }

    static let unit: [StatusProperty] = [
        StatusProperty(.unit, "Id", "s") { s, v in s.unit = v.string ?? s.unit },
        StatusProperty(.unit, "Description", "s") { s, v in s.description = v.string ?? "" },
        StatusProperty(.unit, "LoadState", "s") { s, v in s.loadState = v.string.flatMap(LoadState.init) },
        StatusProperty(.unit, "ActiveState", "s") { s, v in s.activeState = v.string.flatMap(ActiveState.init) },
        StatusProperty(.unit, "SubState", "s") { s, v in s.subState = v.string ?? "" },
        StatusProperty(.unit, "ActiveEnterTimestamp", "t") { s, v in s.activeSince = timestamp(v) },
        StatusProperty(.unit, "InvocationID", "ay") { s, v in s.invocationID = invocationID(v) },
        StatusProperty(.unit, "TriggeredBy", "as") { s, v in s.triggeredBy = v.stringArray ?? [] },
        StatusProperty(.unit, "Transient", "b") { s, v in if v.bool == true { s.kind = .transient } },
        StatusProperty(.unit, "FragmentPath", "s") { s, v in s.fragmentPath = v.string.flatMap { $0.isEmpty ? nil : $0 } },
        StatusProperty(.unit, "UnitFileState", "s") { s, v in s.unitFileState = v.string ?? "" },
    ]

    static let service: [StatusProperty] = [
        StatusProperty(.service, "Result", "s") { s, v in s.result = v.string.flatMap(UnitResult.init) },
        StatusProperty(.service, "MainPID", "u") { s, v in s.mainPID = UInt32(truncatingIfNeeded: v.uint64 ?? 0) },
        StatusProperty(.service, "NRestarts", "u") { s, v in s.restarts = UInt32(truncatingIfNeeded: v.uint64 ?? 0) },
        StatusProperty(.service, "MemoryCurrent", "t") { s, v in s.memoryBytes = counter(v) },
        StatusProperty(.service, "CPUUsageNSec", "t") { s, v in s.cpuNanoseconds = counter(v) },
        // ExecMainCode and ExecMainStatus make one ProcessExit: see `finish`.
        StatusProperty(.service, "ExecMainCode", "i") { _, _ in },
        StatusProperty(.service, "ExecMainStatus", "i") { _, _ in },
        StatusProperty(.service, "ExecStart", "a(sasbttttuii)") { s, v in
            guard let exec = ExecCommand(v) else { return }
            let command = UnitCommand(path: exec.path, argv: exec.argv)
            (s.command, s.hasTerminal, s.logCap, s.health) = (command.argv, command.tty, command.logCap, command.health)
        },
        StatusProperty(.service, "WorkingDirectory", "s") { s, v in s.workingDirectory = v.string.flatMap { $0.isEmpty ? nil : $0 } },
        StatusProperty(.service, "Restart", "s") { s, v in s.restartPolicy = v.string.flatMap(RestartPolicy.init) },
        StatusProperty(.service, "RestartUSec", "t") { s, v in s.restartDelay = v.uint64.map { TimeSpan(microseconds: $0) } },
        StatusProperty(.service, "StandardOutput", "s") { s, v in s.standardOutput = stream(v) },
        // `inherit` (the default) is resolved against StandardOutput in `finish`.
        StatusProperty(.service, "StandardError", "s") { s, v in s.standardError = stream(v) },
        StatusProperty(.service, "Environment", "as") { s, v in
            s.environmentKeys = (v.stringArray ?? []).map { String($0.prefix { $0 != "=" }) }
        },
    ]

    /// Asked only where tasks are shown (`status NAME`, `--json`, `top`): the table does without.
    static let tasks = StatusProperty(.service, "TasksCurrent", "t") { s, v in s.tasks = counter(v) }

    static let timer: [StatusProperty] = [
        StatusProperty(.timer, "Result", "s") { s, v in s.result = v.string.flatMap(UnitResult.init) },
        StatusProperty(.timer, "NextElapseUSecRealtime", "t") { s, v in s.nextElapse = nextElapse(v) },
    ]

    /// The properties of a unit of this name: a timer's, or a service's.
    static func table(for unit: String) -> [StatusProperty] {
        unit.hasSuffix(".timer") ? Self.unit + timer : Self.unit + service
    }

    /// The bus does not say where a file-backed StandardOutput= points, only its kind: `append:`
    /// and the like keep their colon until `Jobs` completes them from the unit file.
    static func stream(_ value: BusValue) -> String {
        let kind = value.string ?? "journal"
        return ["file", "append", "truncate"].contains(kind) ? kind + ":" : kind
    }

    /// An invocation ID (`ay`, 16 bytes) in the hex form the journal uses.
    static func invocationID(_ value: BusValue) -> String? {
        guard case .array(_, let bytes) = value, !bytes.isEmpty else { return nil }
        return bytes.compactMap(\.uint64).map { hexByte(UInt8(truncatingIfNeeded: $0)) }.joined()
    }
}

/// The first command of `ExecStart`, which reads back as `a(sasbttttuii)`: path, argv, and the
/// state of its last run. systemd's exec-time `$$` (see `escapeDollars`) is undone in argv.
struct ExecCommand: Equatable {
    var path: String
    var argv: [String]
}

extension ExecCommand {
    init?(_ value: BusValue) {
        guard let first = value.elements?.first?.elements, first.count > 1,
              let path = first[0].string, let argv = first[1].stringArray else { return nil }
        self.path = path
        self.argv = argv.map { $0.replacing("$$", with: "$") }
    }
}

extension UnitStatus {
    /// Decodes the manager's properties of `unit` (from `Get`s or a `GetAll`) by the table in
    /// `StatusProperty`: a property that is absent, or of an unexpected type, leaves its field
    /// at its default.
    public init(properties p: [String: BusValue], unit: String) {
        self.init(unit: unit)
        for property in StatusProperty.table(for: unit) {
            guard let value = p[property.name]?.unwrapped, value.signature == property.signature else { continue }
            property.decode(&self, value)
        }
        if let code = p["ExecMainCode"]?.int64, let status = p["ExecMainStatus"]?.int64 {
            lastExit = ProcessExit(code: Int32(truncatingIfNeeded: code), status: Int32(truncatingIfNeeded: status))
        }
        if p["StandardError"]?.string == "inherit" { standardError = standardOutput }
        if unit.hasSuffix(".timer") {
            kind = .timer
        } else if kind != .transient, fragmentPath != nil {
            kind = .persistent
        }
    }
}
