import Glibc
import Synchronization
import Testing
@testable import UnitifyClient

@Suite struct FleetPoolTests {
    /// How many bodies run at once, and the most that ever did.
    final class InFlight: Sendable {
        private let counts = Mutex<(now: Int, most: Int)>((0, 0))

        func enter() { counts.withLock { $0.now += 1; $0.most = max($0.most, $0.now) } }
        func leave() { counts.withLock { $0.now -= 1 } }
        var most: Int { counts.withLock { $0.most } }
    }

    /// A fleet of 100 hosts reached 8 at once: never more than 8 in flight, every index done
    /// once, and the results in the order of the indices, however long each took.
    @Test func aBoundedPoolKeepsItsBoundAndTheOrder() {
        let inFlight = InFlight()
        let results = inParallel(100, atMost: 8) { index in
            inFlight.enter()
            defer { inFlight.leave() }
            usleep(UInt32((index * 7919) % 5 + 1) * 1000)  // uneven: later ones finish first at times
            return index * 2
        }
        #expect(results == (0..<100).map { $0 * 2 })
        #expect(inFlight.most <= 8)
    }

    /// One index that hangs holds one worker: the others go on through the rest.
    @Test func aSlowIndexHoldsOnlyItsOwnWorker() {
        let results = inParallel(20, atMost: 2) { index -> Int in
            if index == 0 { usleep(300_000) }
            return index
        }
        #expect(results == Array(0..<20))
    }

    /// No bound (the follows of a journal) runs every index at once; a bound of more than the
    /// indices, and none at all, are served.
    @Test func withoutABoundEveryIndexRunsAtOnce() {
        let inFlight = InFlight()
        let results = inParallel(12) { index in
            inFlight.enter()
            defer { inFlight.leave() }
            // Each waits for all the others to be in flight (a deadline a loaded machine does not reach).
            let deadline = time(nil) + 30
            while inFlight.most < 12 && time(nil) < deadline { usleep(1000) }
            return index
        }
        #expect(results == Array(0..<12))
        #expect(inFlight.most == 12)
        #expect(inParallel(3, atMost: 64) { $0 } == [0, 1, 2])
        #expect(inParallel(0, atMost: 4) { $0 } == [])
    }
}
