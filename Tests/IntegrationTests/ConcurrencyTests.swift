import Glibc
import Testing
import UnitifyClient
import UnitifyCore

/// Several unitify processes writing unit files into one directory and starting them at the same
/// moment, as a script that installs a few jobs in parallel, two users of one machine, or a file
/// of jobs brought up at once do. Each one succeeds, or is refused with a sentence of unitify's:
/// never a manager's bare "StartUnit: Unit x.service not found." (the name map the manager
/// keeps, made before a file existed or while a transient unit of the name was loaded: see
/// `UnitFileStore.advanceModificationTime`).
@Suite(.enabled(if: Live.enabled, Live.reason))
struct ConcurrencyTests {
    /// How many at once: more than the cores, so that they interleave in the manager.
    static let width = 8

    @Test func jobsInstalledAtOnceAllBecomePersistent() throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let names = (1...Self.width).map { uniqueName("inst\($0)") }
        defer { for name in names { _ = unitify(["remove", name]) } }
        for name in names {
            let started = unitify(["run", "--check", "0", "--quiet", "--name", name, "--log-file", "\(name).log", "--restart", "on-failure", "--", "sleep", "600"], in: directory)
            try #require(started.status == 0, "\(started.stderr)")
        }
        let results = atOnce(names.map { ["install", $0] })
        try expectAllSucceeded(results)
        for name in names { try expectRunningPersistent(name) }
    }

    @Test func persistentRunsAtOnceAllStart() throws {
        let names = (1...Self.width).map { uniqueName("pers\($0)") }
        defer { for name in names { _ = unitify(["remove", name]) } }
        let results = atOnce(names.map { ["run", "--persistent", "--check", "0", "--name", $0, "--", "sleep", "600"] })
        try expectAllSucceeded(results)
        for name in names { try expectRunningPersistent(name) }
    }

    /// Installs and persistent runs while other jobs are uninstalled and removed: files appear and
    /// go in the same directory at the same moment.
    @Test func installsAndRunsBesideUninstalls() throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let half = Self.width / 2
        let installed = (1...half).map { uniqueName("mixi\($0)") }
        let persistent = (1...half).map { uniqueName("mixp\($0)") }
        let leaving = (1...half).map { uniqueName("mixu\($0)") }
        defer { for name in installed + persistent + leaving { _ = unitify(["remove", name]) } }
        for name in installed {
            try #require(unitify(["run", "--check", "0", "--quiet", "--name", name, "--", "sleep", "600"], in: directory).status == 0)
        }
        for name in leaving {
            try #require(unitify(["run", "--persistent", "--check", "0", "--quiet", "--name", name, "--", "sleep", "600"]).status == 0)
        }
        let commands = installed.map { ["install", $0] }
            + persistent.map { ["run", "--persistent", "--check", "0", "--name", $0, "--", "sleep", "600"] }
            + leaving.enumerated().map { $0.offset % 2 == 0 ? ["uninstall", $0.element] : ["remove", $0.element] }
        try expectAllSucceeded(atOnce(commands))
        for name in installed + persistent { try expectRunningPersistent(name) }
        let files = try UnitFileDirectory.user()
        for name in leaving {
            #expect(try !files.exists("\(name).service"), "\(name)'s unit file is still there")
            let left = try Jobs.user().status(of: "\(name).service")
            #expect(left.isNotFound || !left.isRunning, "\(name) still runs: \(left)")
        }
    }

    /// Starts every command at the same moment and waits for all (two minutes at most each: a
    /// loaded machine is slow, a hang is a failure).
    private func atOnce(_ commands: [[String]]) -> [(command: [String], status: Int32?, output: String)] {
        let scratch = makeTemporaryDirectory()
        defer { removeTree(scratch) }
        let started = commands.enumerated().map { index, arguments in
            (arguments, spawnBackground([unitifyBinary] + arguments, outputPath: "\(scratch)/\(index)"), "\(scratch)/\(index)")
        }
        return started.map { arguments, pid, output in
            let status = waitForExit(pid, within: 120)
            if status == nil { kill(pid, SIGKILL); _ = waitForExit(pid) }
            return (arguments, status, readFile(output))
        }
    }

    private func expectAllSucceeded(_ results: [(command: [String], status: Int32?, output: String)]) throws {
        for result in results {
            let command = "unitify " + result.command.joined(separator: " ")
            #expect(result.status == 0, "\(command) ended with \(result.status.map(String.init) ?? "no exit within 120s"):\n\(result.output)")
            #expect(!result.output.contains("StartUnit:") && !result.output.contains("not found"), "\(command):\n\(result.output)")
        }
    }

    private func expectRunningPersistent(_ name: String) throws {
        let status = try Jobs.user().status(of: "\(name).service")
        #expect(status.kind == .persistent && status.isRunning && status.unitFileState == "enabled", "\(name): \(status)")
    }
}
