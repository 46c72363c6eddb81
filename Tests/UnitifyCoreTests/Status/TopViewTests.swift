import Testing
@testable import UnitifyCore

@Suite struct TopViewTests {
    let rows = [
        TopRow(name: "web", state: "running", cpuPercent: 12.5, memoryBytes: 80 << 20, tasks: 3, restarts: 0, uptime: .seconds(3700), estimated: [.memory, .cpu, .tasks]),
        TopRow(name: "batch", state: "running", cpuPercent: 99.0, memoryBytes: 1 << 20, tasks: 1, restarts: 2, uptime: .seconds(5)),
        TopRow(name: "done", state: "exited"),
    ]

    @Test func oneFrameSortedByCPU() {
        #expect(TopView.frame(rows, sort: .cpu) == [
            "NAME   STATE    CPU%  MEMORY  TASKS  RESTARTS  UPTIME",
            "batch  running  99.0  1M      1      2         5.0s",
            "web    running  12.5  ~80M    ~3     0         1h 1min",
            "done   exited   -     -       -      0         -",
        ])
        #expect(TopView.frame(rows, sort: .cpu, live: true).last == TopView.estimateFootnote)
    }

    @Test func otherSortKeys() {
        func names(_ sort: TopSort) -> [String] {
            TopView.frame(rows, sort: sort).dropFirst().prefix(3).map { String($0.prefix { $0 != " " }) }
        }
        #expect(names(.memory) == ["web", "batch", "done"])
        #expect(names(.name) == ["batch", "done", "web"])
        #expect(names(.restarts) == ["batch", "done", "web"])
        #expect(names(.uptime) == ["web", "batch", "done"])
        #expect(names(.tasks) == ["web", "batch", "done"])
        #expect(TopSort(key: "m") == .memory)
        #expect(TopSort(key: "x") == nil)
        #expect(Set(TopSort.allCases.map(\.key)).count == TopSort.allCases.count)
    }

    @Test func theLiveFrameFitsTheTerminal() {
        let frame = TopView.frame(rows, sort: .name, live: true, width: 30, height: 5)
        #expect(frame[0] == "unitify top: 3 jobs, sorted b…")
        #expect(frame.count <= 5)
        #expect(frame.contains { $0.hasPrefix("… ") && $0.contains("more") })
        #expect(frame.allSatisfy { $0.count <= 30 })
        #expect(TopView.frame([], sort: .cpu) == ["no jobs: start one with 'unitify run -- COMMAND'"])
    }
}
