import Testing
@testable import UnitifyCore

@Suite struct ProcAccountingTests {
    /// A real line from this machine (`python3`), fields 1 to 52.
    let python = "4321 (python3) S 4300 4321 4321 0 -1 4194560 24079 0 0 0 37 11 5 2 20 0 3 0 1234567 104857600 23904 18446744073709551615 1 1 0 0 0 0 0 16781312 2 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n"

    @Test func readsTheFieldsOfAStatLine() throws {
        let stat = try #require(ProcStat(parsing: python))
        #expect(stat.pid == 4321)
        #expect(stat.comm == "python3")
        #expect(stat.state == "S")
        #expect(stat.parentPID == 4300)
        #expect(stat.userTicks == 37)
        #expect(stat.systemTicks == 11)
        #expect(stat.reapedChildrenTicks == 7)
        #expect(stat.threads == 3)
        #expect(stat.residentPages == 23904)
    }

    @Test func aCommandNameWithSpacesAndParenthesesDoesNotShiftTheFields() throws {
        let tricky = python.replacing("(python3)", with: "(a) R (b c))")
        let stat = try #require(ProcStat(parsing: tricky))
        #expect(stat.comm == "a) R (b c)")
        #expect(stat.state == "S")
        #expect(stat.userTicks == 37)
        #expect(stat.residentPages == 23904)
        let empty = try #require(ProcStat(parsing: python.replacing("(python3)", with: "()")))
        #expect(empty.comm == "")
    }

    @Test func refusesWhatIsNoStatLine() {
        #expect(ProcStat(parsing: "") == nil)
        #expect(ProcStat(parsing: "12 (sh) S 1 2 3") == nil)
        #expect(ProcStat(parsing: "x (sh) " + String(repeating: "1 ", count: 50)) == nil)
        #expect(ProcStat(parsing: "12 sh) S" + String(repeating: " 1", count: 50)) == nil)
    }

    @Test func listsThePidsOfACgroup() {
        #expect(CgroupProcs.pids("11723\n11724\n11725\n") == [11723, 11724, 11725])
        #expect(CgroupProcs.pids("") == [])
        #expect(CgroupProcs.pids("7\n\n0\nx\n8") == [7, 8])
    }

    @Test func sumsEveryProcessOfTheJob() throws {
        let parent = try #require(ProcStat(parsing: python))
        var child = parent
        child.pid = 4400
        child.userTicks = 100
        child.systemTicks = 0
        child.reapedChildrenTicks = 0
        child.threads = 1
        child.residentPages = 1000
        let usage = ProcessUsage([parent, child], ticksPerSecond: 100, pageSize: 4096)
        #expect(usage.processes == 2)
        #expect(usage.threads == 4)
        #expect(usage.residentBytes == (23904 + 1000) * 4096)
        #expect(usage.cpuNanoseconds == (37 + 11 + 7 + 100) * 10_000_000)
        #expect(ProcessUsage([], ticksPerSecond: 100, pageSize: 4096) == ProcessUsage())
    }

    @Test func fillsInOnlyWhatTheManagerDidNotReport() {
        var usage = ProcessUsage()
        usage.processes = 3
        usage.residentBytes = 80 << 20
        usage.cpuNanoseconds = 5_000_000_000
        usage.threads = 4
        let none = Accounting().completed(with: usage)
        #expect(none.memoryBytes == 80 << 20)
        #expect(none.cpuNanoseconds == 5_000_000_000)
        #expect(none.tasks == 4)
        #expect(none.estimated == [.memory, .cpu, .tasks])
        #expect(none.estimated.names == ["memory", "cpu", "tasks"])
        #expect(none.estimateNote == "memory, cpu, tasks estimated from /proc (its 3 processes in the job's cgroup): the manager reports none here")

        // A booted container reports CPU time only (CONTRIBUTING.md, "systemd without PID 1").
        let cpuOnly = Accounting(cpuNanoseconds: 7).completed(with: usage)
        #expect(cpuOnly.cpuNanoseconds == 7)
        #expect(cpuOnly.estimated == [.memory, .tasks])

        let all = Accounting(memoryBytes: 1, cpuNanoseconds: 2, tasks: 3)
        #expect(!all.isIncomplete)
        #expect(all.estimateNote == nil)
        #expect(Accounting(memoryBytes: 1).isIncomplete)
    }

    @Test func cpuPercentBetweenTwoSamples() {
        // 0.5 s of CPU in 1 s of wall time: half a CPU.
        #expect(CPUPercent.between(1_000_000_000, 1_500_000_000, wallMicroseconds: 1_000_000) == 50)
        #expect(CPUPercent.between(0, 3_000_000_000, wallMicroseconds: 2_000_000) == 150)
        // The job restarted: its counter began again.
        #expect(CPUPercent.between(9_000_000_000, 100_000_000, wallMicroseconds: 1_000_000) == 10)
        #expect(CPUPercent.between(nil, 1, wallMicroseconds: 1_000_000) == nil)
        #expect(CPUPercent.between(1, 2, wallMicroseconds: 0) == nil)
        #expect(CPUPercent.text(12.34) == "12.3")
        #expect(CPUPercent.text(0) == "0.0")
        #expect(CPUPercent.text(150.4) == "150")
        #expect(CPUPercent.text(nil) == "-")
    }
}
