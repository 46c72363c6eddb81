import Glibc
import Testing
@testable import UnitifyClient
import UnitifyCore

/// A read on another host that fails is an error, never "no file": the guard against
/// overwriting a hand-written unit file, and every decision to write or remove, rest on it.
extension RemoteTests {
    /// The same directory read through a host that answers, then through one ssh cannot reach
    /// (a loopback port where nothing listens): the second says it could not read.
    @Test func aReadThatFailsThereIsAnErrorNotAnAbsence() throws {
        let server = try TestSSHServer(runtimeDirectory: Self.runtimeDirectory)
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        try server.write("[Service]\nExecStart=/bin/true\n", to: directory + "/handmade.service")
        try server.write("not a record", to: directory + "/job.service")
        #expect(try RemoteUnitFiles(shell: RemoteShell(connection: server.connection()), directory: directory).isForeign("handmade.service"))

        var closed = server.port &+ 1
        while run(["sh", "-c", "ss -ltn 'sport = :\(closed)' | grep -q LISTEN"]).status == 0 { closed &+= 1 }
        let shell = RemoteShell(connection: server.connection(port: closed))
        let files = RemoteUnitFiles(shell: shell, directory: directory)
        let records = RemoteJobRecords(shell: shell, directory: directory)
        func failsToRead(_ error: any Error) -> Bool {
            "\(error)".hasPrefix("127.0.0.1:\(closed): cannot ") && "\(error)".contains("refused the connection")
        }
        #expect(performing: { _ = try files.isForeign("handmade.service") }, throws: failsToRead)
        #expect(performing: { _ = try files.read("handmade.service") }, throws: failsToRead)
        #expect(performing: { _ = try files.exists("handmade.service") }, throws: failsToRead)
        #expect(performing: { _ = try files.generatedUnits() }, throws: failsToRead)
        #expect(performing: { _ = try records.exists("job.service") }, throws: failsToRead)
        #expect(performing: { _ = try records.units() }, throws: failsToRead)
        #expect(performing: { _ = try records.readAll(["job.service"]) }, throws: failsToRead)
        #expect(performing: { _ = try shell.readAll([directory + "/handmade.service"]) }, throws: failsToRead)
    }
}
