import Glibc
import Systemd
import Testing
import UnitifyClient
import UnitifyCore

/// A real sshd on 127.0.0.1 beside the private user manager, with keys, host key and client
/// config of its own (passed to ssh with -F, as `UNITIFY_SSH_CONFIG` does): the far end of a
/// remote connection is OpenSSH, /bin/sh and systemd-stdio-bridge, nothing of unitify's.
final class TestSSHServer {
    let directory = makeTemporaryDirectory()
    let port: UInt16
    var pid: pid_t = 0

    /// - Parameter runtimeDirectory: what sshd's sessions get as XDG_RUNTIME_DIR (pam_systemd
    ///   would set it on a real host); nil for none, as with `UsePAM=no`.
    init(runtimeDirectory: String?) throws {
        port = UInt16.random(in: 20_000...40_000)
        let d = directory
        try #require(spawnAndWait(["sh", "-c", """
            mkdir -p /run/sshd && chmod 755 \(d) &&
            ssh-keygen -q -t ed25519 -N '' -f \(d)/host_key &&
            ssh-keygen -q -t ed25519 -N '' -f \(d)/client_key &&
            ssh-keygen -q -t ed25519 -N '' -f \(d)/stranger_key &&
            cp \(d)/client_key.pub \(d)/authorized_keys &&
            printf '[127.0.0.1]:\(port) %s\\n' "$(cut -d' ' -f1,2 \(d)/host_key.pub)" > \(d)/known_hosts &&
            : > \(d)/empty_known_hosts
            """]) == 0)
        var config = """
            ListenAddress 127.0.0.1
            Port \(port)
            HostKey \(d)/host_key
            PidFile \(d)/sshd.pid
            AuthorizedKeysFile \(d)/authorized_keys
            StrictModes no
            UsePAM no
            PermitRootLogin prohibit-password
            LogLevel ERROR
            MaxStartups 200
            MaxSessions 200

            """
        if let runtimeDirectory { config += "SetEnv XDG_RUNTIME_DIR=\(runtimeDirectory)\n" }
        try write(config, to: d + "/sshd_config")
        for (name, key, known) in [("good", "client_key", "known_hosts"), ("stranger", "stranger_key", "known_hosts"),
                                    ("unknown", "client_key", "empty_known_hosts")] {
            try write("""
                Host *
                  HostName 127.0.0.1
                  User root
                  IdentityFile \(d)/\(key)
                  IdentitiesOnly yes
                  UserKnownHostsFile \(d)/\(known)
                  StrictHostKeyChecking yes
                  GlobalKnownHostsFile /dev/null

                """, to: "\(d)/ssh_config_\(name)")
        }
        pid = spawnBackground(["/usr/sbin/sshd", "-D", "-e", "-f", d + "/sshd_config"], outputPath: d + "/sshd.log")
        let listening = eventually {
            run(["sh", "-c", "ss -ltn 'sport = :\(port)' | grep -q LISTEN"]).status == 0
        }
        try #require(listening, "sshd did not listen: \(readFile(d + "/sshd.log"))")
    }

    deinit {
        // The masters first: their connections would outlive the listener.
        for config in ["good", "stranger", "unknown"] where access("\(directory)/control-\(config)", F_OK) == 0 {
            _ = run(["ssh", "-F", "\(directory)/ssh_config_\(config)", "-o", "ControlPath=\(directory)/control-\(config)/cm-%C",
                     "-p", "\(port)", "-O", "exit", "127.0.0.1"])
        }
        kill(pid, SIGTERM)
        _ = waitForExit(pid)
        removeTree(directory)
    }

    func connection(_ config: String = "good", port: UInt16? = nil) -> SSHConnection {
        let control = directory + "/control-" + config
        mkdir(control, 0o700)
        return SSHConnection(host: HostAddress(host: "127.0.0.1", port: port ?? self.port), timeout: 5,
                             controlDirectory: control, configFile: "\(directory)/ssh_config_\(config)")
    }

    func write(_ text: String, to path: String) throws {
        let file = try #require(fopen(path, "w"))
        fputs(text, file)
        fclose(file)
    }
}

@Suite(.serialized, .enabled(if: Live.enabled, Live.reason))
struct RemoteTests {
    static var runtimeDirectory: String { String(cString: getenv("XDG_RUNTIME_DIR")) }

    @Test func reachesTheUserManagerThroughSSH() throws {
        let server = try TestSSHServer(runtimeDirectory: Self.runtimeDirectory)
        let name = uniqueName("remote")
        let started = unitify(["run", "--name", name, "--", "sleep", "300"])
        defer { _ = unitify(["stop", name]) }
        try #require(started.status == 0, "\(started.stderr)")
        let local = try Jobs.user().status(of: "\(name).service")

        let (session, answer) = try server.connection().connectManager()
        #expect(answer.uid == getuid())
        #expect(answer.bus?.hasPrefix(Self.runtimeDirectory) == true)
        let remote = Jobs(bus: try #require(session.bus))
        let seen = try remote.status(of: "\(name).service")
        #expect(seen.mainPID == local.mainPID && seen.mainPID != 0)
        #expect(try remote.managedUnits().contains("\(name).service"))
        let ending = monotonicMicroseconds()
        session.end()
        // ssh sees the stream end and exits, well before end()'s 5 s grace and SIGKILL.
        #expect(monotonicMicroseconds() - ending < 4_000_000)
    }

    @Test func aSecondConnectionReusesTheMaster() throws {
        let server = try TestSSHServer(runtimeDirectory: Self.runtimeDirectory)
        let connection = server.connection()
        let (first, _) = try connection.connectManager()
        defer { first.end() }
        let control = try #require(directoryEntries(connection.controlDirectory).first { $0.hasPrefix("cm-") })
        // Connections to the server, counted by the kernel rather than timed: a second session
        // through the master opens no TCP connection (and so makes no key exchange) of its own.
        func connections() -> Int {
            run(["ss", "-Htn", "state", "established", "( dport = :\(server.port) )"]).stdout.split(separator: "\n").count
        }
        #expect(connections() == 1)
        let (second, _) = try connection.connectManager()
        #expect(connections() == 1, "\(run(["ss", "-tn"]).stdout)")
        second.end()
        #expect(!control.isEmpty)
    }

    /// ssh's master sockets never sit where another user can replace them: without a runtime
    /// directory, a `/tmp/unitify-UID` that another user made first (mode 0777) is refused in one
    /// line and a private directory used instead; one of the caller's own that is too open is
    /// narrowed to 0700. A stand-in ssh on PATH says where it was told to put its master.
    @Test func masterSocketsNeverSitInADirectoryOfAnotherUser() throws {
        let temporary = makeTemporaryDirectory()
        defer { removeTree(temporary) }
        let squatted = temporary + "/unitify-\(geteuid())"
        #expect(mkdir(squatted, 0o777) == 0 && chmod(squatted, 0o777) == 0 && chown(squatted, 1234, 1234) == 0)
        #expect(mkdir(temporary + "/bin", 0o755) == 0)
        let ssh = temporary + "/bin/ssh"
        let script = try #require(fopen(ssh, "w"))
        fputs("#!/bin/sh\nprintf '%s\\n' \"$@\" >> \(temporary)/ssh-arguments\nexit 255\n", script)
        fclose(script)
        #expect(chmod(ssh, 0o755) == 0)
        func controlPaths(_ environment: [String: String]) -> (paths: [String], stderr: String) {
            unlink(temporary + "/ssh-arguments")
            let result = unitify(["status", "--host", "web1"], environment: environment.merging(
                ["XDG_RUNTIME_DIR": "", "PATH": temporary + "/bin:/usr/bin:/bin"]) { $1 })
            let paths = readFile(temporary + "/ssh-arguments").split(separator: "\n").filter { $0.hasPrefix("ControlPath=") }
            return (paths.map { String($0.dropFirst("ControlPath=".count)) }, result.stderr)
        }

        let (paths, stderr) = controlPaths(["TMPDIR": temporary])
        #expect(!paths.isEmpty && paths.allSatisfy { !$0.hasPrefix(squatted + "/") }, "\(paths)")
        let note = stderr.split(separator: "\n").first.map(String.init) ?? ""
        let prefix = "unitify: \(squatted) belongs to uid 1234, not to you: ssh's master sockets go to \(squatted)."
        #expect(note.hasPrefix(prefix) && note.hasSuffix(" for this command"), "\(stderr)")
        let chosen = String(note.dropFirst("unitify: \(squatted) belongs to uid 1234, not to you: ssh's master sockets go to ".count).dropLast(" for this command".count))
        #expect(paths.allSatisfy { $0 == chosen + "/cm-%C" }, "\(paths)")
        var info = stat()
        #expect(lstat(chosen, &info) == 0 && info.st_uid == geteuid() && info.st_mode & 0o7777 == 0o700)

        // A directory of the caller's own, left open: narrowed, used, and nothing said.
        let open = temporary + "/own"
        #expect(mkdir(open, 0o755) == 0 && mkdir(open + "/unitify-\(geteuid())", 0o777) == 0 && chmod(open + "/unitify-\(geteuid())", 0o777) == 0)
        let (ownPaths, ownStderr) = controlPaths(["TMPDIR": open])
        #expect(ownPaths.allSatisfy { $0 == open + "/unitify-\(geteuid())/unitify/ssh/cm-%C" } && !ownPaths.isEmpty, "\(ownPaths)")
        #expect(!ownStderr.contains("master sockets"), "\(ownStderr)")
        for level in ["", "/unitify", "/unitify/ssh"] {
            #expect(lstat(open + "/unitify-\(geteuid())" + level, &info) == 0 && info.st_mode & 0o7777 == 0o700, "\(level)")
        }
    }

    @Test func refusedConnectionIsSaidInWords() throws {
        let server = try TestSSHServer(runtimeDirectory: Self.runtimeDirectory)
        // A port on which nothing listens: the server's own port plus one is not bound by it.
        var closed = server.port &+ 1
        while run(["sh", "-c", "ss -ltn 'sport = :\(closed)' | grep -q LISTEN"]).status == 0 { closed &+= 1 }
        #expect {
            _ = try server.connection(port: closed).connectManager()
        } throws: { error in
            "\(error)".contains("refused the connection on port \(closed)")
        }
    }

    @Test func unknownHostKeyIsSaidInWords() throws {
        let server = try TestSSHServer(runtimeDirectory: Self.runtimeDirectory)
        #expect {
            _ = try server.connection("unknown").connectManager()
        } throws: { error in
            "\(error)".contains("host key is not known") && "\(error)".hasPrefix("127.0.0.1:\(server.port): ")
        }
    }

    @Test func refusedAuthenticationIsSaidInWords() throws {
        let server = try TestSSHServer(runtimeDirectory: Self.runtimeDirectory)
        #expect {
            _ = try server.connection("stranger").connectManager()
        } throws: { error in
            "\(error)".contains("authentication was refused") && "\(error)".contains("never asks for a password")
        }
    }

    @Test func noManagerThereIsSaidInWords() throws {
        let server = try TestSSHServer(runtimeDirectory: "/nonexistent-runtime")
        #expect {
            _ = try server.connection().connectManager()
        } throws: { error in
            "\(error)".contains("no systemd user manager runs for root")
        }
    }

    @Test func readsTheLastLinesOfARemoteJob() throws {
        let server = try TestSSHServer(runtimeDirectory: Self.runtimeDirectory)
        let name = uniqueName("remotelog")
        let started = unitify(["run", "--name", name, "--", "sh", "-c", "for i in 1 2 3 4 5; do echo remote line $i; done; exec sleep 300"])
        defer { _ = unitify(["stop", name]) }
        try #require(started.status == 0, "\(started.stderr)")
        let journal = RemoteJournal(connection: server.connection(), uid: getuid(), units: ["\(name).service"])
        var messages: [String] = []
        #expect(eventually {
            messages = []
            // Ten lines hold the job's five and the manager's own two about it, in whatever order
            // journald put them.
            try? journal.stream(lines: 10, follow: false) { entry in
                if entry.string("SYSLOG_IDENTIFIER") == name { messages.append(entry.string("MESSAGE") ?? "") }
                return true
            }
            return messages == (1...5).map { "remote line \($0)" }
        }, "\(messages)")
    }

    /// The ssh master dies mid-follow (as when a network drops): the follow reconnects and goes on
    /// after the last line it had, so the numbers arrive in order with none missing or doubled.
    @Test func followResumesAfterADroppedConnectionWithNothingLostOrDoubled() throws {
        let server = try TestSSHServer(runtimeDirectory: Self.runtimeDirectory)
        let name = uniqueName("remotefollow")
        let started = unitify(["run", "--name", name, "--", "sh", "-c", "i=0; while [ $i -lt 60 ]; do i=$((i+1)); echo tick $i; sleep 0.05; done; exec sleep 300"])
        defer { _ = unitify(["stop", name]) }
        try #require(started.status == 0, "\(started.stderr)")
        let connection = server.connection()
        let journal = RemoteJournal(connection: connection, uid: getuid(), units: ["\(name).service"])
        var ticks: [Int] = []
        var drops = 0
        var killed = false
        try journal.stream(lines: nil, follow: true, deadline: monotonicMicroseconds() + 30_000_000, reconnected: { _ in drops += 1 }) { entry in
            guard entry.string("SYSLOG_IDENTIFIER") == name, let message = entry.string("MESSAGE"), message.hasPrefix("tick ") else { return true }
            ticks.append(Int(message.dropFirst(5)) ?? -1)
            if ticks.count == 15 && !killed {
                killed = true
                // The master (its title names the control socket) and the client riding on it: the
                // connection is gone as when a network drops.
                let master = run(["sh", "-c", "pgrep -f '\(connection.controlDirectory)/cm-'"]).stdout
                for pid in master.split(separator: "\n").compactMap({ Int32($0) }) { kill(pid, SIGKILL) }
            }
            return ticks.count < 60
        }
        #expect(killed && drops >= 1)
        #expect(ticks == Array(1...60))
    }

    @Test func writesAFileAtomicallyAndNeverThroughALink() throws {
        let server = try TestSSHServer(runtimeDirectory: Self.runtimeDirectory)
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let connection = server.connection()
        let text = "[Service]\nExecStart=/bin/echo \"it's $HOME\" %h\n"
        try connection.writeFile("\(directory)/units/job.service", text)
        #expect(readFile("\(directory)/units/job.service") == text)
        var info = stat()
        #expect(stat("\(directory)/units/job.service", &info) == 0 && info.st_mode & 0o777 == 0o644)
        #expect(directoryEntries("\(directory)/units") == ["job.service"])  // no temporary file left

        symlink("/etc/hostname", "\(directory)/units/link.service")
        #expect {
            try connection.writeFile("\(directory)/units/link.service", text)
        } throws: { error in
            "\(error)".contains("is a symbolic link")
        }
        #expect(readFile("/etc/hostname") != text)
    }

    /// `status --host` over two sshds (both reach this manager, as two hosts would their own) and a
    /// port where nothing listens: one table with a HOST column, and the dead host in one line.
    @Test func statusOfAFleetInOneTable() throws {
        let first = try TestSSHServer(runtimeDirectory: Self.runtimeDirectory)
        let second = try TestSSHServer(runtimeDirectory: Self.runtimeDirectory)
        let name = uniqueName("fleet")
        let started = unitify(["run", "--name", name, "--", "sleep", "300"])
        defer { _ = unitify(["stop", name]) }
        try #require(started.status == 0, "\(started.stderr)")
        // One ssh_config for both: the same client key is authorized on each.
        _ = spawnAndWait(["sh", "-c", "cp \(first.directory)/client_key.pub \(second.directory)/authorized_keys && cat \(second.directory)/known_hosts >> \(first.directory)/known_hosts"])
        let environment = ["UNITIFY_SSH_CONFIG": "\(first.directory)/ssh_config_good", "UNITIFY_DELEGATE": "0"]
        let hosts = "127.0.0.1:\(first.port),127.0.0.1:\(second.port)"

        let table = unitify(["status", "--host", hosts], environment: environment)
        #expect(table.status == 0, "\(table.stderr)")
        let rows = table.stdout.split(separator: "\n").map(String.init)
        #expect(rows.first?.hasPrefix("HOST") == true && rows.first?.contains("NAME") == true, "\(table.stdout)")
        for port in [first.port, second.port] {
            #expect(rows.contains { $0.hasPrefix("127.0.0.1:\(port) ") && $0.contains(" \(name) ") && $0.contains("running") }, "\(table.stdout)")
        }

        let named = unitify(["status", "--host", hosts, "--json", name], environment: environment)
        #expect(named.status == 0, "\(named.stderr)")
        #expect(named.stdout.contains("\"host\":\"127.0.0.1:\(first.port)\"") && named.stdout.contains("\"host\":\"127.0.0.1:\(second.port)\""), "\(named.stdout)")

        var closed = second.port &+ 1
        while run(["sh", "-c", "ss -ltn 'sport = :\(closed)' | grep -q LISTEN"]).status == 0 { closed &+= 1 }
        let partly = unitify(["status", "--host", "127.0.0.1:\(first.port)", "--host", "127.0.0.1:\(closed)"], environment: environment)
        #expect(partly.status == 1)
        #expect(partly.stderr == "unitify: 127.0.0.1:\(closed): refused the connection on port \(closed): is sshd running there?\n", "\(partly.stderr)")
        #expect(partly.stdout.contains("127.0.0.1:\(first.port) ") && partly.stdout.contains(name), "the live host is still shown: \(partly.stdout)")

        let bad = unitify(["status", "--host=-oProxyCommand=x"], environment: environment)
        #expect(bad.status == 2 && bad.stderr.contains("is not a host name") && bad.stdout.isEmpty, "\(bad.stderr)")
    }

    /// `status --host` over a fleet of 100 names (`h1`…`h95` one sshd, `h96`…`h100` closed ports,
    /// all on 127.0.0.1) with `--parallel 8`: the 95 in one table, one line per dead host naming
    /// it, exit 1, and never more than 8 hosts with an ssh of this unitify at once (its children
    /// sampled while it runs, each ssh's host the word after its `--`).
    @Test func aFleetOfAHundredHostsIsReachedAtMostParallelAtOnce() throws {
        let server = try TestSSHServer(runtimeDirectory: Self.runtimeDirectory)
        let name = uniqueName("hundred")
        let started = unitify(["run", "--name", name, "--", "sleep", "300"])
        defer { _ = unitify(["stop", name]) }
        try #require(started.status == 0, "\(started.stderr)")
        var closed: [UInt16] = []
        var port = server.port &+ 1
        while closed.count < 5 {
            if run(["sh", "-c", "ss -ltn 'sport = :\(port)' | grep -q LISTEN"]).status != 0 { closed.append(port) }
            port &+= 1
        }
        let live = (1...95).map { "h\($0)" }, dead = (96...100).map { "h\($0)" }
        let config = server.directory + "/ssh_config_hundred"
        try server.write("Host \(live.joined(separator: " "))\n  Port \(server.port)\n"
                         + zip(dead, closed).map { "Host \($0)\n  Port \($1)\n" }.joined()
                         + readFile(server.directory + "/ssh_config_good"), to: config)
        let out = server.directory + "/out", err = server.directory + "/err"
        let pid = spawnBackground(["sh", "-c", "exec \"$@\" 2>\(err)", "sh", "env", "UNITIFY_SSH_CONFIG=\(config)",
                                   unitifyBinary, "status", "--host", (live + dead).joined(separator: ","), "--parallel", "8"], outputPath: out)
        var status: Int32 = 0
        var most = 0, samples = 0
        // A deadline a loaded machine does not reach: 100 cold handshakes took 50 s on an idle
        // machine and 172 s beside stress-ng and another test run.
        let deadline = monotonicMicroseconds() + 900_000_000
        while waitpid(pid, &status, WNOHANG) == 0 {
            guard monotonicMicroseconds() < deadline else {
                // What it was waiting on: its children, and what it had printed.
                let children = childCommandLines(of: pid).map { $0.joined(separator: " ") }.joined(separator: "\n")
                kill(pid, SIGKILL); _ = waitForExit(pid)
                Issue.record("still running after 900 s; its children: \(children)\nstderr: \(readFile(err))\nstdout: \(readFile(out))")
                return
            }
            // Each ssh child's host is the word after its `--`.
            let hosts = Set(childCommandLines(of: pid).compactMap { words -> String? in
                guard words.first?.hasSuffix("ssh") == true, let dashes = words.firstIndex(of: "--"), dashes + 1 < words.count else { return nil }
                return words[dashes + 1]
            })
            most = max(most, hosts.count)
            if !hosts.isEmpty { samples += 1 }
            usleep(20_000)
        }
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let stdout = readFile(out), stderr = readFile(err)
        #expect(exitStatus == 1, "\(stderr)")
        #expect(samples > 0 && most <= 8, "hosts in flight at once: at most \(most) in \(samples) samples")
        let rows = stdout.split(separator: "\n").map(String.init)
        #expect(rows.first?.hasPrefix("HOST") == true && rows.filter { $0.hasPrefix("HOST") }.count == 1, "one table: \(stdout)")
        for host in live {
            #expect(rows.contains { $0.hasPrefix(host + " ") && $0.contains(" \(name) ") && $0.contains("running") }, "\(host): \(stdout)")
        }
        let failures = stderr.split(separator: "\n").map(String.init)
        #expect(failures.count == dead.count, "\(stderr)")
        for (host, port) in zip(dead, closed) {
            #expect(failures.contains("unitify: \(host): refused the connection on port \(port): is sshd running there?"), "\(stderr)")
        }
    }

    /// Two sshds that both reach this machine's manager, as two hosts would their own; one
    /// ssh_config (the same client key is authorized on each) passed as `UNITIFY_SSH_CONFIG`.
    static func twoHosts() throws -> (TestSSHServer, TestSSHServer, [String: String]) {
        let first = try TestSSHServer(runtimeDirectory: runtimeDirectory)
        let second = try TestSSHServer(runtimeDirectory: runtimeDirectory)
        _ = spawnAndWait(["sh", "-c", "cp \(first.directory)/client_key.pub \(second.directory)/authorized_keys && cat \(second.directory)/known_hosts >> \(first.directory)/known_hosts"])
        return (first, second, ["UNITIFY_SSH_CONFIG": "\(first.directory)/ssh_config_good", "UNITIFY_DELEGATE": "0"])
    }

    /// Each host's lines, by the host that starts them.
    static func lines(_ text: String, of host: String) -> [String] {
        text.split(separator: "\n").filter { $0.hasPrefix(host + " ") }.map { String($0.dropFirst(host.count + 1)) }
    }

    /// `journal --host` of two hosts: every line of the job on each, led by its host padded to the
    /// widest, merged in time order; -o json carries the host; a dead host is one line and the
    /// other is shown; a name that is no job on any host exits 4.
    @Test func journalOfAFleetMergedInTimeOrder() throws {
        let (first, second, environment) = try Self.twoHosts()
        let name = uniqueName("fleetlog")
        let started = unitify(["run", "--name", name, "--", "sh", "-c", "for i in 1 2 3 4; do echo fleet line $i; sleep 0.05; done; exec sleep 300"])
        defer { _ = unitify(["stop", name]) }
        try #require(started.status == 0, "\(started.stderr)")
        let (one, two) = ("127.0.0.1:\(first.port)", "127.0.0.1:\(second.port)")
        var shown = Completed(status: -1, stdout: "", stderr: "")
        #expect(eventually {
            shown = unitify(["journal", "--host", "\(one),\(two)", name, "-o", "short-precise"], environment: environment)
            return shown.stdout.contains("fleet line 4")
        }, "\(shown.stderr)")
        #expect(shown.status == 0 && shown.stderr.isEmpty, "\(shown.stderr)")
        let local = unitify(["journal", name, "-o", "short-precise"])
        for host in [one, two] {
            // Exactly the local lines, each after its host.
            #expect(Self.lines(shown.stdout, of: host) == local.stdout.split(separator: "\n").map(String.init), "\(shown.stdout)")
        }
        // Time order across the hosts: "HOST Mon DD HH:MM:SS.micros ...".
        let times = shown.stdout.split(separator: "\n").map { $0.split(separator: " ")[3] }
        #expect(times == times.sorted() && times.count == 2 * local.stdout.split(separator: "\n").count, "\(shown.stdout)")

        let json = unitify(["journal", "--host", one, name, "-o", "json", "-n", "1"], environment: environment)
        #expect(json.status == 0 && json.stdout.hasPrefix("{\"UNITIFY_HOST\":\"\(one)\",\"__CURSOR\":") && json.stdout.contains("\"MESSAGE\":\""), "\(json.stdout)")

        var closed = second.port &+ 1
        while run(["sh", "-c", "ss -ltn 'sport = :\(closed)' | grep -q LISTEN"]).status == 0 { closed &+= 1 }
        let partly = unitify(["journal", "--host", "\(one),127.0.0.1:\(closed)", name, "-o", "cat"], environment: environment)
        #expect(partly.status == 1)
        #expect(partly.stderr == "unitify: 127.0.0.1:\(closed): refused the connection on port \(closed): is sshd running there?\n", "\(partly.stderr)")
        // Padded to the widest host, the dead one's name included.
        let pad = String(repeating: " ", count: "127.0.0.1:\(closed)".count - one.count)
        #expect(partly.stdout.contains("\(one)\(pad) fleet line 4\n"), "\(partly.stdout)")

        let unknown = unitify(["journal", "--host", "\(one),\(two)", uniqueName("nosuchjob")], environment: environment)
        #expect(unknown.status == 4 && unknown.stdout.isEmpty && unknown.stderr.contains("no unit named nosuchjob-"), "\(unknown.stderr)")
        // --run: the runs told apart by that host's journal, as here.
        let runs = unitify(["journal", "--host", one, name, "--run", "current", "-o", "short-precise"], environment: environment)
        let localRun = unitify(["journal", name, "--run", "current", "-o", "short-precise"])
        #expect(runs.status == 0 && localRun.status == 0, "\(runs.stderr)\(localRun.stderr)")
        #expect(Self.lines(runs.stdout, of: one) == localRun.stdout.split(separator: "\n").map(String.init) && runs.stdout.contains("fleet line 4"), "\(runs.stdout)")
    }

    /// `journal -f` across two hosts while one host's connection is killed (its master and its
    /// ssh, as when a network drops): lines written before, while it is down and after all
    /// arrive once from each host, in order.
    @Test func followOfAFleetSurvivesAKilledConnection() throws {
        let (first, second, environment) = try Self.twoHosts()
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let name = uniqueName("fleetfollow")
        // Five lines per stage; each stage waits for its file.
        let script = ["before", "mid", "during", "after"].enumerated().map { index, stage in
            (index == 0 ? "" : "while [ ! -e \(directory)/\(stage) ]; do sleep 0.02; done; ") + "for i in 1 2 3 4 5; do echo \(stage) $i; done; "
        }.joined() + "exec sleep 300"
        let started = unitify(["run", "--name", name, "--", "sh", "-c", script])
        defer { _ = unitify(["stop", name]) }
        try #require(started.status == 0, "\(started.stderr)")
        let (one, two) = ("127.0.0.1:\(first.port)", "127.0.0.1:\(second.port)")
        let out = directory + "/out", err = directory + "/err"
        let pid = spawnBackground(["sh", "-c", "exec \"$@\" 2>\(err)", "sh", "env", "UNITIFY_SSH_CONFIG=\(environment["UNITIFY_SSH_CONFIG"]!)",
                                   unitifyBinary, "journal", "--host", "\(one),\(two)", name, "-f", "-o", "cat"], outputPath: out)
        defer {
            kill(pid, SIGKILL)
            _ = waitForExit(pid)
        }
        func arrived(_ line: String) -> Bool {
            let text = readFile(out)
            return [one, two].allSatisfy { Self.lines(text, of: $0).contains(line) }
        }
        #expect(eventually { arrived("before 5") }, "\(readFile(out)) \(readFile(err))")
        _ = spawnAndWait(["touch", directory + "/mid"])
        #expect(eventually { arrived("mid 5") }, "\(readFile(out))")

        // The second host's master (ssh -O check names it) and its ssh processes.
        let check = run(["ssh", "-F", environment["UNITIFY_SSH_CONFIG"]!, "-o", "ControlPath=\(try Fleet.controlDirectory())/cm-%C",
                         "-p", "\(second.port)", "-O", "check", "127.0.0.1"])
        let master = try #require(check.stderr.firstMatch(of: /pid=(\d+)/).flatMap { Int32($0.1) }, "\(check.stderr)")
        let clients = run(["pgrep", "-f", "--", "-p \(second.port) -- 127.0.0.1"]).stdout.split(separator: "\n").compactMap { Int32($0) }
        #expect(!clients.isEmpty)
        for victim in [master] + clients { kill(victim, SIGKILL) }
        _ = spawnAndWait(["touch", directory + "/during"])
        #expect(eventually { arrived("during 5") }, "\(readFile(out)) \(readFile(err))")
        _ = spawnAndWait(["touch", directory + "/after"])
        #expect(eventually { arrived("after 5") }, "\(readFile(out))")

        let text = readFile(out)
        let expected = ["before", "mid", "during", "after"].flatMap { stage in (1...5).map { "\(stage) \($0)" } }
        for host in [one, two] {
            #expect(Self.lines(text, of: host).filter { expected.contains($0) } == expected, "\(host): \(text)")
        }
        #expect(readFile(err).contains("unitify: \(two): lost the connection"), "\(readFile(err))")
        #expect(!readFile(err).contains(one), "\(readFile(err))")
        kill(pid, SIGTERM)
        #expect(waitForExit(pid) == 0)
        // Its ssh processes end with it, not at their next line.
        #expect(eventually {
            [first.port, second.port].allSatisfy { run(["pgrep", "-f", "--", "-p \($0) -- 127.0.0.1"]).status != 0 }
        }, "\(run(["pgrep", "-af", "--", "-- 127.0.0.1 journalctl"]).stdout)")
    }
}

/// The argument vectors of `parent`'s children, read from /proc: sampled every 20 ms, where a
/// `pgrep` per sample would itself load the machine whose load the test is measured under.
func childCommandLines(of parent: pid_t) -> [[String]] {
    directoryEntries("/proc").compactMap { entry -> [String]? in
        guard entry.allSatisfy(\.isNumber), ProcStat(parsing: readFile("/proc/\(entry)/stat"))?.parentPID == parent else { return nil }
        return readFile("/proc/\(entry)/cmdline").split(separator: "\0").map(String.init)
    }
}
