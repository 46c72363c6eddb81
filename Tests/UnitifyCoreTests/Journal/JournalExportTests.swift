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
