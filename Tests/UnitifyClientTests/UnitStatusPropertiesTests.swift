import Systemd
import Testing
@testable import UnitifyClient
import UnitifyCore

/// `UnitStatus(properties:unit:)` fed with plain property maps, as the manager sends them: no bus.
@Suite struct UnitStatusPropertiesTests {
    /// A running transient service, every property with its real D-Bus type.
    static let running: [String: BusValue] = [
        "Id": .string("web.service"),
        "Description": .string("./server --port 8080"),
        "LoadState": .string("loaded"),
        "ActiveState": .string("active"),
        "SubState": .string("running"),
        "ActiveEnterTimestamp": .uint64(1_795_358_255_000_000),
        "InvocationID": .array(element: "y", (0..<16).map { .byte(UInt8($0 * 17)) }),
        "TriggeredBy": .strings([]),
        "Transient": .bool(true),
        "FragmentPath": .string("/run/user/0/systemd/transient/web.service"),
        "UnitFileState": .string(""),
        "Result": .string("success"),
        "MainPID": .uint32(4242),
        "NRestarts": .uint32(2),
        "MemoryCurrent": .uint64(12_900_000),
        "CPUUsageNSec": .uint64(UInt64.max),
        "ExecMainCode": .int32(0),
        "ExecMainStatus": .int32(0),
        "ExecStart": .array(element: "(sasbttttuii)", [.structure([
            .string("/srv/server"), .strings(["./server", "--price", "$$5"]), .bool(false),
            .uint64(0), .uint64(0), .uint64(0), .uint64(0), .uint32(0), .int32(0), .int32(0),
        ])]),
        "WorkingDirectory": .string("/srv"),
        "Restart": .string("on-failure"),
        "RestartUSec": .uint64(1_000_000),
        "StandardOutput": .string("journal"),
        "StandardError": .string("inherit"),
        "Environment": .strings(["PATH=/usr/bin", "TOKEN=hunter2"]),
    ]

    @Test func decodesEveryFieldOfTheTable() {
        let status = UnitStatus(properties: Self.running, unit: "web.service")
        #expect(status.unit == "web.service")
        #expect(status.description == "./server --port 8080")
        #expect(status.loadState == .loaded && status.activeState == .active && status.subState == "running")
        #expect(status.result == .success)
        #expect(status.activeSince == 1_795_358_255_000_000)
        #expect(status.invocationID == "00112233445566778899aabbccddeeff")
        #expect(status.kind == .transient)
        #expect(status.mainPID == 4242 && status.restarts == 2)
        #expect(status.memoryBytes == 12_900_000)
        #expect(status.cpuNanoseconds == nil, "UINT64_MAX: no accounting")
        #expect(status.lastExit == nil, "code 0: nothing has exited")
        #expect(status.command == ["./server", "--price", "$5"], "systemd's $$ undone")
        #expect(status.workingDirectory == "/srv")
        #expect(status.restartPolicy == .onFailure && status.restartDelay == TimeSpan(microseconds: 1_000_000))
        #expect(status.standardOutput == "journal" && status.standardError == "journal", "inherit follows stdout")
        #expect(status.environmentKeys == ["PATH", "TOKEN"], "names only: values may be secrets")
        #expect(status.state == "running" && status.isRunning && !status.hasEnded)
    }

    @Test func absentAndMistypedPropertiesKeepTheirDefaults() {
        let empty = UnitStatus(properties: [:], unit: "gone.service")
        #expect(empty.loadState == nil && empty.activeState == nil && empty.result == nil)
        #expect(empty.unit == "gone.service" && empty.kind == .other && empty.standardOutput == "journal")
        // A MainPID of the wrong type is taken as absent, not misread.
        var wrong = Self.running
        wrong["MainPID"] = .string("4242")
        wrong["ActiveState"] = .string("exploding")
        let status = UnitStatus(properties: wrong, unit: "web.service")
        #expect(status.mainPID == 0)
        #expect(status.activeState == nil)
    }

    @Test func notFoundAndFailed() {
        let missing = UnitStatus(properties: ["LoadState": .string("not-found"), "ActiveState": .string("inactive")], unit: "x.service")
        #expect(missing.isNotFound && missing.state == "not found")
        let crashed = UnitStatus(properties: [
            "LoadState": .string("loaded"), "ActiveState": .string("failed"), "SubState": .string("failed"),
            "Result": .string("exit-code"), "ExecMainCode": .int32(1), "ExecMainStatus": .int32(3),
            "Restart": .string("always"), "NRestarts": .uint32(5),
        ], unit: "x.service")
        #expect(crashed.result == .exitCode && crashed.lastExit == ProcessExit(kind: .exited, status: 3))
        #expect(crashed.gaveUpRestarting && crashed.hasEnded && crashed.looksCrashed)
        #expect(crashed.explanation?.contains("start limit") == true)
    }

    @Test func fileOutputsAndPersistentUnits() {
        let logged = UnitStatus(properties: [
            "StandardOutput": .string("append"), "StandardError": .string("truncate"),
            "FragmentPath": .string("/root/.config/systemd/user/x.service"), "Transient": .bool(false),
        ], unit: "x.service")
        #expect(logged.standardOutput == "append:" && logged.standardError == "truncate:", "the path comes from the unit file")
        #expect(logged.logFile == nil)
        #expect(logged.kind == .persistent)
        var completed = logged
        completed.standardOutput = "append:/var/log/x.log"
        #expect(completed.logFile == "/var/log/x.log")
    }

    @Test func timers() {
        let timer = UnitStatus(properties: [
            "ActiveState": .string("active"), "SubState": .string("waiting"), "Result": .string("success"),
            "NextElapseUSecRealtime": .uint64(1_795_358_255_000_000), "MainPID": .uint32(7), "Transient": .bool(true),
        ], unit: "nightly.timer")
        #expect(timer.kind == .timer && timer.nextElapse == 1_795_358_255_000_000)
        #expect(timer.mainPID == 0, "a timer has no MainPID: not in its table")
        #expect(timer.state == "waiting for timer" && !timer.hasEnded)
        let never = UnitStatus(properties: ["NextElapseUSecRealtime": .uint64(.max)], unit: "once.timer")
        #expect(never.nextElapse == nil)
    }

    @Test func everyTablePropertyIsAskedOnce() {
        for table in [StatusProperty.unit + StatusProperty.service, StatusProperty.unit + StatusProperty.timer] {
            let keys = table.map { "\($0.interface.rawValue).\($0.name)" }
            #expect(Set(keys).count == keys.count)
        }
    }

    @Test func execStartReadBack() {
        #expect(ExecCommand(Self.running["ExecStart"]!) == ExecCommand(path: "/srv/server", argv: ["./server", "--price", "$5"]))
        #expect(ExecCommand(.array(element: "(sasbttttuii)", [])) == nil)
    }
}
