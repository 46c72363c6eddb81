import Testing
@testable import UnitifyCore

@Suite struct TimeSpanTests {
    @Test(arguments: [
        ("500ms", 500_000), ("2s", 2_000_000), ("2", 2_000_000), ("1min 30s", 90_000_000), ("1min30s", 90_000_000),
        ("1m", 60_000_000), ("1h", 3_600_000_000), ("1.5s", 1_500_000), ("200ms", 200_000), ("10us", 10),
        ("1d", 86_400_000_000), ("2 min", 120_000_000), ("1hour 1sec", 3_601_000_000), ("0", 0),
    ] as [(String, UInt64)])
    func parses(_ text: String, _ microseconds: UInt64) throws {
        #expect(try TimeSpan(parsing: text).microseconds == microseconds)
    }

    @Test(arguments: ["", "abc", "5x", "5sx", "-1s", "1..2s", "s", "1 parsec", "5 5 x"])
    func refuses(_ text: String) {
        #expect(throws: UnitifyError.self) { try TimeSpan(parsing: text) }
    }

    @Test func errorNamesTheInputAndTheForms() {
        #expect(throws: TimeSpan.invalid("soon")) { try TimeSpan(parsing: "soon") }
        #expect(TimeSpan.invalid("soon").message.contains("500ms"))
    }

    @Test func prints() {
        #expect(TimeSpan(microseconds: 90_000_000).description == "1min 30s")
        #expect(TimeSpan.milliseconds(200).description == "200ms")
        #expect(TimeSpan.infinity.description == "infinity")
        #expect(TimeSpan.milliseconds(1_234).short == "1.2s")
        #expect(TimeSpan.seconds(3_725).short == "1h 2min")
        #expect(TimeSpan.seconds(45).short == "45s")
    }
}
