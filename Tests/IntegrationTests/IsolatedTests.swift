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
}

/// The package's root directory, from this file's path.
let packageRoot: String = {
    var path = Substring(#filePath)
    for _ in 0..<3 { path = path[..<(path.lastIndex(of: "/") ?? path.startIndex)] }
    return String(path)
}()
