import Foundation
import Glibc
import Testing
import UnitifyClient
import UnitifyCore

/// `--health` on the real manager: the checker left in the job restarts it after N failures in
/// a row, says so in the journal, and `status` shows the job's health; a passing check never
/// restarts it.
@Suite(.enabled(if: Live.enabled, Live.reason))
struct HealthTests {
    func pid(_ name: String) -> String? {
        unitify(["status", name, "-n", "0"]).stdout.split(separator: "\n").first { $0.contains("PID: ") }
            .map { String($0.split(separator: " ").last!) }
    }

    func healthLine(_ name: String) -> String {
        unitify(["status", name, "-n", "0"]).stdout.split(separator: "\n").first { $0.contains("Health: ") }.map(String.init) ?? ""
    }

    @Test func aFailingCheckRestartsTheJobAfterNFailuresInARow() throws {
        let name = uniqueName("unhealthy")
        let directory = makeTemporaryDirectory()
        defer { _ = unitify(["remove", name]); removeTree(directory) }
        let flag = directory + "/alive"
        FileManager.default.createFile(atPath: flag, contents: Data())
        let started = unitify(["run", "--name", name, "--health", "file:\(flag)", "--health-every", "1s", "--health-failures", "3", "--", "sleep", "600"])
        #expect(started.status == 0, "\(started.stderr)")
        #expect(eventually { healthLine(name).contains("Health: ok (file:\(flag), checked") }, "\(healthLine(name))")
        let first = try #require(pid(name))
        #expect(readFile("/proc/\(first)/comm") == "sleep\n", "the program is the job's main process")

        unlink(flag)
        #expect(eventually { healthLine(name).contains("Health: failing 1 of 3 in a row: \(flag): no such file or directory")
                || healthLine(name).contains("Health: failing 2 of 3 in a row: \(flag): no such file or directory") }, "\(healthLine(name))")
        #expect(eventually { pid(name).map { $0 != first } == true }, "restarted")
        let line = "unitify: health check file:\(flag) failed 3 times in a row (\(flag): no such file or directory): restarting"
        #expect(eventually { unitify(["journal", name, "-o", "cat"]).stdout.contains(line) }, "\(unitify(["journal", name, "-o", "cat"]).stdout)")

        // The check passes again: the job stays up, healthy.
        FileManager.default.createFile(atPath: flag, contents: Data())
        #expect(eventually { healthLine(name).contains("Health: ok (file:\(flag)") }, "\(healthLine(name))")
        let json = unitify(["status", name, "--json"]).stdout
        #expect(json.contains(#""check":"file:\#(flag)""#) || json.contains(#""check": "file:\#(flag)""#), "\(json)")
        #expect(json.contains(#""state":"ok""#) || json.contains(#""state": "ok""#), "\(json)")
    }

    @Test func aPassingHTTPCheckStaysOKAndNeverRestarts() throws {
        let name = uniqueName("healthy")
        let directory = makeTemporaryDirectory()
        defer { _ = unitify(["remove", name]); removeTree(directory) }
        let port = Int.random(in: 20_000...60_000)
        let started = unitify(["run", "--name", name, "-C", directory, "--health", "http://127.0.0.1:\(port)/", "--health-every", "1s", "--health-failures", "1",
                               "--", "/usr/bin/python3", "-m", "http.server", "--bind", "127.0.0.1", "\(port)"])
        #expect(started.status == 0, "\(started.stderr)")
        #expect(eventually { healthLine(name).contains("Health: ok (http://127.0.0.1:\(port)/, checked") }, "\(healthLine(name))")
        let first = try #require(pid(name))
        // Three more checks, read from the checker's own file, and every one passed.
        let runtime = try #require(ManagerLocation.current().runtimeDirectory)
        let file = runtime + "/unitify/health/" + name
        let since = try #require(HealthState(parsing: readFile(file))).checkedAt
        #expect(eventually { (HealthState(parsing: readFile(file))?.checkedAt ?? 0) >= since + 3 })
        var info = stat()
        #expect(stat(file, &info) == 0 && info.st_mode & 0o777 == 0o600)
        #expect(stat(runtime + "/unitify/health", &info) == 0 && info.st_mode & 0o777 == 0o700)
        #expect(HealthState(parsing: readFile(file))?.isOK == true)
        #expect(pid(name) == first)
        let status = unitify(["status", name, "-n", "0"]).stdout
        #expect(status.contains("Restarts: 0"), "\(status)")
        #expect(!unitify(["journal", name, "-o", "cat"]).stdout.contains("restarting"))
    }

    @Test func aBadCheckIsOneLineAndNothingStarts() {
        let name = uniqueName("badhealth")
        let refused = unitify(["run", "--name", name, "--health", "https://localhost/", "--", "sleep", "60"])
        #expect(refused.status == 2)
        #expect(refused.stderr == "unitify: --health https://localhost/: only plain http:// is checked (no TLS): give http://host[:port]/path, or a cmd: check\n")
        #expect(unitify(["status", name]).status != 0)
    }
}
