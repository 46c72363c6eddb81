import Testing
@testable import UnitifyCore

@Suite struct DetachKeyTests {
    @Test(arguments: [("^\\", 0x1C), ("^A", 0x01), ("^a", 0x01), ("ctrl-b", 0x02), ("C-]", 0x1D), ("Ctrl+Z", 0x1A), ("^?", 0x7F)] as [(String, UInt8)])
    func parses(_ text: String, _ byte: UInt8) throws {
        #expect(try DetachKey.parse(text) == byte)
    }

    @Test func noneMeansNoKey() throws {
        #expect(try DetachKey.parse("none") == nil)
    }

    @Test(arguments: ["", "a", "^", "^ab", "ctrl-1", "F1", "^é"])
    func refusesWhatIsNoControlKey(_ text: String) {
        #expect(throws: UnitifyError.self) { try DetachKey.parse(text) }
    }

    @Test func namesTheKey() {
        #expect(DetachKey.name(DetachKey.standard) == "Ctrl-\\")
        #expect(DetachKey.name(0x01) == "Ctrl-A")
    }
}
