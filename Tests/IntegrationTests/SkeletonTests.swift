import Glibc
import Systemd
import Testing
import UnitifyClient
import UnitifyCore

/// The whole path on a real user manager and journald: run → status → journal → stop.
@Suite(.enabled(if: Live.enabled, Live.reason))
struct SkeletonTests {
    @Test func runStatusJournalStop() throws {
        let name = uniqueName("skeleton")
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let marker = "hello-\(name)"

        let started = unitify(["run", "--name", name, "--", "sh", "-c", "echo \(marker); echo \"cwd=$(pwd)\"; exec sleep 300"], in: directory)
        #expect(started.status == 0, "\(started.stderr)")
        #expect(started.stdout.contains("started \(name).service (pid "))

        // The status names the same PID systemd reports, and the job runs where the caller was.
        let manager = try Jobs.user()
        let live = try manager.status(of: "\(name).service")
        #expect(live.activeState == .active && live.subState == "running")
        #expect(live.mainPID > 0)
        #expect(started.stdout.contains("(pid \(live.mainPID))"))
        #expect(live.workingDirectory == directory)
        #expect(live.command == ["sh", "-c", "echo \(marker); echo \"cwd=$(pwd)\"; exec sleep 300"])

        let status = unitify(["status", name])
        #expect(status.status == 0)
        #expect(status.stdout.contains("State: running"))
        #expect(status.stdout.contains("PID: \(live.mainPID)"))

        let table = unitify(["status"])
        #expect(table.stdout.split(separator: "\n").contains { $0.hasPrefix(name + " ") && $0.contains("running") && $0.contains("\(live.mainPID)") })

        // journald may take a moment to store the line.
        var journal = Completed(status: -1, stdout: "", stderr: "")
        #expect(eventually {
            journal = unitify(["journal", name, "-o", "cat"])
            return journal.stdout.contains(marker)
        })
        #expect(journal.status == 0)
        #expect(journal.stdout.contains("cwd=\(directory)"))

        let stopped = unitify(["stop", name])
        #expect(stopped.status == 0, "\(stopped.stderr)")
        let after = try manager.status(of: "\(name).service")
        #expect(after.activeState != .active)
        #expect(unitify(["status", name]).status != 0)
    }

    @Test func restartsAreCounted() throws {
        let name = uniqueName("crashy")
        let started = unitify(["run", "--name", name, "--restart", "always", "--restart-sec", "200ms", "--check", "0", "--", "sh", "-c", "exit 3"])
        defer { _ = unitify(["stop", name]) }
        #expect(started.status == 0, "\(started.stderr)")
        let manager = try Jobs.user()
        var restarts: UInt32 = 0
        #expect(try eventually {
            restarts = try manager.status(of: "\(name).service").restarts
            return restarts >= 2
        }, "NRestarts stayed at \(restarts)")
    }

    @Test func missingProgramLeavesNothing() throws {
        let name = uniqueName("missing")
        let result = unitify(["run", "--name", name, "--", "no-such-program-\(name)"])
        #expect(result.status != 0)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.contains("not found on PATH"))
        #expect(result.stdout.isEmpty)
        let status = try Jobs.user().status(of: "\(name).service")
        #expect(status.loadState == .notFound)
    }

    @Test func nameClashIsAClearError() throws {
        let name = uniqueName("clash")
        #expect(unitify(["run", "--name", name, "--", "sleep", "300"]).status == 0)
        defer { _ = unitify(["stop", name]) }
        let second = unitify(["run", "--name", name, "--", "sleep", "300"])
        #expect(second.status != 0)
        #expect(second.stderr.contains("already running"))
    }

    @Test func journalMatchesOnlyTheUnit() throws {
        let name = uniqueName("solo")
        let similar = name + "-other"
        #expect(unitify(["run", "--name", name, "--", "sh", "-c", "echo mine; exec sleep 300"]).status == 0)
        #expect(unitify(["run", "--name", similar, "--", "sh", "-c", "echo theirs; exec sleep 300"]).status == 0)
        defer { _ = unitify(["stop", name, similar]) }
        // The other unit's line must be in the journal before its absence means anything.
        #expect(eventually { unitify(["journal", similar, "-n", "all", "-o", "cat"]).stdout.contains("theirs") })
        var lines = ""
        #expect(eventually {
            lines = unitify(["journal", name, "-n", "all", "-o", "cat"]).stdout
            return lines.contains("mine")
        })
        #expect(!lines.contains("theirs"))
    }
}
