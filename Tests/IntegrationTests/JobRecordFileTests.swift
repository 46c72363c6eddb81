import Foundation
import Glibc
import Testing
import UnitifyClient
import UnitifyCore

/// The records of transient jobs, on disk: no manager needed.
@Suite struct JobRecordFileTests {
    let spec = UnitSpec(name: "r.service", argv: ["sleep", "1"], executable: "/bin/sleep", workingDirectory: "/", environment: ["SECRET=x"])

    @Test func writtenPrivatelyAndWhole() throws {
        let base = makeTemporaryDirectory()
        defer { removeTree(base) }
        let records = JobRecordDirectory(beside: base + "/unitify")
        #expect(try records.read("r.service") == nil)
        try records.write(JobRecord(spec: spec))
        var changed = spec
        changed.argv = ["sleep", "2"]
        try records.write(JobRecord(spec: changed))
        #expect(try records.read("r.service") == JobRecord(spec: changed))
        #expect(records.units() == ["r.service"])
        var info = stat()
        #expect(stat(records.path("r.service"), &info) == 0 && info.st_mode & 0o777 == 0o600)
        #expect(stat(records.directory, &info) == 0 && info.st_mode & 0o777 == 0o700)
        #expect(stat(base + "/unitify", &info) == 0 && info.st_mode & 0o777 == 0o700)
        #expect(directoryEntries(records.directory) == ["r.service"])
        try records.remove("r.service")
        try records.remove("r.service")
        #expect(try records.read("r.service") == nil)
    }

    @Test func neverThroughASymbolicLink() throws {
        let base = makeTemporaryDirectory()
        defer { removeTree(base) }
        let records = JobRecordDirectory(beside: base + "/unitify")
        try records.write(JobRecord(spec: spec))
        // A link at the record's name is replaced, not followed.
        let target = base + "/elsewhere"
        _ = spawnAndWait(["sh", "-c", "echo original > \(target); ln -sf \(target) \(records.path("r.service"))"])
        #expect(throws: (any Error).self) { try records.read("r.service") }
        try records.write(JobRecord(spec: spec))
        #expect(readFile(target) == "original\n")
        #expect(try records.read("r.service") == JobRecord(spec: spec))
        // A link for the directory is refused.
        let linked = JobRecordDirectory(beside: base + "/linked")
        _ = spawnAndWait(["ln", "-s", base + "/unitify", base + "/linked"])
        #expect(throws: (any Error).self) { try linked.write(JobRecord(spec: spec)) }
    }
}
