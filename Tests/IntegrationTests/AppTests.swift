import Glibc
import Testing
import UnitifyClient
import UnitifyCore

/// `up` and `down` against the real manager: a Procfile applied, changed, applied twice, broken,
/// and taken down, with jobs of another app and one started by hand beside it that are never touched.
@Suite(.enabled(if: Live.enabled, Live.reason))
struct AppTests {
    var configDirectory: String { (try? UnitFileDirectory.user().directory) ?? "" }

    /// A directory named as the app, with this Procfile in it.
    func project(_ stem: String, _ procfile: String) -> (directory: String, app: String) {
        let app = uniqueName(stem)
        let directory = makeTemporaryDirectory() + "/" + app
        _ = spawnAndWait(["mkdir", "-p", directory])
        write(procfile, to: directory + "/Procfile")
        return (directory, app)
    }

    func write(_ text: String, to path: String) {
        _ = spawnAndWait(["sh", "-c", "printf '%s' \"$1\" > \"$2\"", "sh", text, path])
    }

    func pid(_ unit: String) throws -> UInt32 {
        try Jobs.user().status(of: unit).mainPID
    }

    func fileExists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    @Test func upAppliesOnlyWhatChangedAndDownLeavesNothing() throws {
        let (directory, app) = project("shop", """
            web: exec sleep 301
            worker: while true; do echo "tick $PORT $MODE"; sleep 1; done
            clock: --restart always -e PORT=9999 -- sleep 303

            """)
        write("MODE=dev\n", to: directory + "/.env")
        defer { _ = unitify(["down"], in: directory); removeTree(directory) }
        // Beside it: a job of another app and one started by hand, both never to be touched.
        let other = project("other", "web: exec sleep 311\n")
        defer { _ = unitify(["down"], in: other.directory); removeTree(other.directory) }
        #expect(unitify(["up"], in: other.directory).status == 0)
        let byHand = uniqueName("hand")
        #expect(unitify(["run", "--persistent", "--name", byHand, "--", "sleep", "312"]).status == 0)
        defer { _ = unitify(["uninstall", byHand]) }
        let untouched = [try pid("\(other.app)-web.service"), try pid("\(byHand).service")]

        let up = unitify(["up"], in: directory)
        #expect(up.status == 0, "\(up.stderr)")
        for job in ["web", "worker", "clock"] {
            #expect(up.stdout.contains("\(app): \(job) started (pid "), "\(up.stdout)")
            let file = readFile("\(configDirectory)/\(app)-\(job).service")
            #expect(file.contains("\nApp=\(app)\n") && file.contains("\nWorkingDirectory=\(directory)\n"))
            #expect(fileExists("\(configDirectory)/default.target.wants/\(app)-\(job).service"))
        }
        #expect(readFile("\(configDirectory)/\(app)-worker.service").contains("\nEnvironment=\"MODE=dev\"\n"))
        #expect(readFile("\(configDirectory)/\(app)-worker.service").contains("\nEnvironment=\"PORT=5100\"\n"))
        #expect(readFile("\(configDirectory)/\(app)-clock.service").contains("\nEnvironment=\"PORT=9999\"\n"))
        let pids = try ["web", "worker", "clock"].map { try pid("\(app)-\($0).service") }
        #expect(!pids.contains(0))

        let twice = unitify(["up"], in: directory)
        #expect(twice.status == 0 && twice.stdout == "\(app): nothing changed (3 jobs running)\n", "\(twice.stdout)\(twice.stderr)")
        #expect(try ["web", "worker", "clock"].map { try pid("\(app)-\($0).service") } == pids)

        // One line changed, one removed: only those two jobs are touched.
        write("web: exec sleep 301\nworker: while true; do echo \"tock $PORT $MODE\"; sleep 1; done\n", to: directory + "/Procfile")
        let changed = unitify(["up"], in: directory)
        #expect(changed.status == 0, "\(changed.stderr)")
        #expect(changed.stdout.contains("\(app): web unchanged (pid \(pids[0]))"), "\(changed.stdout)")
        #expect(changed.stdout.contains("\(app): worker restarted (pid "), "\(changed.stdout)")
        #expect(changed.stdout.contains("\(app): clock removed"), "\(changed.stdout)")
        #expect(try pid("\(app)-web.service") == pids[0])
        let worker = try pid("\(app)-worker.service")
        #expect(worker != 0 && worker != pids[1])
        #expect(!fileExists("\(configDirectory)/\(app)-clock.service"))
        #expect(!fileExists("\(configDirectory)/default.target.wants/\(app)-clock.service"))
        #expect(try Jobs.user().status(of: "\(app)-clock.service").isRunning == false)

        // The group: status, restart and stop act on every job of the app.
        let status = unitify(["status", app])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("\(app)-web ") && status.stdout.contains("\(app)-worker ") && !status.stdout.contains(other.app))
        #expect(eventually { unitify(["journal", app, "-n", "50", "-o", "cat"]).stdout.contains("tock 5100 dev") })
        let restarted = unitify(["restart", app])
        #expect(restarted.status == 0, "\(restarted.stderr)")
        #expect(try pid("\(app)-web.service") != pids[0])

        let down = unitify(["down"], in: directory)
        #expect(down.status == 0 && down.stdout == "\(app): removed web, worker\n", "\(down.stdout)\(down.stderr)")
        let left = directoryEntries(configDirectory).filter { $0.hasPrefix(app + "-") }
            + directoryEntries(configDirectory + "/default.target.wants").filter { $0.hasPrefix(app + "-") }
        #expect(left.isEmpty, "\(left)")
        for job in ["web", "worker"] { #expect(try Jobs.user().status(of: "\(app)-\(job).service").isRunning == false) }
        #expect(unitify(["down"], in: directory).stdout == "\(app): no jobs to remove\n")
        #expect(try [pid("\(other.app)-web.service"), pid("\(byHand).service")] == untouched)
    }

    /// `PORT` of a running job, read from its process (`/proc/PID/environ`): what the program sees.
    func port(_ unit: String) throws -> String? {
        let environ = readFile("/proc/\(try pid(unit))/environ")
        return environ.split(separator: "\0").last { $0.hasPrefix("PORT=") }.map { String($0.dropFirst(5)) }
    }

    /// foreman's PORT: `.env`'s is the base and each line gets 100 more, `--port` beats `.env`,
    /// and a line that sets its own keeps it (issue 30: two servers on 8000 cannot both listen).
    @Test func portIsTheBasePlusAHundredPerLine() throws {
        let (directory, app) = project("ports", """
            web: exec sleep 361
            api: exec sleep 362
            own: -e PORT=9999 -- sleep 363
            admin: exec sleep 364

            """)
        write("PORT=8000\nMODE=dev\n", to: directory + "/.env")
        defer { _ = unitify(["down"], in: directory); removeTree(directory) }
        let up = unitify(["up"], in: directory)
        #expect(up.status == 0, "\(up.stderr)")
        let fromDotEnv = try ["web", "api", "own", "admin"].map { try port("\(app)-\($0).service") }
        #expect(fromDotEnv == ["8000", "8100", "9999", "8300"])

        let bad = unitify(["up", "--port", "0"], in: directory)
        #expect(bad.status == 2 && bad.stderr == "unitify: invalid --port '0': give a port from 1 to 65535\n", "\(bad.stderr)")
        #expect(try port("\(app)-web.service") == "8000", "a refused --port changes nothing")

        let given = unitify(["up", "-p", "3000"], in: directory)
        #expect(given.status == 0, "\(given.stderr)")
        let fromOption = try ["web", "api", "own", "admin"].map { try port("\(app)-\($0).service") }
        #expect(fromOption == ["3000", "3100", "9999", "3300"])
    }

    /// A variable of a job's main process, as it runs.
    func variable(_ name: String, of unit: String) throws -> String? {
        let environ = readFile("/proc/\(try pid(unit))/environ")
        return environ.split(separator: "\0").last { $0.hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1)) }
    }

    /// Copies of a line (issue 30), as foreman runs them: `up -m web=3` is three jobs with
    /// foreman's PORT and PS, each restarted alone, and `-m web=1` after it keeps the first.
    @Test func copiesOfALineAreJobsOfTheirOwn() throws {
        let (directory, app) = project("copies", """
            web: --restart always --shell 'echo "copy $PS on $PORT"; exec sleep 371'
            worker: exec sleep 372

            """)
        defer { _ = unitify(["down"], in: directory); removeTree(directory) }
        let up = unitify(["up", "-m", "web=3"], in: directory)
        #expect(up.status == 0, "\(up.stdout)\(up.stderr)")
        let copies = ["web.1", "web.2", "web.3"]
        for copy in copies { #expect(up.stdout.contains("\(app): \(copy) started (pid "), "\(up.stdout)") }
        #expect(try copies.map { try variable("PORT", of: "\(app)-\($0).service") } == ["5000", "5001", "5002"])
        #expect(try copies.map { try variable("PS", of: "\(app)-\($0).service") } == copies)
        #expect(try variable("PORT", of: "\(app)-worker.service") == "5100" && variable("PS", of: "\(app)-worker.service") == "worker.1")
        let pids = try copies.map { try pid("\(app)-\($0).service") }
        #expect(!pids.contains(0) && Set(pids).count == 3)

        let status = unitify(["status", app, "-n", "0"])
        #expect(status.status == 0, "\(status.stderr)")
        for copy in copies { #expect(status.stdout.contains("\(app)-\(copy) "), "\(status.stdout)") }
        // Each copy's lines under its own name (the shell's lines carry the unit's name as their tag).
        #expect(eventually { unitify(["journal", app, "-n", "50"]).stdout.contains("\(app)-web.2[") },
                "\(unitify(["journal", app, "-n", "50"]).stdout)")
        #expect(unitify(["journal", app, "-n", "50", "-o", "cat"]).stdout.contains("copy web.3 on 5002"))

        let twice = unitify(["up", "-m", "web=3"], in: directory)
        #expect(twice.stdout == "\(app): nothing changed (4 jobs running)\n", "\(twice.stdout)\(twice.stderr)")

        // One copy killed: systemd restarts that one alone.
        #expect(unitify(["kill", "\(app)-web.2", "-s", "KILL"]).status == 0)
        #expect(eventually { (try? pid("\(app)-web.2.service")).map { $0 != 0 && $0 != pids[1] } ?? false })
        #expect(try pid("\(app)-web.1.service") == pids[0] && pid("\(app)-web.3.service") == pids[2])

        let bad = unitify(["up", "-m", "api=2"], in: directory)
        #expect(bad.status == 2 && bad.stderr == "unitify: invalid -m 'api=2': Procfile has no line api: its lines are web, worker (or all)\n", "\(bad.stderr)")
        #expect(unitify(["up", "-m", "web=two"], in: directory).status == 2)
        #expect(fileExists("\(configDirectory)/\(app)-web.3.service"), "a refused -m touches nothing")

        // Fewer copies: the extra ones stopped and removed, the first left running as it was.
        let fewer = unitify(["up", "-m", "web=1"], in: directory)
        #expect(fewer.status == 0, "\(fewer.stderr)")
        #expect(fewer.stdout.contains("\(app): web.1 unchanged (pid \(pids[0]))"), "\(fewer.stdout)")
        #expect(fewer.stdout.contains("\(app): web.2 removed") && fewer.stdout.contains("\(app): web.3 removed"), "\(fewer.stdout)")
        #expect(try pid("\(app)-web.1.service") == pids[0])
        for gone in ["web.2", "web.3"] {
            #expect(!fileExists("\(configDirectory)/\(app)-\(gone).service"))
            #expect(try Jobs.user().status(of: "\(app)-\(gone).service").isRunning == false)
        }
        // A line -m leaves out keeps the copies that run: worker.1 stays as it is.
        let both = unitify(["up", "-m", "web=2,worker=1"], in: directory)
        #expect(both.status == 0 && both.stdout.contains("\(app): worker.1 started (pid "), "\(both.stdout)\(both.stderr)")
        let worker = try pid("\(app)-worker.1.service")
        let one = unitify(["up", "-m", "web=1"], in: directory)
        #expect(one.stdout.contains("\(app): worker.1 unchanged (pid \(worker))") && !one.stdout.contains("\(app): worker started"), "\(one.stdout)\(one.stderr)")
        #expect(unitify(["down"], in: directory).stdout == "\(app): removed web.1, worker.1\n")
    }

    /// `--scale N` on the line: the file's own count, and `-m` beats it.
    @Test func aLinesScaleIsItsCountOfCopies() throws {
        let (directory, app) = project("scale", "web: --scale 2 -- sleep 381\n")
        defer { _ = unitify(["down"], in: directory); removeTree(directory) }
        let up = unitify(["up"], in: directory)
        #expect(up.status == 0, "\(up.stdout)\(up.stderr)")
        #expect(try ["web.1", "web.2"].map { try variable("PORT", of: "\(app)-\($0).service") } == ["5000", "5001"])
        let none = unitify(["up", "-m", "web=0"], in: directory)
        #expect(none.status == 0 && none.stdout.contains("\(app): web.1 removed") && none.stdout.contains("\(app): web.2 removed"), "\(none.stdout)\(none.stderr)")
        let badProject = project("badscale", "web: --scale many -- sleep 382\n")
        defer { removeTree(badProject.directory) }
        let bad = unitify(["up"], in: badProject.directory)
        #expect(bad.status == 2 && bad.stderr == "unitify: Procfile:1: --scale: 'many' is not a number of copies: give a whole number, 0 or more (0 runs none)\n", "\(bad.stderr)")
    }

    /// The app's unit files and their links in default.target.wants, with their bytes.
    func filesOfApp(_ app: String) -> [String: String] {
        var files: [String: String] = [:]
        for directory in [configDirectory, configDirectory + "/default.target.wants"] {
            for name in directoryEntries(directory) where name.hasPrefix(app + "-") { files["\(directory)/\(name)"] = readFile("\(directory)/\(name)") }
        }
        return files
    }

    /// The manager's units of the app, each as `NAME LOADSTATE ACTIVESTATE PID`.
    func unitsOfApp(_ app: String) throws -> [String] {
        let manager = try userManager()
        let units = try manager.loadedUnits(matching: ["\(app)-*"]).sorted()
        let values = try manager.unitProperties(units, [
            (interface: "org.freedesktop.systemd1.Unit", name: "LoadState"),
            (interface: "org.freedesktop.systemd1.Unit", name: "ActiveState"),
            (interface: "org.freedesktop.systemd1.Service", name: "MainPID"),
        ])
        return zip(units, values).map { unit, value in
            "\(unit) \(value["LoadState"]?.string ?? "-") \(value["ActiveState"]?.string ?? "-") \(value["MainPID"]?.uint64 ?? 0)"
        }
    }

    /// `up --dry-run` on a Procfile never applied: every line would start, and nothing is
    /// written, enabled or started.
    @Test func aDryRunOfAFreshProcfileListsStartsAndCreatesNothing() throws {
        let (directory, app) = project("plan", "web: exec sleep 371\nworker: exec sleep 372\n")
        defer { _ = unitify(["down"], in: directory); removeTree(directory) }
        let dry = unitify(["up", "--dry-run"], in: directory)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout == "\(app): web would start (new)\n\(app): worker would start (new)\n", "\(dry.stdout)")
        #expect(dry.stderr == "", "no linger note, no hints: \(dry.stderr)")
        #expect(filesOfApp(app).isEmpty, "\(filesOfApp(app))")
        // Reading a unit's state loads a `not-found` placeholder the manager drops again: no unit
        // of the app may be loaded from a file, or be anything but inactive.
        let units = try unitsOfApp(app)
        #expect(units.allSatisfy { $0.hasSuffix(" not-found inactive 0") }, "\(units)")
    }

    /// After `up`: a changed line would restart (and says what changed), an unchanged one is
    /// unchanged with its pid, a removed one would be removed; and neither a file nor a unit moved.
    @Test func aDryRunAfterUpSaysWhatWouldChangeAndChangesNothing() throws {
        let (directory, app) = project("replan", "web: exec sleep 381\nworker: exec sleep 382\nclock: exec sleep 383\n")
        defer { _ = unitify(["down"], in: directory); removeTree(directory) }
        let up = unitify(["up"], in: directory)
        #expect(up.status == 0, "\(up.stderr)")
        write("web: exec sleep 381\nworker: exec sleep 392\n", to: directory + "/Procfile")
        let (files, units) = (filesOfApp(app), try unitsOfApp(app))
        #expect(files.count == 6 && units.count == 3, "\(files.keys.sorted()) \(units)")
        let web = try pid("\(app)-web.service")

        let dry = unitify(["up", "--dry-run"], in: directory)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout == """
            \(app): web unchanged (pid \(web))
            \(app): worker would restart (command changed)
            \(app): clock would be removed (no longer in Procfile)

            """, "\(dry.stdout)")
        #expect(filesOfApp(app) == files, "the unit files and links are byte for byte as they were")
        #expect(try unitsOfApp(app) == units, "the manager's units are as they were (same states, same pids)")
        #expect(readFile("\(configDirectory)/\(app)-worker.service").contains("sleep 382"))
    }

    @Test func aMalformedFileTouchesNothing() throws {
        let (directory, app) = project("broken", "web: exec sleep 321\n")
        defer { _ = unitify(["down"], in: directory); removeTree(directory) }
        #expect(unitify(["up"], in: directory).status == 0)
        let before = try pid("\(app)-web.service")
        write("web: exec sleep 322\nnew: exec sleep 323\nnot a job line\n", to: directory + "/Procfile")
        let bad = unitify(["up"], in: directory)
        #expect(bad.status == 2)
        #expect(bad.stderr == "unitify: Procfile:3: expected 'name: command', e.g. 'web: ./server --port $PORT'\n", "\(bad.stderr)")
        write("web: exec sleep 322\nnew: --restart sometimes -- sleep 323\n", to: directory + "/Procfile")
        let badOption = unitify(["up"], in: directory)
        #expect(badOption.status == 2 && badOption.stderr.hasPrefix("unitify: Procfile:2: "), "\(badOption.stderr)")
        #expect(try pid("\(app)-web.service") == before)
        #expect(!fileExists("\(configDirectory)/\(app)-new.service"))
        #expect(readFile("\(configDirectory)/\(app)-web.service").contains("sleep 321"))
    }

    @Test func aJobThatDoesNotStartIsReportedAndTheOthersKept() throws {
        let (directory, app) = project("crash", "good: exec sleep 331\nbad: echo boom-\(UInt32.random(in: 0...999_999)); exit 3\n")
        defer { _ = unitify(["down"], in: directory); removeTree(directory) }
        let up = unitify(["up"], in: directory)
        #expect(up.status == 1)
        #expect(up.stdout.contains("\(app): good started (pid "), "\(up.stdout)")
        #expect(up.stderr.contains("unitify: \(app): bad did not start: "), "\(up.stderr)")
        #expect(up.stderr.contains("boom-"), "its last lines: \(up.stderr)")
        #expect(try Jobs.user().status(of: "\(app)-good.service").isRunning)
    }

    @Test func aJobStartsAfterTheOneItFollowsIsReady() throws {
        let (directory, app) = project("order", """
            first: --ready file:ready.flag -- sh -c 'sleep 1; touch ready.flag; exec sleep 341'
            second: --after first -- sh -c 'if test -e ready.flag; then echo ready > seen; else echo early > seen; fi; exec sleep 342'

            """)
        defer { _ = unitify(["down"], in: directory); removeTree(directory) }
        let up = unitify(["up"], in: directory)
        #expect(up.status == 0, "\(up.stderr)")
        #expect(up.stdout.contains("\(app): first started (pid ") && up.stdout.contains("ready: file:\(directory)/ready.flag"), "\(up.stdout)")
        #expect(eventually { readFile(directory + "/seen") == "ready\n" }, "second started before first was ready: \(readFile(directory + "/seen"))")
        #expect(readFile("\(configDirectory)/\(app)-second.service").contains("\nAfter=\(app)-first.service\n"))
    }

    /// `stop` disables a persistent job, so that it is not started at boot; `status` says so, and
    /// `start` (or `up`) enables it again. (The reboot itself: BootedTests.)
    @Test func aStoppedJobStaysStoppedUntilStartedOrUp() throws {
        let (directory, app) = project("halt", "web: exec sleep 351\n")
        defer { _ = unitify(["down"], in: directory); removeTree(directory) }
        #expect(unitify(["up"], in: directory).status == 0)
        let unit = "\(app)-web.service"
        // The state is read once before the stop: the manager keeps what it read first.
        #expect(unitify(["status", "\(app)-web", "-n", "0"]).stdout.contains("Enabled: enabled"))
        #expect(unitify(["stop", "\(app)-web"]).status == 0)
        #expect(!fileExists("\(configDirectory)/default.target.wants/\(unit)"))
        let status = unitify(["status", "\(app)-web", "-n", "0"])
        #expect(status.stdout.contains("stopped by you, it stays stopped after a reboot until 'unitify start \(app)-web'"), "\(status.stdout)")
        #expect(unitify(["start", "\(app)-web"]).status == 0)
        #expect(fileExists("\(configDirectory)/default.target.wants/\(unit)"))
        #expect(unitify(["stop", app]).status == 0)
        #expect(!fileExists("\(configDirectory)/default.target.wants/\(unit)"))
        let up = unitify(["up"], in: directory)
        #expect(up.status == 0 && up.stdout.contains("\(app): web started (pid "), "\(up.stdout)\(up.stderr)")
        #expect(fileExists("\(configDirectory)/default.target.wants/\(unit)"))
    }
}
