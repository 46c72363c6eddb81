import Glibc
import Systemd
import Testing
import UnitifyClient
import UnitifyCore

/// `--restart-sec MIN..MAX` on the real user manager: what the manager does with it (on the
/// private manager, systemd 252: every MIN, said in a note, never given up), what survives
/// `restart NAME` and `install NAME`, a Procfile line, and the reset of the restart counter after
/// a run that stayed up. The backoff itself, on 257 and 262: BootedReleaseTests.
@Suite(.enabled(if: Live.enabled, Live.reason))
struct BackoffTests {
    static let service = "org.freedesktop.systemd1.Service"

    func property(_ unit: String, _ name: String) throws -> UInt64? {
        try userManager().unitProperty(unit, interface: Self.service, property: name)?.uint64
    }

    func major() throws -> Int? {
        try userManager().property("Version")?.string.flatMap(SystemdFeature.majorVersion)
    }

    /// The note `run` and `restart` print on a manager before 254, nil on a newer one.
    func note(_ name: String, _ min: String, _ max: String) throws -> String? {
        let major = try major()
        guard !SystemdFeature.restartSteps.isAvailable(on: major), let major else { return nil }
        return "unitify: note: this manager runs systemd \(major), which cannot back off (RestartSteps= needs 254): \(name) is restarted every \(min), not \(min) growing to \(max), and never given up\n"
    }

    var configDirectory: String { (try? UnitFileDirectory.user().directory) ?? "" }

    @Test func aCrashLoopIsNeverGivenUpAndTheRangeSurvivesRestartAndInstall() throws {
        let name = uniqueName("backoff")
        let unit = name + ".service"
        defer { _ = unitify(["remove", name]) }
        let ran = unitify(["run", "--name", name, "--restart", "on-failure", "--restart-sec", "200ms..2s", "--check", "0", "--", "sh", "-c", "exit 3"])
        #expect(ran.status == 0, "\(ran.stderr)")
        let note = try note(name, "200ms", "2s")
        if let note {
            #expect(ran.stderr == note, "\(ran.stderr)")
        } else {
            #expect(ran.stderr.isEmpty, "\(ran.stderr)")
            #expect(try property(unit, "RestartSteps") == 4)
            #expect(try property(unit, "RestartMaxDelayUSec") == 2_000_000)
        }
        #expect(try property(unit, "RestartUSec") == 200_000)
        #expect(try userManager().unitProperty(unit, interface: "org.freedesktop.systemd1.Unit", property: "StartLimitIntervalUSec")?.uint64 == 0)
        // More restarts than systemd's own limit for on-failure (5 starts in 10 s) lets through.
        #expect(eventually(within: 120) { ((try? property(unit, "NRestarts")) ?? 0) >= 8 }, "\(unitify(["status", name]).stdout)")
        #expect(try Jobs.user().status(of: unit).activeState != .failed)

        // restart NAME with another option keeps the range, in the record on any release.
        let restarted = unitify(["restart", name, "-e", "X=1", "--check", "0"])
        #expect(restarted.status == 0, "\(restarted.stderr)")
        #expect(restarted.stderr == (note ?? ""), "\(restarted.stderr)")
        let record = readFile(JobRecordDirectory(beside: ManagerScope.user.lockDirectory).path(unit))
        #expect(record.contains("\nrestart_usec=200000\nrestart_backoff=4/2000000\n"), "\(record)")
        if note == nil { #expect(try property(unit, "RestartSteps") == 4) }

        // install NAME writes it into the unit file, read from the job's live properties (254 on)
        // or its record (before).
        let installed = unitify(["install", name])
        #expect(installed.status == 0, "\(installed.stderr)")
        let file = readFile("\(configDirectory)/\(unit)")
        for line in ["RestartSec=200ms", "RestartSteps=4", "RestartMaxDelaySec=2s", "StartLimitIntervalSec=0", "Environment=\"X=1\""] {
            #expect(file.contains("\n\(line)\n"), "\(line) not in:\n\(file)")
        }
        #expect(file.contains("\"unitify-backoff\" \"10\" \"\(unit)\"\n"), "\(file)")

        // A persistent job's restart reads it back from the manager, or from its file.
        let again = unitify(["restart", name, "-e", "Y=2", "--check", "0"])
        #expect(again.status == 0, "\(again.stderr)")
        let rewritten = readFile("\(configDirectory)/\(unit)")
        #expect(rewritten.contains("\nRestartSteps=4\nRestartMaxDelaySec=2s\n") && rewritten.contains("\nEnvironment=\"Y=2\"\n"), "\(rewritten)")
        if note != nil {
            // systemd before 254 says it ignores the two settings: the whole record has it, the job's tail not.
            #expect(eventually { unitify(["journal", name, "-o", "cat"]).stdout.contains("Unknown key 'RestartSteps' in section [Service], ignoring.") })
            #expect(!unitify(["status", name, "-n", "10"]).stdout.contains("Unknown key"))
        }
    }

    /// The reset: only a run that lasted `steadyAfter` (10 s here) puts the counter back to 0, so
    /// the next crash waits MIN again; a run that ends sooner takes its reset down with it.
    /// Persistent, so that it holds on any release (a unit file always carries the reset).
    @Test func aRunThatStayedUpResetsTheRestartCounter() throws {
        let name = uniqueName("steady")
        let unit = name + ".service"
        defer { _ = unitify(["remove", name]) }
        let ran = unitify(["run", "--persistent", "--name", name, "--restart", "always", "--restart-sec", "1s..3s", "--check", "0", "--", "sleep", "1000"])
        #expect(ran.status == 0, "\(ran.stderr)")
        #expect(ran.stderr == (try note(name, "1s", "3s") ?? ""), "\(ran.stderr)")
        func started() throws -> UInt64 { try property(unit, "ExecMainStartTimestampMonotonic") ?? 0 }
        func running() -> Bool { (try? Jobs.user().status(of: unit).activeState) == .active }

        // Run 1 killed: run 2.
        let first = try started()
        #expect(unitify(["kill", name, "--signal", "KILL", "--main"]).status == 0)
        #expect(eventually(within: 30) { ((try? property(unit, "NRestarts")) ?? 0) == 1 && running() && ((try? started()) ?? 0) > first })
        // Run 2 killed after 5 s, before its reset: its sleeping reset dies with it.
        let second = try started()
        #expect(eventually(within: 30) { monotonicMicroseconds() >= second + 5_000_000 })
        #expect(unitify(["kill", name, "--signal", "KILL", "--main"]).status == 0)
        #expect(eventually(within: 30) { ((try? property(unit, "NRestarts")) ?? 0) == 2 && running() && ((try? started()) ?? 0) > second })
        let third = try started()
        // Run 3 stays up: 10 s after it started (not after run 2 did, 5 s sooner) the counter is 0.
        #expect(eventually(within: 60) { ((try? property(unit, "NRestarts")) ?? 1) == 0 }, "\(unitify(["status", name]).stdout)")
        let reset = monotonicMicroseconds()
        #expect(reset >= third + 9_000_000, "reset \(Double(reset - third) / 1e6) s after run 3 started")
        #expect(try started() == third, "the reset restarted the job")
    }

    /// A Procfile line takes it as run does; changing it is a change of restart policy.
    @Test func aProcfileLineBacksOffToo() throws {
        let app = uniqueName("boapp")
        let directory = makeTemporaryDirectory() + "/" + app
        _ = spawnAndWait(["mkdir", "-p", directory])
        defer { _ = unitify(["down"], in: directory); removeTree(directory) }
        func write(_ text: String) { _ = spawnAndWait(["sh", "-c", "printf '%s' \"$1\" > \"$2\"", "sh", text, directory + "/Procfile"]) }
        write("web: --restart on-failure --restart-sec 1s..5s -- sleep 1000\n")
        let up = unitify(["up"], in: directory)
        #expect(up.status == 0, "\(up.stderr)")
        if let note = try note("\(app)-web", "1s", "5s") {
            #expect(up.stderr.contains(note.replacing("unitify: note: ", with: "unitify: note: \(app): ")), "\(up.stderr)")
        } else {
            #expect(!up.stderr.contains("note:"), "\(up.stderr)")
        }
        let file = readFile("\(configDirectory)/\(app)-web.service")
        #expect(file.contains("\nRestartSec=1s\nRestartSteps=3\nRestartMaxDelaySec=5s\n"), "\(file)")
        #expect(file.contains("\"unitify-backoff\" \"10\" \"\(app)-web.service\"\n"), "\(file)")
        #expect(unitify(["up", "--dry-run"], in: directory).stdout.contains("\(app): web unchanged"))
        write("web: --restart on-failure --restart-sec 1s..1min -- sleep 1000\n")
        let plan = unitify(["up", "--dry-run"], in: directory)
        #expect(plan.stdout.contains("\(app): web would restart (restart policy changed)"), "\(plan.stdout)")
        write("web: --restart on-failure --restart-sec 5s..1s -- sleep 1000\n")
        let bad = unitify(["up"], in: directory)
        #expect(bad.status == 2 && bad.stderr.lines.count == 1, "\(bad.stderr)")
        #expect(bad.stderr.hasSuffix("Procfile:1: invalid --restart-sec '5s..1s': MIN 5s is longer than MAX 1s: put the shorter first, --restart-sec 1s..5s\n"), "\(bad.stderr)")
    }
}
