import Testing
@testable import UnitifyCore

@Suite struct JournalMatchTableTests {
    static func entry(_ fields: [(String, String)]) -> JournalExportReader.Entry {
        JournalExportReader.Entry(fields: fields.map { ($0.0, Array($0.1.utf8)) })
    }

    @Test func groupsMatchAsSDJournalDoes() {
        let groups = JournalMatchTable.groups(units: ["web.service"], uid: 1000, system: false)
        #expect(groups.map(\.kind) == [.own, .own, .about, .about, .about])
        let output = Self.entry([("_SYSTEMD_USER_UNIT", "web.service"), ("_UID", "1000"), ("MESSAGE", "hi")])
        let otherUser = Self.entry([("_SYSTEMD_USER_UNIT", "web.service"), ("_UID", "1001")])
        let coredump = Self.entry([("COREDUMP_USER_UNIT", "web.service"), ("_UID", "0")])
        let elsewhere = Self.entry([("_SYSTEMD_USER_UNIT", "db.service"), ("_UID", "1000")])
        #expect(groups[0].matches(output) && !groups[1].matches(output))
        #expect(!groups.contains { $0.matches(otherUser) })
        #expect(groups[4].matches(coredump) && !groups[0].matches(coredump))
        #expect(!groups.contains { $0.matches(elsewhere) })
    }

    @Test func noUnitsMeansUnitifysSlice() {
        #expect(JournalMatchTable.groups(units: [], uid: 5, system: false) == [JournalMatchGroup(.own, ["_SYSTEMD_USER_SLICE=\(UnitSpec.slice)", "_UID=5"])])
        #expect(JournalMatchTable.groups(units: [], uid: 5, system: true) == [JournalMatchGroup(.own, ["_SYSTEMD_SLICE=\(UnitSpec.slice)"])])
        #expect(JournalMatchTable.groups(units: ["a.service"], uid: 0, system: true).first == JournalMatchGroup(.own, ["_SYSTEMD_UNIT=a.service"]))
    }

    @Test func startsAndFiltersAreJournalctlsOwn() {
        let tail = RemoteJournalCommand.arguments(units: ["web.service"], uid: 1000, start: .lastLines(5), follow: false,
                                                  filters: .init(since: 1_700_000_000_000_042, until: 1_700_000_100_500_000, maxPriority: 3))
        #expect(Array(tail[4..<8]) == ["--lines=5", "--since=@1700000000.000042", "--until=@1700000100.500000", "--priority=3"])
        let at = RemoteJournalCommand.arguments(units: [], uid: 1000, start: .at(cursor: "s=1"), follow: true, filters: .init(since: 9))
        #expect(Array(at[4..<6]) == ["--cursor=s=1", "--follow"] && !at.contains { $0.hasPrefix("--since") })
    }
}
