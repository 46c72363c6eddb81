import Glibc
import Testing
import UnitifyClient
import UnitifyCore

/// Nohup lines as people write them, each run twice from the same layout (a home and a working
/// directory): once by bash, once by `unitify run --line`. The files must be the same ones with the
/// same output, the pid file must hold the job's main pid, and the job must still run.
@Suite(.enabled(if: Live.enabled, Live.reason))
struct NohupLineTests {
    /// A line, the log file the shell writes (relative to the layout) and its pid file, if any.
    static let lines: [(line: String, log: String, pidFile: String?, notes: [String])] = [
        ("nohup python train.py > train.log 2>&1 & disown", "work/train.log", nil, ["dropped 'disown'"]),
        ("nohup python train.py > train.log 2>&1 &\ndisown -h %1", "work/train.log", nil, ["dropped 'disown'"]),
        ("nohup python train.py > ~/logs/train.log 2>&1 &", "home/logs/train.log", nil, []),
        ("nohup ./server > $HOME/server.log 2>&1 &", "home/server.log", nil, []),
        ("nohup ./server > \"$HOME/server.log\" 2>&1 &", "home/server.log", nil, []),
        ("nohup python script.py > out.log 2>&1 & echo $! > pid.txt", "work/out.log", "work/pid.txt", ["wrote the job's pid to", "'unitify status NAME' is the better way"]),
        ("setsid nohup python train.py > t.log 2>&1 &", "work/t.log", nil, ["dropped 'setsid'"]),
        // `cd DIR && job &` is run in a subshell: the shell's `echo` stays where the line started.
        ("cd app && nohup ./server > server.log 2>&1 & echo $! > server.pid", "work/app/server.log", "work/server.pid",
         ["wrote the job's pid to", "'unitify status NAME' is the better way"]),
        ("cd app\nnohup ./server > server.log 2>&1 &\necho $! > server.pid", "work/app/server.log", "work/app/server.pid",
         ["wrote the job's pid to", "'unitify status NAME' is the better way"]),
    ]

    /// `ROOT/home` (HOME, with `logs/`), `ROOT/work` (where the line is run, with `./server` and
    /// `app/server`) and
    /// `ROOT/bin/python`: programs that print their name and arguments, then stay, as a job does,
    /// only under systemd ($INVOCATION_ID), so that the shell's copies end by themselves.
    func layout() -> String {
        let root = makeTemporaryDirectory()
        let program = "#!/bin/sh\\necho \"${0##*/} $*\"\\n[ -n \"$INVOCATION_ID\" ] && exec sleep 300\\nexit 0\\n"
        let made = spawnAndWait(["sh", "-c", """
            cd \(root) && mkdir -p home/logs work/app bin &&
            printf '\(program)' > bin/python && printf '\(program)' > work/server && cp work/server work/app/server &&
            chmod +x bin/python work/server work/app/server
            """])
        precondition(made == 0)
        return root
    }

    /// The files under `root`, relative to it.
    func files(_ root: String) -> [String] {
        run(["sh", "-c", "cd \"$1\" && find . -type f | sort", "sh", root]).stdout.split(separator: "\n").map { String($0.dropFirst(2)) }
    }

    func environment(_ root: String) -> [String: String] {
        ["HOME": "\(root)/home", "PATH": "\(root)/bin:/usr/local/bin:/usr/bin:/bin"]
    }

    @Test(arguments: lines)
    func doesWhatTheShellDid(_ line: String, _ log: String, _ pidFile: String?, _ notes: [String]) throws {
        let shell = layout()
        let here = layout()
        defer { removeTree(shell); removeTree(here) }

        // Input from /dev/null, as in CI: on a terminal nohup would add "ignoring input" to the log.
        // Its status is not the point: `disown %1` fails when the shell's job has ended already.
        _ = run(["sh", "-c", "exec env -u INVOCATION_ID bash -c \"$1\" < /dev/null", "sh", line], in: shell + "/work", environment: environment(shell))
        #expect(eventually { !readFile("\(shell)/\(log)").isEmpty && pidFile.map { !readFile("\(shell)/\($0)").isEmpty } != false })
        let output = readFile("\(shell)/\(log)")
        #expect(output.hasSuffix("train.py\n") || output.hasSuffix("script.py\n") || output == "server \n", "\(output)")

        let name = uniqueName("line")
        let started = unitify(["run", "--name", name, "--line", line], in: here + "/work", environment: environment(here))
        defer { _ = unitify(["stop", name]) }
        try #require(started.status == 0, "\(started.stderr)")
        #expect(started.stdout.hasPrefix("started \(name).service (pid "), "\(started.stdout)")
        for note in notes {
            let said = note.replacing("NAME", with: name)
            #expect(started.stderr.ranges(of: said).count == 1, "said once: \(said) in \(started.stderr)")
        }
        if notes.isEmpty { #expect(started.stderr.isEmpty, "\(started.stderr)") }

        #expect(eventually { readFile("\(here)/\(log)") == output }, "\(readFile("\(here)/\(log)"))")
        #expect(files(here) == files(shell), "the same files where the shell put them")
        let status = try Jobs.user().status(of: "\(name).service")
        #expect(status.isRunning && status.mainPID != 0, "the job runs on (setsid would have ended the unit): \(status.state)")
        if let pidFile {
            #expect(readFile("\(shell)/\(pidFile)").allSatisfy { $0.isNumber || $0 == "\n" }, "the shell's pid file: a pid")
            #expect(readFile("\(here)/\(pidFile)") == "\(status.mainPID)\n")
        }
    }

    /// `>>` appends, as the shell's would: the line run again adds the new job's pid.
    @Test func twoAnglesAppendThePid() throws {
        let here = layout()
        defer { removeTree(here) }
        let name = uniqueName("pids")
        let first = unitify(["run", "--name", name, "--line", "./server & echo $! >> pids.txt"], in: here + "/work", environment: environment(here))
        try #require(first.status == 0, "\(first.stderr)")
        let firstPID = try Jobs.user().status(of: "\(name).service").mainPID
        let second = unitify(["run", "--name", name, "--replace", "--line", "./server & echo $! >> pids.txt"], in: here + "/work", environment: environment(here))
        defer { _ = unitify(["stop", name]) }
        try #require(second.status == 0, "\(second.stderr)")
        let secondPID = try Jobs.user().status(of: "\(name).service").mainPID
        #expect(firstPID != secondPID)
        #expect(readFile("\(here)/work/pids.txt") == "\(firstPID)\n\(secondPID)\n")
    }

    /// Refused in one line, with nothing started and no file written.
    @Test(arguments: [
        ("nohup ./server > $UNITIFY_SURELY_UNSET/x.log 2>&1 &", "the variable '$UNITIFY_SURELY_UNSET' in '$UNITIFY_SURELY_UNSET/x.log' is not set"),
        ("nohup ./server $TWO_WORDS &", "has blanks, at which the shell would split it"),
        ("./server & echo $!", "'echo $!' prints the job's pid"),
        ("./server & echo $! > nowhere/server.pid", "directory"),
    ])
    func refusesInOneLine(_ line: String, _ message: String) throws {
        let here = layout()
        defer { removeTree(here) }
        let name = uniqueName("badline")
        var environment = environment(here)
        environment["TWO_WORDS"] = "--a --b"
        let result = unitify(["run", "--name", name, "--line", line], in: here + "/work", environment: environment)
        #expect(result.status == 2)
        #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains(message), "\(result.stderr)")
        #expect(try Jobs.user().status(of: "\(name).service").loadState == .notFound)
        #expect(files(here) == ["bin/python", "work/app/server", "work/server"])
    }
}

/// `--line` with `--host`: `~`, `~USER` and `$HOME` are the remote login's, as its PATH is (here the
/// sshd on 127.0.0.1 logs in as root, HOME=/root, while the caller's HOME is elsewhere), and the
/// pid file is written there.
@Suite(.serialized, .enabled(if: Live.enabled, Live.reason))
struct RemoteNohupLineTests {
    @Test func tildeAndHomeAreTheRemoteHosts() throws {
        let server = try TestSSHServer(runtimeDirectory: RemoteTests.runtimeDirectory)
        let host = "127.0.0.1:\(server.port)"
        let directory = uniqueName("unitify-line")
        let there = "/root/\(directory)"
        let callerHome = makeTemporaryDirectory()
        defer { removeTree(there); removeTree(callerHome) }
        let program = "#!/bin/sh\\necho \"${0##*/} started\"\\nexec sleep 300\\n"
        try #require(spawnAndWait(["sh", "-c", "mkdir -p \(there) && printf '\(program)' > \(there)/server && chmod +x \(there)/server"]) == 0)

        let name = uniqueName("rline")
        let line = "cd ~/\(directory) && nohup ./server > ~root/\(directory)/server.log 2>&1 & echo $! > $HOME/\(directory)/server.pid"
        let started = unitify(["run", "--host", host, "--name", name, "--line", line],
                              environment: ["UNITIFY_SSH_CONFIG": "\(server.directory)/ssh_config_good", "HOME": callerHome])
        defer { _ = unitify(["stop", name]) }
        try #require(started.status == 0, "\(started.stderr)")
        #expect(started.stderr.contains("wrote the job's pid to \(there)/server.pid"), "\(started.stderr)")
        #expect(started.stderr.contains("'unitify status --host \(host) \(name)' is the better way"), "\(started.stderr)")
        let status = try Jobs.user().status(of: "\(name).service")
        #expect(status.workingDirectory == there)
        #expect(eventually { readFile("\(there)/server.log") == "server started\n" }, "\(readFile("\(there)/server.log"))")
        #expect(readFile("\(there)/server.pid") == "\(status.mainPID)\n")
        #expect(files(callerHome).isEmpty, "nothing in the caller's home")
    }

    func files(_ root: String) -> [String] {
        run(["sh", "-c", "cd \"$1\" && find . -type f", "sh", root]).stdout.split(separator: "\n").map(String.init)
    }
}

extension NohupLineTests {
    /// As after the shell's `echo $! > FILE` into a file it cannot write: said, and the job runs.
    @Test func aPidFileThatCannotBeWrittenIsSaid() throws {
        let here = layout()
        defer { removeTree(here) }
        let name = uniqueName("nopid")
        let started = unitify(["run", "--name", name, "--line", "./server & echo $! > /proc/version"], in: here + "/work", environment: environment(here))
        defer { _ = unitify(["stop", name]) }
        #expect(started.status == 0, "\(started.stderr)")
        #expect(started.stderr.hasPrefix("unitify: note: cannot write /proc/version: "), "\(started.stderr)")
        #expect(started.stderr.contains("; the job runs, and 'unitify status \(name)' shows its pid\n"), "\(started.stderr)")
        #expect(try Jobs.user().status(of: "\(name).service").isRunning)
    }
}

extension BootedRemoteTests {
    /// `--line` with `--host` on a machine with its own file system: `~` and `$HOME` are alice's
    /// there, and the log and the pid file are written there, where no such directory exists here.
    @Test func aNohupLineOnABootedHost() throws {
        let port = Self.freePort()
        try withMachine("line", sshPort: port) { machine in
            let (directory, config) = try Self.client(for: machine, port: port, users: ["alice"])
            defer { removeTree(directory) }
            let program = "#!/bin/sh\\necho server listening\\nexec sleep 1000\\n"
            #expect(machine.root("install -d -o alice -g alice ~alice/app && printf '\(program)' > ~alice/app/server && chown alice: ~alice/app/server && chmod +x ~alice/app/server").status == 0)
            let home = machine.root("getent passwd alice | cut -d: -f6").stdout.trimmed
            #expect(access(home + "/app", F_OK) != 0, "\(home)/app is the machine's only")

            let line = "cd ~/app && nohup ./server > ~alice/app/server.log 2>&1 & echo $! > $HOME/app/server.pid"
            let started = runClean(["sh", "-c", "UNITIFY_SSH_CONFIG=\(config) \"$0\" run --host alice@127.0.0.1:\(port) --line \"$1\"", unitifyBinary, line])
            try #require(started.status == 0, "\(started.stderr)")
            #expect(started.stderr.contains("wrote the job's pid to \(home)/app/server.pid"), "\(started.stderr)")
            let pid = machine.login("alice", "systemctl --user show -p MainPID --value server.service").stdout.trimmed
            #expect(pid != "" && pid != "0")
            #expect(machine.root("cat \(home)/app/server.pid").stdout == pid + "\n")
            #expect(eventually { machine.root("cat \(home)/app/server.log").stdout == "server listening\n" })
        }
    }
}
