import Testing
@testable import UnitifyCore

@Suite struct TerminalMessageTests {
    @Test(arguments: [
        TerminalMessage.hello(.interactive, rows: 40, columns: 132), .hello(.watching, rows: 0, columns: 0),
        .hello(.sending, rows: 1, columns: 65535), .input(Array("say hi\r".utf8)), .input([]), .resize(rows: 50, columns: 200),
    ])
    func roundTrips(_ message: TerminalMessage) throws {
        var reader = TerminalMessage.Reader()
        let bytes = message.encoded
        // Byte by byte: nothing until the whole message has come.
        for byte in bytes.dropLast() {
            reader.append([byte])
            #expect(try reader.next() == nil)
        }
        reader.append([bytes.last!])
        #expect(try reader.next() == message)
        #expect(try reader.next() == nil)
    }

    @Test func twoMessagesInOneRead() throws {
        var reader = TerminalMessage.Reader()
        reader.append(TerminalMessage.hello(.sending, rows: 0, columns: 0).encoded + TerminalMessage.input([65]).encoded)
        #expect(try reader.next() == .hello(.sending, rows: 0, columns: 0))
        #expect(try reader.next() == .input([65]))
    }

    @Test(arguments: [[9, 0, 0, 0, 0], [1, 1, 0, 0, 0, 7], [1, 5, 0, 0, 0, 9, 0, 0, 0, 0], [2, 255, 255, 255, 127]] as [[UInt8]])
    func refusesWhatIsNotTheProtocol(_ bytes: [UInt8]) {
        var reader = TerminalMessage.Reader()
        reader.append(bytes)
        #expect(throws: UnitifyError.self) { try reader.next() }
    }
}
