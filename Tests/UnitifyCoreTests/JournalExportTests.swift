import Testing
@testable import UnitifyCore

@Suite struct JournalExportTests {
    /// An entry as `journalctl -o export` writes it: text fields, then a binary one.
    static func sample(cursor: String, message: [UInt8]) -> [UInt8] {
        var bytes = Array("__CURSOR=\(cursor)\n__REALTIME_TIMESTAMP=1764626400000000\n_SYSTEMD_USER_UNIT=web.service\n".utf8)
        bytes += Array("MESSAGE\n".utf8)
        var size = UInt64(message.count)
        for _ in 0..<8 {
            bytes.append(UInt8(size & 0xff))
            size >>= 8
        }
        bytes += message + [10]
        bytes += Array("PRIORITY=6\n\n".utf8)
        return bytes
    }

    @Test func readsTextAndBinaryFields() throws {
        var reader = JournalExportReader()
        let multiLine = Array("line one\nline two\u{0}with a NUL".utf8)
        let entries = try reader.feed(Self.sample(cursor: "s=1;i=1", message: multiLine))
        #expect(entries.count == 1)
        #expect(entries[0].cursor == "s=1;i=1")
        #expect(entries[0].realtime == 1_764_626_400_000_000)
        #expect(entries[0]["MESSAGE"] == multiLine)
        #expect(entries[0].string("PRIORITY") == "6")
        #expect(entries[0].fields.map(\.name) == ["__CURSOR", "__REALTIME_TIMESTAMP", "_SYSTEMD_USER_UNIT", "MESSAGE", "PRIORITY"])
        #expect(!reader.hasPartialEntry)
    }

    @Test func valueWithEqualsSignAndRepeatedFieldsAreKept() throws {
        var reader = JournalExportReader()
        let entries = try reader.feed(Array("A=x=y\nTAG=1\nTAG=2\nEMPTY=\n\n".utf8))
        #expect(entries.count == 1)
        #expect(entries[0].string("A") == "x=y")
        #expect(entries[0].fields.filter { $0.name == "TAG" }.map { String(decoding: $0.value, as: UTF8.self) } == ["1", "2"])
        #expect(entries[0]["EMPTY"] == [])
    }

    /// ssh hands over bytes in pieces of any size: every split point gives the same entries.
    @Test func piecesOfAnySizeGiveTheSameEntries() throws {
        let stream = Self.sample(cursor: "a", message: Array(repeating: 0xff, count: 300)) + Self.sample(cursor: "b", message: [10, 10, 10])
        var whole = JournalExportReader()
        let expected = try whole.feed(stream)
        #expect(expected.map(\.cursor) == ["a", "b"])
        for split in 0...stream.count {
            var reader = JournalExportReader()
            let got = try reader.feed(stream[..<split]) + reader.feed(stream[split...])
            #expect(got == expected, "split at \(split)")
        }
        for size in [1, 3, 7, 64] {
            var reader = JournalExportReader()
            var got: [JournalExportReader.Entry] = []
            var index = 0
            while index < stream.count {
                got += try reader.feed(stream[index..<min(index + size, stream.count)])
                index += size
            }
            #expect(got == expected, "pieces of \(size)")
        }
    }

    @Test func aCutEntryIsPendingNotLost() throws {
        var reader = JournalExportReader()
        let stream = Self.sample(cursor: "a", message: Array("hello".utf8))
        #expect(try reader.feed(stream.dropLast(3)).isEmpty)
        #expect(reader.hasPartialEntry)
        #expect(try reader.feed(stream.suffix(3)).map(\.cursor) == ["a"])
    }

    @Test func refusesWhatIsNotTheExportFormat() {
        var reader = JournalExportReader()
        // A binary field whose data is not followed by a newline.
        var bytes = Array("MESSAGE\n".utf8) + [2, 0, 0, 0, 0, 0, 0, 0] + Array("hiX\n\n".utf8)
        #expect(throws: JournalExportReader.FormatError.self) { _ = try reader.feed(bytes) }
        var huge = JournalExportReader()
        bytes = Array("MESSAGE\n".utf8) + [0, 0, 0, 0, 0, 1, 0, 0] + Array("x\n".utf8)
        #expect(throws: JournalExportReader.FormatError.self) { _ = try huge.feed(bytes) }
    }
}

@Suite struct RemoteJournalCommandTests {
    @Test func matchesAsUnitifyDoesLocally() {
        let words = RemoteJournalCommand.arguments(units: ["web.service"], uid: 1000, lines: 50, follow: false, afterCursor: nil)
        #expect(words.prefix(5) == ["journalctl", "--no-pager", "--quiet", "--output=export", "--lines=50"])
        let groups = words.dropFirst(5).split(separator: "+").map(Array.init)
        #expect(groups == [
            ["_SYSTEMD_USER_UNIT=web.service", "_UID=1000"],
            ["SYSLOG_IDENTIFIER=web", "_UID=1000"],
            ["USER_UNIT=web.service", "_UID=1000"],
            ["OBJECT_SYSTEMD_USER_UNIT=web.service", "_UID=1000", "_UID=0"],
            ["COREDUMP_USER_UNIT=web.service", "_UID=1000", "_UID=0"],
        ])
    }

    @Test func resumesAfterACursorInsteadOfCountingLines() {
        let words = RemoteJournalCommand.arguments(units: [], uid: 0, lines: 10, follow: true, afterCursor: "s=ab;i=9")
        #expect(words == ["journalctl", "--no-pager", "--quiet", "--output=export", "--after-cursor=s=ab;i=9", "--follow",
                          "_SYSTEMD_USER_SLICE=\(UnitSpec.slice)", "_UID=0"])
    }
}

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
