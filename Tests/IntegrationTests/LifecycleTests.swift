import Foundation
import Glibc
import Testing
import UnitifyClient
import UnitifyCore

/// The whole life of a job against the real manager: restart, start, kill, wait, remove, exit
/// hooks, /proc accounting, top.
@Suite(.enabled(if: Live.enabled, Live.reason))
struct LifecycleTests {
    struct Record: Decodable {
        var state: String
        var pid: UInt32?
        var memory_bytes: UInt64?
        var tasks: UInt64?
        var estimated: [String]
        var on_failure: String?
    }

    func record(_ name: String) throws -> Record {
        let result = unitify(["status", name, "--json", "-n", "0"])
        let records = try JSONDecoder().decode([Record].self, from: Data(result.stdout.utf8))
        return try #require(records.first, "\(result.stdout)\(result.stderr)")
    }

    /// A job that logs its pid and PORT at every start into `seen.log`, then waits for signals.
    func startLoggingJob(_ name: String, in directory: String, _ options: [String] = []) -> Completed {
        unitify(["run", "--name", name, "--check", "0", "--log-file", directory + "/seen.log"] + options
                + ["--", "sh", "-c", "echo \"start pid=$$ port=$PORT dir=$(pwd) x=$X\"; trap 'echo got USR1' USR1; while :; do sleep 0.1; done"],
                in: directory)
    }

    @Test func restartMakesANewProcessAndAChangedOptionReachesTheJob() throws {
        let name = uniqueName("restart")
        let directory = makeTemporaryDirectory()
        defer { _ = unitify(["remove", name]); removeTree(directory) }
        #expect(startLoggingJob(name, in: directory, ["-e", "PORT=8080"]).status == 0)
        let before = try #require(try record(name).pid)

        let plain = unitify(["restart", name, "--check", "0"])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stdout.hasPrefix("restarted \(name).service (pid "), "\(plain.stdout)")
        let middle = try #require(try record(name).pid)
        #expect(middle != before)

        let changed = unitify(["restart", name, "--restart", "always", "-e", "PORT=9090"])
        #expect(changed.status == 0, "\(changed.stderr)")
        let after = try #require(try record(name).pid)
        #expect(after != middle)
        #expect(eventually { readFile(directory + "/seen.log").contains("start pid=\(after) port=9090 dir=\(directory)") }, "\(readFile(directory + "/seen.log"))")
        #expect(readFile(directory + "/seen.log").contains("start pid=\(before) port=8080"))
        #expect(unitify(["status", name, "-n", "0"]).stdout.contains("Restart: always"))
    }

    @Test func startAfterStopRunsTheSameCommandDirectoryAndEnvironment() throws {
        let name = uniqueName("again")
        let directory = makeTemporaryDirectory()
        defer { _ = unitify(["remove", name]); removeTree(directory) }
        #expect(startLoggingJob(name, in: directory, ["-e", "X=kept value", "-e", "PORT=1"]).status == 0)
        #expect(unitify(["stop", name]).status == 0)
        // Stopped, not forgotten.
        #expect(try record(name).state == "stopped")
        let row = unitify(["status"]).stdout.split(separator: "\n").first { $0.hasPrefix(name + " ") } ?? ""
        #expect(row.contains("stopped") && row.contains("transient"), "\(row)")
        #expect(unitify(["status", name]).status == 3)

        let started = unitify(["start", name, "--check", "0"], in: "/")
        #expect(started.status == 0, "\(started.stderr)")
        let pid = try #require(try record(name).pid)
        #expect(eventually { readFile(directory + "/seen.log").contains("start pid=\(pid) port=1 dir=\(directory) x=kept value") }, "\(readFile(directory + "/seen.log"))")
        #expect(unitify(["start", name]).stdout.contains("already running"))

        // The record is private to the user and gone with remove.
        let records = JobRecordDirectory(beside: ManagerScope.user.lockDirectory)
        var info = stat()
        #expect(stat(records.path(name + ".service"), &info) == 0 && info.st_mode & 0o777 == 0o600)
        #expect(stat(records.directory, &info) == 0 && info.st_mode & 0o777 == 0o700)
        #expect(unitify(["remove", name]).status == 0)
        #expect(access(records.path(name + ".service"), F_OK) != 0)
        #expect(unitify(["status", name]).status == 4)
    }

    @Test func killSendsTheSignalTheJobTraps() throws {
        let name = uniqueName("kill")
        let directory = makeTemporaryDirectory()
        defer { _ = unitify(["remove", name]); removeTree(directory) }
        #expect(startLoggingJob(name, in: directory).status == 0)
        let pid = try record(name).pid
        #expect(eventually { readFile(directory + "/seen.log").contains("start pid=") })
        let killed = unitify(["kill", name, "--signal", "usr1", "--main"])
        #expect(killed.status == 0, "\(killed.stderr)")
        #expect(killed.stdout == "sent SIGUSR1 to the main process of \(name)\n")
        #expect(eventually { readFile(directory + "/seen.log").contains("got USR1") })
        #expect(try record(name).pid == pid)
        #expect(try record(name).state == "running")

        #expect(unitify(["kill", name, "--signal", "SIGTERM"]).status == 0)
        #expect(eventually { (try? record(name).state) != "running" })
    }

    @Test func waitExitsWithTheStatusOfTheFirstToFail() throws {
        let ok = uniqueName("waitok")
        let bad = uniqueName("waitbad")
        let slow = uniqueName("waitslow")
        defer { for name in [ok, bad, slow] { _ = unitify(["remove", name]) } }
        #expect(unitify(["run", "--name", ok, "--check", "0", "--", "sh", "-c", "sleep 0.6"]).status == 0)
        #expect(unitify(["run", "--name", bad, "--check", "0", "--", "sh", "-c", "sleep 0.3; exit 7"]).status == 0)
        let waited = unitify(["wait", ok, bad])
        #expect(waited.status == 7, "\(waited.stderr)")
        #expect(waited.stderr.contains("\(bad) exited with status 7"))
        #expect(unitify(["wait", ok, "-q"]).status == 0)

        #expect(unitify(["run", "--name", slow, "--check", "0", "--", "sleep", "300"]).status == 0)
        let start = monotonicNow()
        let timedOut = unitify(["wait", slow, "--timeout", "300ms"])
        #expect(timedOut.status == 124, "\(timedOut.stderr)")
        #expect(monotonicNow() - start < 5_000_000)
        #expect(try record(slow).state == "running")
    }

    @Test func onFailureAndOnExitRunWithTheJobsResult() throws {
        let name = uniqueName("hook")
        let done = uniqueName("hookok")
        let directory = makeTemporaryDirectory()
        defer { for job in [name, done] { _ = unitify(["remove", job]) }; removeTree(directory) }
        let line = "echo \"$UNITIFY_JOB $MONITOR_SERVICE_RESULT $MONITOR_EXIT_CODE $MONITOR_EXIT_STATUS\" >> \(directory)/hooks.log"
        let started = unitify(["run", "--name", name, "--check", "0", "--on-failure", line, "--", "sh", "-c", "sleep 0.2; exit 3"])
        #expect(started.status == 0, "\(started.stderr)")
        #expect(unitify(["wait", name]).status == 3)
        #expect(eventually { readFile(directory + "/hooks.log").contains("\(name) exit-code exited 3\n") }, "\(readFile(directory + "/hooks.log"))")
        #expect(try record(name).on_failure == line)
        #expect(unitify(["status", name, "-n", "0"]).stdout.contains("On failure: \(line)"))

        #expect(unitify(["run", "--name", done, "--check", "0", "--on-exit", line, "--", "true"]).status == 0)
        #expect(eventually { readFile(directory + "/hooks.log").contains("\(done) success exited 0\n") }, "\(readFile(directory + "/hooks.log"))")
        // Removing the job removes its hook units.
        #expect(unitify(["remove", name]).status == 0)
        #expect(access(ManagerScope.user.runtimeUnitFiles.path("\(name)-on-failure.service"), F_OK) != 0)
    }

    @Test func memoryOfAJobIsWithinTwentyPercentOfWhatItAllocated() throws {
        let name = uniqueName("memory")
        defer { _ = unitify(["remove", name]) }
        let allocate = "import time, sys; b = bytearray(80 << 20)\nfor i in range(0, len(b), 4096): b[i] = 1\nprint('ready'); sys.stdout.flush(); time.sleep(300)"
        #expect(unitify(["run", "--name", name, "--check", "0", "--", "python3", "-c", allocate]).status == 0)
        #expect(eventually { unitify(["journal", name, "-o", "cat", "-n", "5"]).stdout.contains("ready") })
        let seen = try record(name)
        let bytes = Double(try #require(seen.memory_bytes))
        let allocated = Double(80 << 20)
        #expect(abs(bytes - allocated) / allocated <= 0.2, "memory \(bytes) for \(allocated) allocated")
        #expect((seen.tasks ?? 0) >= 1)

        let top = unitify(["top", "--once", "--interval", "200ms"])
        #expect(top.status == 0, "\(top.stderr)")
        let lines = top.stdout.split(separator: "\n").map(String.init)
        let header: [String] = (lines.first ?? "").split(separator: " ").map(String.init)
        #expect(header == ["NAME", "STATE", "CPU%", "MEMORY", "TASKS", "RESTARTS", "UPTIME"])
        let row = try #require(lines.first { $0.hasPrefix(name + " ") }, "\(top.stdout)")
        #expect(row.split(separator: " ").count == TopView.columns.count, "\(row)")
        #expect(row.contains("running"))
        // Where the manager reports no memory, the estimate is marked.
        if seen.estimated.contains("memory") {
            #expect(row.contains("~9") || row.contains("~8"), "\(row)")
            // The legend is for a terminal: a pipe gets one line per job.
            #expect(!top.stdout.contains(TopView.estimateFootnote))
            #expect(unitify(["status", name, "-n", "0"]).stdout.contains("estimated from /proc"))
        }
        // Not a terminal: no escape sequences.
        #expect(!top.stdout.contains("\u{1B}"))
    }

    /// A timer job whose service has not run: stopping its timer lets the manager unload the
    /// service at once, so remove finds nothing to stop there, and must still forget the job.
    @Test func removeOfATimerJobThatHasNotFired() throws {
        let name = uniqueName("timer")
        defer { _ = unitify(["remove", name]) }
        #expect(unitify(["run", "--name", name, "--on-active", "1h", "--", "echo", "tick"]).status == 0)
        #expect(unitify(["status", name, "-n", "0"]).stdout.contains("waiting for timer"))
        let removed = unitify(["remove", name])
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(removed.stdout.trimmed == "removed \(name)", "\(removed.stdout)")
        #expect(!unitify(["status"]).stdout.lines.contains { $0.hasPrefix(name + " ") }, "removed, yet listed")
        #expect(unitify(["status", name]).status == 4)
    }

    @Test func unknownJobsAndBadInputChangeNothing() throws {
        let missing = uniqueName("nosuch")
        for command in [["restart", missing], ["start", missing], ["kill", missing], ["wait", missing], ["remove", missing], ["journal", missing]] {
            let result = unitify(command)
            #expect(result.status == 4, "\(command): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains("no unit named \(missing)"), "\(command): \(result.stderr)")
        }

        let name = uniqueName("badlife")
        defer { _ = unitify(["remove", name]) }
        #expect(unitify(["run", "--name", name, "--check", "0", "--", "sleep", "300"]).status == 0)
        let pid = try record(name).pid
        let bad: [([String], String)] = [
            (["kill", name, "--signal", "FOO"], "invalid signal 'FOO'"),
            (["kill", name, "-s", "0"], "invalid signal '0'"),
            (["restart", name, "--restart", "sometimes"], "The value 'sometimes' is invalid for '--restart <restart>'"),
            (["restart", name, "--on-calendar", "daily"], "--on-calendar does not apply to restart"),
            (["restart", name, "--line", "x"], "nknown option '--line'"),
            (["restart", name, "-C", "/no/such/dir"], "does not exist"),
            (["restart", name, "--check", "soon"], "soon"),
            (["restart", name, missing], "no unit named \(missing)"),
            (["kill", name, missing], "no unit named \(missing)"),
            (["remove"], "name the jobs to remove, or give --ended"),
            (["remove", "--ended", name], "give no names"),
            (["wait", name, "--timeout", "later"], "later"),
            (["top", "--sort", "size"], "invalid --sort 'size'"),
            (["top", "--interval", "1ms"], "--interval"),
            (["run", "--name", name + "x", "--on-failure", " ", "--", "true"], "--on-failure needs a shell command"),
            (["run", "--persistent", "--name", name + "x", "--on-exit", "true", "--", "true"], "for transient jobs"),
        ]
        for (command, expect) in bad {
            let result = unitify(command)
            #expect(result.status != 0, "\(command)")
            #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains(expect), "\(command): \(result.stderr)")
        }
        // Nothing changed: the same process runs, and nothing of name+x was left.
        #expect(try record(name).pid == pid)
        #expect(try record(name).state == "running")
        #expect(unitify(["status", name + "x"]).status == 4)
    }
}
