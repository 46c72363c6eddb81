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

extension IsolatedTests {
    /// Restart with options rewrites a persistent job's unit file, and the daemon-reload that
    /// follows re-reads every transient unit (which systemd 252 does not leave as it was, see
    /// `Jobs.enableAndStart`) and races other tests' installs: isolated.
    @Test func persistentJobsRestartStartAndRemove() throws {
        let name = uniqueName("plife")
        let directory = makeTemporaryDirectory()
        let files = try UnitFileDirectory.user()
        defer { _ = unitify(["remove", name]); removeTree(directory) }
        #expect(unitify(["run", "--persistent", "--name", name, "--check", "0", "--log-file", directory + "/seen.log", "--",
                         "sh", "-c", "echo \"start port=$PORT\"; exec sleep 300"]).status == 0)
        #expect(unitify(["stop", name]).status == 0)
        let over = unitify(["run", "--name", name, "--", "sleep", "1"])
        #expect(over.status == 1)
        #expect(over.stderr.contains("is installed and stopped: 'unitify start \(name)' starts it"), "\(over.stderr)")
        #expect(unitify(["start", name, "--check", "0"]).status == 0)
        #expect(try LifecycleTests().record(name).state == "running")
        let restarted = unitify(["restart", name, "-e", "PORT=7070"])
        #expect(restarted.status == 0, "\(restarted.stderr)")
        #expect(readFile(files.path("\(name).service")).contains("Environment=\"PORT=7070\""))
        #expect(eventually { readFile(directory + "/seen.log").contains("start port=7070") }, "\(readFile(directory + "/seen.log"))")
        #expect(unitify(["remove", name]).status == 0)
        #expect(access(files.path("\(name).service"), F_OK) != 0)
    }

    /// `remove --ended` forgets every ended job of the manager: isolated, so that it takes no
    /// other test's jobs.
    @Test func removeEndedForgetsEveryEndedJobAndNothingElse() throws {
        let exited = uniqueName("endedok")
        let failed = uniqueName("endedbad")
        let stopped = uniqueName("endedstop")
        let running = uniqueName("endedrun")
        defer { for name in [exited, failed, stopped, running] { _ = unitify(["remove", name]) } }
        #expect(unitify(["run", "--name", exited, "--check", "0", "--", "true"]).status == 0)
        #expect(unitify(["run", "--name", failed, "--check", "0", "--", "false"]).status == 0)
        #expect(unitify(["run", "--name", stopped, "--check", "0", "--", "sleep", "300"]).status == 0)
        #expect(unitify(["run", "--name", running, "--check", "0", "--", "sleep", "300"]).status == 0)
        #expect(unitify(["stop", stopped]).status == 0)
        _ = unitify(["wait", exited, failed])
        let removed = unitify(["remove", "--ended"])
        #expect(removed.status == 0, "\(removed.stderr)")
        for name in [exited, failed, stopped] { #expect(removed.stdout.contains("removed \(name)\n"), "\(removed.stdout)") }
        #expect(!removed.stdout.contains(running))
        let table = unitify(["status"]).stdout
        #expect(table.contains(running))
        for name in [exited, failed, stopped] { #expect(!table.contains(name)) }
    }

}
