import Testing
@testable import UnitifyCore

@Suite struct StatusTests {
    func status(_ active: String, _ sub: String, result: String = "success", exit: ProcessExit? = nil) -> UnitStatus {
        var s = UnitStatus(unit: "job.service")
        s.loadState = .loaded
        s.activeState = ActiveState(rawValue: active)
        s.subState = sub
        s.result = UnitResult(rawValue: result)
        s.lastExit = exit
        return s
    }

    @Test func statesInWords() {
        #expect(status("active", "running").state == "running")
        #expect(status("activating", "auto-restart").state == "restarting")
        #expect(status("failed", "failed", result: "exit-code").state == "failed")
        #expect(status("active", "exited", exit: ProcessExit(kind: .exited, status: 0)).state == "exited")
        #expect(status("inactive", "dead").state == "stopped")
        var timer = status("active", "waiting")
        timer.unit = "nightly.timer"
        #expect(timer.state == "waiting for timer")
        var triggered = status("inactive", "dead")
        triggered.kind = .timer
        triggered.timerActive = true
        #expect(triggered.state == "waiting for timer")
    }

    @Test func explainsResults() {
        let limit = status("failed", "failed", result: "start-limit-hit")
        #expect(limit.explanation?.contains("--max-restarts") == true)
        let killed = status("failed", "failed", result: "signal", exit: ProcessExit(kind: .killed, status: 9))
        #expect(killed.explanation == "the program was killed by SIGKILL")
        let exec = ProcessExit(kind: .exited, status: 203)
        #expect(exec.short == "203/EXEC")
        #expect(exec.words.hasPrefix("exited with 203/EXEC: the program could not be executed"))
        #expect(ProcessExit(kind: .killed, status: 15).shellStatus == 143)
        #expect(ProcessExit(code: 0, status: 0) == nil)
    }

    @Test func formats() {
        #expect(Format.bytes(512) == "512B")
        #expect(Format.bytes(12_900_000) == "12M")
        #expect(Format.bytes(1_572_864) == "1.5M")
        #expect(Format.utcTimestamp(0) == "1970-01-01 00:00:00")
        #expect(Format.utcTimestamp(1_795_358_255_000_000) == "2026-11-22 14:37:35")
        #expect(Format.utcTimestamp(951_868_799_000_000) == "2000-02-29 23:59:59")
        #expect(Format.truncate("abcdef", to: 4) == "abc…")
        #expect(Format.table([["A", "BB"], ["CCC", "D"]]) == ["A    BB", "CCC  D"])
        #expect(ShellWords.join(["echo", "it's", "a b", ""]) == "echo 'it'\\''s' 'a b' ''")
    }
}
