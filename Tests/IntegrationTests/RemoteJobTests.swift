import Glibc
import Testing
import UnitifyClient
import UnitifyCore

/// The commands that act on jobs, with `--host`, through a real sshd on 127.0.0.1 that reaches
/// this machine's private manager (so what the remote side did can be checked here): the job is
/// started, stopped, started, restarted, signalled, installed and removed there, its record and
/// unit files written by the remote shell, and every host's part reported in its own lines.
@Suite(.serialized, .enabled(if: Live.enabled, Live.reason))
struct RemoteJobTests {
    let server: TestSSHServer
    let environment: [String: String]
    let host: String

    init() throws {
        server = try TestSSHServer(runtimeDirectory: RemoteTests.runtimeDirectory)
        // Through the bridge, whatever unitify this machine's PATH has: the booted tests
        // (BootedDelegationTests) cover a host's own unitify.
        environment = ["UNITIFY_SSH_CONFIG": "\(server.directory)/ssh_config_good", "UNITIFY_DELEGATE": "0"]
        host = "127.0.0.1:\(server.port)"
    }

    /// The subcommand with `--host` right after it: after `--` it would be the job's.
    func remote(_ arguments: [String]) -> Completed {
        unitify([arguments[0], "--host", host] + arguments.dropFirst(), environment: environment)
    }

    static var records: String { RemoteTests.runtimeDirectory + "/unitify/jobs" }

    @Test func aJobsWholeLifeOnAnotherHost() throws {
        let name = uniqueName("rjob")
        defer { _ = unitify(["remove", name]) }
        let started = remote(["run", "--name", name, "--", "sh", "-c", "echo started-\(name); exec sleep 300"])
        try #require(started.status == 0, "\(started.stderr)")
        // No system bus in the private session: nothing to say about linger, as here.
        #expect(started.stderr.isEmpty, "\(started.stderr)")
        let first = try #require(started.stdout.lines.first.map(String.init))
        let here = try Jobs.user().status(of: "\(name).service")
        #expect(first == "\(host): started \(name).service (pid \(here.mainPID))", "\(started.stdout)")
        #expect(started.stdout.contains("  logs:   unitify journal --host \(host) \(name) -f"), "\(started.stdout)")
        // The job runs where ssh lands: the remote home, with the remote login's PATH.
        #expect(here.workingDirectory == "/root")
        // Its record was written there, by the remote shell, as private as unitify writes it here.
        var info = stat()
        #expect(stat("\(Self.records)/\(name).service", &info) == 0 && info.st_mode & 0o777 == 0o600)

        // In detail, with its last lines read there.
        var detail = remote(["status", name])
        _ = eventually { detail = remote(["status", name]); return detail.stdout.contains(": started-\(name)") }
        #expect(detail.status == 0, "\(detail.stderr)")
        #expect(detail.stdout.lines.allSatisfy { $0.hasPrefix("\(host): ") }, "\(detail.stdout)")
        #expect(detail.stdout.lines.contains { $0.hasPrefix("\(host): ") && $0.hasSuffix("]: started-\(name)") }, "\(detail.stdout)")
        #expect(remote(["status", "no-such-\(name)"]).status == 4)

        let stopped = remote(["stop", name])
        #expect(stopped.status == 0 && stopped.stdout == "\(host): stopped \(name)\n", "\(stopped.stdout)\(stopped.stderr)")
        let table = remote(["status"])
        #expect(table.status == 0)
        #expect(table.stdout.lines.contains { $0.hasPrefix(host + " ") && $0.contains(" \(name) ") && $0.contains(" stopped ") }, "the record there keeps it: \(table.stdout)")

        let again = remote(["start", name])
        #expect(again.status == 0, "\(again.stderr)")
        let second = try Jobs.user().status(of: "\(name).service")
        #expect(again.stdout.hasPrefix("\(host): started \(name).service (pid \(second.mainPID))") && second.mainPID != here.mainPID, "\(again.stdout)")

        let restarted = remote(["restart", name, "-e", "REMOTE_FLAG=on"])
        #expect(restarted.status == 0, "\(restarted.stderr)")
        let third = try Jobs.user().status(of: "\(name).service")
        #expect(restarted.stdout.hasPrefix("\(host): restarted \(name).service (pid \(third.mainPID))"), "\(restarted.stdout)")
        #expect(readFile("/proc/\(third.mainPID)/environ").split(separator: "\0").contains("REMOTE_FLAG=on"))

        let signalled = remote(["kill", name, "-s", "TERM"])
        #expect(signalled.status == 0 && signalled.stdout == "\(host): sent SIGTERM to \(name)\n", "\(signalled.stdout)\(signalled.stderr)")
        #expect(eventually { access("/proc/\(third.mainPID)", F_OK) != 0 })

        let removed = remote(["remove", name])
        #expect(removed.status == 0 && removed.stdout == "\(host): removed \(name)\n", "\(removed.stdout)\(removed.stderr)")
        #expect(access("\(Self.records)/\(name).service", F_OK) != 0)
        #expect(try Jobs.user().status(of: "\(name).service").isNotFound)
        let gone = remote(["stop", name])
        #expect(gone.status == 4 && gone.stderr == "unitify: \(host): no unit named \(name) there: 'unitify status --host \(host)' lists yours\n", "\(gone.stderr)")
    }

    @Test func badInputAndCrashesAreSaidPerHost() throws {
        let name = uniqueName("rbad")
        // Paths are the host's: a program missing there is bad input, and nothing is made.
        let missing = remote(["run", "--name", name, "--", "./no-such-program"])
        #expect(missing.status == 2 && missing.stdout.isEmpty, "\(missing.stdout)")
        #expect(missing.stderr == "unitify: \(host): program './no-such-program' not found: /root/no-such-program does not exist\n", "\(missing.stderr)")
        #expect(try Jobs.user().status(of: "\(name).service").isNotFound)
        #expect(access("\(Self.records)/\(name).service", F_OK) != 0)

        let crash = uniqueName("rcrash")
        defer { _ = unitify(["remove", crash]) }
        let crashed = remote(["run", "--name", crash, "--", "sh", "-c", "echo last-words-\(crash); exit 3"])
        #expect(crashed.status == 1)
        let errors = crashed.stderr.lines.map(String.init)
        #expect(errors.first == "unitify: \(host): \(crash) failed within 500ms: the program exited with status 3", "\(crashed.stderr)")
        #expect(errors.contains { $0.hasPrefix("unitify: \(host):   ") && $0.hasSuffix(": last-words-\(crash)") }, "its last lines, read there: \(crashed.stderr)")
        #expect(errors.last == "unitify: \(host): see 'unitify status --host \(host) \(crash)'", "\(crashed.stderr)")

        let local = unitify(["run", "--system", "--host", host, "--", "true"], environment: environment)
        #expect(local.status == 2 && local.stderr.contains("--system and --host exclude each other"), "\(local.stderr)")
        let wait = remote(["run", "--wait", "--", "true"])
        #expect(wait.status == 2 && wait.stderr.contains("'unitify wait --host HOST NAME'"), "\(wait.stderr)")
    }

    /// `run --follow --host`: started there, then its lines from there, each after the host,
    /// until Ctrl-C.
    @Test func runAndFollowThere() throws {
        let name = uniqueName("rfollow")
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        defer { _ = unitify(["remove", name]) }
        let out = directory + "/out", err = directory + "/err"
        let follower = spawnSplit(["env"] + environment.map { "\($0.key)=\($0.value)" } + [unitifyBinary, "run", "--host", host, "--follow", "--name", name, "--",
                                  "sh", "-c", "echo first-\(name); sleep 1; echo second-\(name); exec sleep 300"], stdout: out, stderr: err)
        var ended: Int32?
        defer { if ended == nil { kill(follower, SIGKILL); _ = finish(follower, within: 5) } }
        // Ctrl-C once the second line is there, however long a loaded machine takes to get there.
        #expect(eventually { readFile(out).contains("]: second-\(name)\n") || hasEnded(follower) }, "\(readFile(out))\(readFile(err))")
        kill(follower, SIGINT)
        ended = finish(follower, within: 30)
        #expect(ended == 0, "\(readFile(err))")
        let lines = readFile(out).lines.map(String.init)
        #expect(lines.first?.hasPrefix("\(host): started \(name).service (pid ") == true, "\(readFile(out))")
        for word in ["first", "second"] {
            #expect(lines.filter { $0.hasPrefix(host + " ") && $0.hasSuffix("]: \(word)-\(name)") }.count == 1, "\(word) once:\n\(readFile(out))")
        }
        #expect(try Jobs.user().status(of: "\(name).service").isRunning, "the job keeps running after the follow ends")
    }

    /// A stop that comes before a remote follow listens for it (here SIGINT, blocked from the
    /// start as a test runner's threads block it, pending until the follow unblocks it; for a
    /// user, Ctrl-C while the tail prints) ends the follow as soon as it is following: it was
    /// noted and never honoured, and the follow printed on until a second signal.
    @Test func aStopBeforeARemoteFollowListensEndsIt() throws {
        let name = uniqueName("rstop")
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        defer { _ = unitify(["remove", name]) }
        try #require(remote(["run", "--name", name, "--", "sh", "-c", "echo up-\(name); exec sleep 300"]).status == 0)
        #expect(eventually { remote(["journal", name, "-o", "cat"]).stdout.contains("up-\(name)") })
        let out = directory + "/out", err = directory + "/err"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var blocked = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGINT)
        posix_spawnattr_setsigmask(&attributes, &blocked)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        let argv = ["env"] + environment.map { "\($0.key)=\($0.value)" } + [unitifyBinary, "journal", "--host", host, name, "-f", "-o", "cat"]
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        var follower: pid_t = 0
        try #require(posix_spawnp(&follower, "env", &actions, &attributes, cArgs, environ) == 0)
        kill(follower, SIGINT)
        let ended = finish(follower, within: 30)
        #expect(ended == 0, "\(readFile(out))\(readFile(err))")
    }

    @Test func installAndCatThere() throws {
        let name = uniqueName("rinst")
        defer { _ = unitify(["remove", name]) }
        try #require(remote(["run", "--name", name, "--", "sleep", "300"]).status == 0)
        let transient = remote(["cat", name])
        #expect(transient.status == 0 && transient.stdout.contains("(not written: the job is transient"), "\(transient.stdout)\(transient.stderr)")

        let installed = remote(["install", name])
        #expect(installed.status == 0, "\(installed.stderr)")
        // The unit directory is the one the manager there loads from (its UnitPath).
        let directory = try #require(UnitSearchPath.userConfigDirectory(try userManager().property("UnitPath")?.stringArray ?? []))
        let path = "\(directory)/\(name).service"
        #expect(installed.stdout.hasPrefix("\(host): installed \(name).service: \(path)\n"), "\(installed.stdout)")
        #expect(installed.stdout.contains("remove it with: unitify uninstall --host \(host) \(name)"))
        #expect(UnitFile.isGeneratedByUnitify(readFile(path)))
        #expect(access("\(Self.records)/\(name).service", F_OK) != 0, "a persistent job has no record")
        let status = try Jobs.user().status(of: "\(name).service")
        #expect(status.kind == .persistent && status.isRunning)

        let cat = remote(["cat", name])
        #expect(cat.status == 0 && cat.stdout.hasPrefix("# \(host):\(path)\n") && cat.stdout.contains("[X-Unitify]"), "\(cat.stdout)")

        let uninstalled = remote(["uninstall", name])
        #expect(uninstalled.status == 0 && uninstalled.stdout == "\(host): removed \(path)\n", "\(uninstalled.stdout)\(uninstalled.stderr)")
        #expect(access(path, F_OK) != 0)
    }

    @Test func oneHostFailingLeavesTheOthers() throws {
        let name = uniqueName("rpart")
        defer { _ = unitify(["remove", name]) }
        var closed = server.port &+ 1
        while run(["sh", "-c", "ss -ltn 'sport = :\(closed)' | grep -q LISTEN"]).status == 0 { closed &+= 1 }
        let both = unitify(["run", "--json", "--name", name, "--host", "\(host),127.0.0.1:\(closed)", "--", "sleep", "300"], environment: environment)
        #expect(both.status == 1)
        #expect(both.stderr == "unitify: 127.0.0.1:\(closed): refused the connection on port \(closed): is sshd running there?\n", "\(both.stderr)")
        let record = try #require(both.stdout.lines.first.map(String.init), "the live host still started it")
        #expect(both.stdout.lines.count == 1 && record.contains("\"host\":\"\(host)\"") && record.contains("\"unit\":\"\(name).service\""), "\(both.stdout)")
        #expect(try Jobs.user().status(of: "\(name).service").isRunning)
    }
}
