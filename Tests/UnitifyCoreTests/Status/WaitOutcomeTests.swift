import Testing
@testable import UnitifyCore

@Suite struct WaitOutcomeTests {
    func ending(_ unit: String, _ exit: ProcessExit?, failed: Bool = false) -> WaitOutcome.Ending {
        WaitOutcome.Ending(unit: unit, exit: exit, failed: failed)
    }

    @Test func theStatusOfTheFirstJobToFail() {
        let ok = ending("a", ProcessExit(kind: .exited, status: 0))
        let three = ending("b", ProcessExit(kind: .exited, status: 3), failed: true)
        let killed = ending("c", ProcessExit(kind: .killed, status: 9), failed: true)
        #expect(WaitOutcome.exitStatus([]) == 0)
        #expect(WaitOutcome.exitStatus([ok]) == 0)
        #expect(WaitOutcome.exitStatus([ok, three, killed]) == 3)
        #expect(WaitOutcome.exitStatus([killed, three]) == 137)
        // systemd's failure without a failing exit code (a start limit, a timeout): 1.
        #expect(WaitOutcome.exitStatus([ending("d", ProcessExit(kind: .exited, status: 0), failed: true)]) == 1)
        // No exit status kept: it ended, and nothing says it failed.
        #expect(WaitOutcome.exitStatus([ending("e", nil)]) == 0)
    }

    @Test func howEachEndedInWords() {
        #expect(ending("a", ProcessExit(kind: .exited, status: 3), failed: true).words == "exited with status 3")
        #expect(ending("a", ProcessExit(kind: .exited, status: 0)).words == "exited with status 0")
        let limited = WaitOutcome.Ending(unit: "a", exit: ProcessExit(kind: .exited, status: 0), failed: true, result: .startLimitHit)
        #expect(limited.words == "exited with status 0, then failed (start-limit-hit)")
        #expect(ending("a", nil, failed: true).words == "failed")
        #expect(ending("a", nil).words == "had already ended")
    }
}
