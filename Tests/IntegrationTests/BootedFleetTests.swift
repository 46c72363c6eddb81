import Glibc
import Testing
import UnitifyClient
import UnitifyCore

/// The fleet commands on booted hosts, where logout, linger and reboots are real: `run --host`
/// on two hosts turns linger on there and the jobs outlive unitify's ssh sessions; `install
/// --host` on one makes its job come back after a reboot; a host whose logind refuses linger
/// gets no job that would die a few seconds later, but the fix.
extension BootedRemoteTests {
    /// unitify here, its ssh masters in a directory of the test's (so that it can close them:
    /// a live master is an open session there, which would hide a job dying at logout).
    struct Client {
        let config: String
        let runtime = makeTemporaryDirectory()

        func unitify(_ arguments: [String]) -> Completed {
            let words = arguments.map { ShellWords.quote($0) }.joined(separator: " ")
            return runClean(["sh", "-c", "XDG_RUNTIME_DIR=\(runtime) UNITIFY_SSH_CONFIG=\(config) \(unitifyBinary) \(words)"])
        }

        /// Ends every ssh master, as a user's would end ControlPersist= after the command.
        func closeMasters() {
            _ = runClean(["sh", "-c", "for s in \(runtime)/unitify/ssh/cm-*; do [ -S \"$s\" ] && ssh -o ControlPath=\"$s\" -O exit x 2>/dev/null; done; true"])
        }
    }

    @Test func runOnTwoHostsOutlivesTheSessionsAndInstallSurvivesAReboot() throws {
        let ports = [Self.freePort(), Self.freePort()]
        try withMachine("hosts1", sshPort: ports[0]) { web1 in
            try withMachine("hosts2", sshPort: ports[1]) { web2 in
                let (directory, config) = try Self.client(for: [web1, web2], ports: ports)
                defer { removeTree(directory) }
                let client = Client(config: config)
                defer { client.closeMasters(); removeTree(client.runtime) }
                let hosts = ports.map { "alice@127.0.0.1:\($0)" }
                for machine in [web1, web2] { #expect(machine.lingerProperty("alice") != "yes") }

                let started = client.unitify(["run", "--host", hosts.joined(separator: ","), "--name", "web", "--", "sleep", "1000"])
                #expect(started.status == 0, "\(started.stderr)")
                var pids: [Int] = []
                for (host, machine) in zip(hosts, [web1, web2]) {
                    #expect(started.stderr.contains("unitify: \(host): enabled linger for alice: "), "\(started.stderr)")
                    let line = try #require(started.stdout.lines.first { $0.hasPrefix("\(host): started web.service (pid ") }, "\(started.stdout)")
                    let pid = try #require(Int(line.split(separator: " ").last?.dropLast() ?? ""), "\(line)")
                    pids.append(pid)
                    #expect(machine.lingerProperty("alice") == "yes")
                }
                #expect(started.stdout.contains("  stop:   unitify stop --host \(hosts.joined(separator: ",")) web"), "\(started.stdout)")

                // unitify's sessions end; past logind's UserStopDelaySec= the jobs still run.
                client.closeMasters()
                for machine in [web1, web2] {
                    #expect(machine.waitForNoLogins(), "alice's ssh sessions did not end")
                }
                usleep(useconds_t((Booted.userStopDelay + 1.5) * 1_000_000))
                for (pid, machine) in zip(pids, [web1, web2]) {
                    #expect(machine.isRunning(pid), "the job died with unitify's ssh session")
                    #expect(machine.managerState(uid: 1000) == "active")
                }

                let installed = client.unitify(["install", "--host", hosts[0], "web"])
                #expect(installed.status == 0, "\(installed.stderr)")
                #expect(installed.stdout.hasPrefix("\(hosts[0]): installed web.service: /home/alice/.config/systemd/user/web.service\n"), "\(installed.stdout)")
                client.closeMasters()
                try web1.reboot()
                #expect(web1.waitForManager(uid: 1000))
                let table = client.unitify(["status", "--host", hosts.joined(separator: ",")])
                #expect(table.status == 0, "\(table.stderr)")
                let rows = table.stdout.lines
                #expect(rows.contains { $0.hasPrefix(hosts[0] + " ") && $0.contains(" web ") && $0.contains(" running ") && $0.contains(" persistent ") },
                        "the installed job is back after the reboot:\n\(table.stdout)")
                #expect(rows.contains { $0.hasPrefix(hosts[1] + " ") && $0.contains(" web ") && $0.contains(" running ") && $0.contains(" \(pids[1]) ") },
                        "\(table.stdout)")
            }
        }
    }

    @Test func aHostWhoseLogindRefusesLingerGetsTheFixNotAJob() throws {
        let port = Self.freePort()
        try withMachine("nolinger", sshPort: port) { machine in
            let (directory, config) = try Self.client(for: machine, port: port, users: ["bob"])
            defer { removeTree(directory) }
            #expect(machine.root("""
                mkdir -p /etc/polkit-1/rules.d && cat >/etc/polkit-1/rules.d/10-no-linger.rules <<'EOF'
                polkit.addRule(function(action, subject) {
                    if (action.id == "org.freedesktop.login1.set-self-linger") { return polkit.Result.NO; }
                });
                EOF
                systemctl try-restart polkit.service
                """).status == 0)
            let client = Client(config: config)
            defer { client.closeMasters(); removeTree(client.runtime) }
            let host = "bob@127.0.0.1:\(port)"

            let refused = client.unitify(["run", "--host", host, "--name", "b", "--", "sleep", "1000"])
            #expect(refused.status == 1 && refused.stdout.isEmpty, "\(refused.stdout)")
            #expect(refused.stderr.lines.count == 1, "\(refused.stderr)")
            #expect(refused.stderr.hasPrefix("unitify: \(host): linger is off for bob there and cannot be enabled ("), "\(refused.stderr)")
            #expect(refused.stderr.hasSuffix("ask an administrator there to run 'loginctl enable-linger bob', or add --no-linger to start it anyway\n"), "\(refused.stderr)")
            // The manager logs every start of a unit of bob's; there is none.
            let starts = machine.root("journalctl --no-pager -q USER_UNIT=b.service _UID=1001 + USER_UNIT=b.service _UID=0")
            #expect(starts.status == 0 && starts.stdout.trimmed.isEmpty, "b was started: \(starts.stdout)")

            let anyway = client.unitify(["run", "--host", host, "--no-linger", "--name", "b", "--", "sleep", "1000"])
            #expect(anyway.status == 0, "\(anyway.stderr)")
            #expect(anyway.stderr == "unitify: \(host): warning: linger is off for bob: b stops when your last session ends; run without --no-linger, or 'loginctl enable-linger bob', to keep it running\n",
                    "\(anyway.stderr)")
            #expect(anyway.stdout.hasPrefix("\(host): started b.service (pid "), "\(anyway.stdout)")
        }
    }

    /// `doctor --host`: the same checks, for alice there, judged from that host's facts.
    @Test func doctorOnAnotherHost() throws {
        let port = Self.freePort()
        try withMachine("doctor", sshPort: port) { machine in
            let (directory, config) = try Self.client(for: machine, port: port, users: ["alice"])
            defer { removeTree(directory) }
            let client = Client(config: config)
            defer { client.closeMasters(); removeTree(client.runtime) }
            let host = "alice@127.0.0.1:\(port)"
            let doctor = client.unitify(["doctor", "--host", host])
            #expect(doctor.status == 0, "\(doctor.stdout)\(doctor.stderr)")
            let lines = doctor.stdout.lines.map(String.init)
            for expected in [
                "\(host): ok       user manager     reachable at /run/user/1000/bus (running)",
                "\(host): warning  systemd version  252 lacks RestartSteps= for --restart-sec MIN..MAX (restarts that back off) (254)",
                "\(host): ok       journal access   your units' lines go to your own journal file (user-1000.journal, storage persistent)",
                "\(host): ok       logout policy    KillUserProcesses=no (logind): logind leaves a session's processes running at logout",
            ] {
                #expect(lines.contains(expected), "\(expected)\n\(doctor.stdout)")
            }
            // Linger is off for alice there (nothing has turned it on yet): a warning with the fix.
            #expect(lines.contains { $0.hasPrefix("\(host): warning  linger           off: ") }, "\(doctor.stdout)")
            #expect(doctor.stdout.contains("loginctl enable-linger alice"))

            let json = client.unitify(["doctor", "--host", host, "--json"])
            #expect(json.status == 0 && json.stdout.contains("\"host\":\"\(host)\"") && json.stdout.contains("\"can_work\":true"), "\(json.stdout)")
        }
    }
}

/// What a job on another host says is read on that host: its unit file (where `--log-file`
/// points), its log, its crash. These need a host with a file system and manager of its own: on
/// an sshd in front of this machine, reading here by mistake gives the same answer.
extension BootedRemoteTests {
    @Test func aRemoteJobsFilesAndCrashesAreReadOnItsHost() throws {
        try RemoteAlice.with("ownfiles") { alice in
            let (machine, client, host) = (alice.machine, alice.client, alice.host)

            // --log-file there: cat shows it, install writes it, and the installed job logs to it.
            let started = client.unitify(["run", "--host", host, "--name", "lf", "--log-file", "lf.log", "--", "sh", "-c", "echo started-$$; exec sleep 1000"])
            #expect(started.status == 0, "\(started.stderr)")
            let cat = client.unitify(["cat", "--host", host, "lf"])
            #expect(cat.status == 0, "\(cat.stderr)")
            #expect(cat.stdout.lines.contains("StandardOutput=append:/home/alice/lf.log"), "\(cat.stdout)")
            let installed = client.unitify(["install", "--host", host, "lf"])
            #expect(installed.status == 0, "\(installed.stderr)")
            let file = machine.root("cat /home/alice/.config/systemd/user/lf.service").stdout
            #expect(file.lines.contains("StandardOutput=append:/home/alice/lf.log"), "\(file)")
            #expect(machine.root("until [ \"$(grep -c started- /home/alice/lf.log)\" = 2 ]; do sleep 0.1; done", timeout: 60).status == 0,
                    "the installed job logs to the file too: \(machine.root("cat /home/alice/lf.log").stdout)")
            let status = client.unitify(["status", "--host", host, "lf"])
            #expect(status.stdout.contains("/home/alice/lf.log"), "status names the log file: \(status.stdout)")

            // A crash loop there is said as here: on stderr, after the host, and nothing on stdout.
            let looping = client.unitify(["run", "--host", host, "--name", "r2", "--restart", "always", "--restart-sec", "2s", "--",
                                          "sh", "-c", "echo last-words; exit 3"])
            #expect(looping.status == 1)
            #expect(looping.stdout.isEmpty, "no 'started' line and no hints: \(looping.stdout)")
            let errors = looping.stderr.lines.map(String.init)
            #expect(errors.first?.hasPrefix("unitify: \(host): r2 is crash-looping within 500ms: ") == true, "\(looping.stderr)")
            #expect(errors.contains { $0.hasPrefix("unitify: \(host):   ") && $0.hasSuffix(": last-words") }, "\(looping.stderr)")
            #expect(errors.last == "unitify: \(host): see 'unitify status --host \(host) r2', stop it with 'unitify stop --host \(host) r2'", "\(looping.stderr)")
        }
    }
}
