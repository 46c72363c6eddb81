import Testing
@testable import UnitifyCore

/// `journal --run`: which slice of the journal each selection is.
@Suite struct RunSelectionTests {
    let runs: [(id: String, end: UInt64)] = [("a", 100), ("b", 200), ("c", 300)]

    @Test func boundsOfEachRun() throws {
        #expect(RunSelection.all.bounds(in: runs, currentID: nil).map { [$0.since, $0.until] } == [nil, nil])
        #expect(RunSelection.current.bounds(in: runs, currentID: nil).map { [$0.since, $0.until] } == [201, nil])
        #expect(RunSelection.previous.bounds(in: runs, currentID: nil).map { [$0.since, $0.until] } == [101, 200])
        // The manager's current run wins over the journal's last one.
        #expect(RunSelection.current.bounds(in: runs, currentID: "b").map { [$0.since, $0.until] } == [101, 200])
        #expect(RunSelection.previous.bounds(in: runs, currentID: "b").map { [$0.since, $0.until] } == [nil, 100])
        #expect(RunSelection.previous.bounds(in: runs, currentID: "a") == nil)
        #expect(RunSelection.current.bounds(in: [], currentID: nil) == nil)
        #expect(Format.alternatives(["a"]) == "a" && Format.alternatives(["a", "b", "c"]) == "a, b or c")
    }
}
