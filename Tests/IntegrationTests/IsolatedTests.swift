import Glibc
import Systemd
import Testing
import UnitifyClient
import UnitifyCore

/// Tests that disturb every other test (a journal flood past the shared rate limit, a restart of
/// the manager): run alone and in order, in a session of their own (see the Makefile).
@Suite(.serialized, .enabled(if: Live.enabled && getenv("UNITIFY_ISOLATED_TESTS") != nil, "run by 'make test' in a session of its own"))
struct IsolatedTests {
    @Test(.enabled(if: getenv("UNITIFY_SESSION_DIR") != nil, "restarts only the private manager of scripts/user-session"))
    func enabledUnitComesBackAfterAManagerRestart() throws {
        let name = uniqueName("reboot")
        #expect(unitify(["run", "--persistent", "--name", name, "--", "sleep", "300"]).status == 0)
        defer { _ = unitify(["uninstall", name]) }
        let before = try Jobs.user().status(of: "\(name).service").mainPID
        let restart = run(["scripts/user-session", "restart-manager"], in: packageRoot)
        #expect(restart.status == 0, "\(restart.stderr)")
        let after = try Jobs.user().status(of: "\(name).service")
        #expect(after.isRunning)
        #expect(after.mainPID != before && after.mainPID != 0)
    }

    /// A persistent job whose files went without a daemon-reload, while the manager still holds
    /// the stopped unit (default.target wants it since the last reload): no job for `status`, and
    /// so none for `remove --ended`, which would otherwise say "removed" at every call and leave it.
    /// (Seen on systemd 257 and 262 hosts after `remove --host`.)
    @Test func aUnitWhoseFilesAreGoneIsNoEndedJob() throws {
        let name = uniqueName("held")
        #expect(unitify(["run", "--persistent", "--check", "0", "--name", name, "--", "sleep", "300"]).status == 0)
        #expect(run(["systemctl", "--user", "daemon-reload"]).status == 0)
        #expect(run(["systemctl", "--user", "stop", name + ".service"]).status == 0)
        let directory = (try? UnitFileDirectory.user().directory) ?? ""
        for path in ["\(directory)/\(name).service", "\(directory)/default.target.wants/\(name).service"] { unlink(path) }
        defer { _ = run(["systemctl", "--user", "daemon-reload"]) }
        let held = try Jobs.user().status(of: "\(name).service")
        try #require(held.loadState == .loaded && held.isDown, "the manager let go of it: nothing to show (\(held))")

        #expect(!unitify(["status"]).stdout.contains(name))
        let ended = unitify(["remove", "--ended"])
        #expect(ended.status == 0 && !ended.stdout.contains("removed \(name)"), "\(ended.stdout)\(ended.stderr)")
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
}

/// The package's root directory, from this file's path.
let packageRoot: String = {
    var path = Substring(#filePath)
    for _ in 0..<3 { path = path[..<(path.lastIndex(of: "/") ?? path.startIndex)] }
    return String(path)
}()
