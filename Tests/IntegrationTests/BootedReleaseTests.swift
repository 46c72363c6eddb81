import Glibc
import Testing
import UnitifyCore

/// unitify on the other systemd releases its users run, each booted from a clean Debian root
/// (scripts/test-machine --release): trixie (257) and forky (262) with unitify inside, for the
/// nohup promise and every kind of command; bullseye (247) as a remote host only, reached over
/// ssh by the unitify here (its glibc is too old for the binary), for what 247 lacks.
@Suite(.enabled(if: Booted.enabled, Booted.reason))
struct BootedReleaseTests {
    /// A job, a timer job, an exit hook and a crash, started in a login; then logout, every
    /// command over ssh, install and a reboot.
    @Test(arguments: ["trixie", "forky"])
    func everyCommandOn(release: String) throws {
        let port = BootedRemoteTests.freePort()
        try withMachine("rel-\(release)", release: release, sshPort: port) { machine in
            let systemd = machine.root("systemctl --version").stdout
            #expect(systemd.hasPrefix(release == "trixie" ? "systemd 257" : "systemd 262"), "\(systemd)")
            let session = machine.login("alice", """
                unitify run --name j -- sh -c 'echo hello-j; exec sleep 1000' >/dev/null && \(BootedMachineTests.printPID)
                unitify run --name t --on-active 1h -- echo tick >/dev/null || echo TIMER-FAILED
                unitify run --name h --on-exit 'echo "hook $MONITOR_SERVICE_RESULT" > "$HOME/hook-ran"' -- true >/dev/null || echo HOOK-FAILED
                unitify run --name c -- sh -c 'echo boom; sleep 0.3; exit 3' >/dev/null; echo "CRASH=$?"
                """)
            #expect(session.status == 0, "\(session.stderr)")
            #expect(!session.stdout.contains("FAILED"), "\(session.stdout)\(session.stderr)")
            let pid = try #require(session.stdout.marker("PID").flatMap { Int($0) }, "\(session.stdout)")
            // The crash is reported with the job's own last lines, not the manager's noise.
            #expect(session.stdout.marker("CRASH") == "1", "\(session.stdout)")
            #expect(session.stderr.contains("c failed within") && session.stderr.contains("boom"), "\(session.stderr)")
            #expect(!session.stderr.contains(", ignoring"), "the manager's noise in the crash report:\n\(session.stderr)")
            let hook = machine.root("for i in $(seq 50); do [ -s ~alice/hook-ran ] && break; sleep 0.1; done; cat ~alice/hook-ran")
            #expect(hook.stdout.trimmed == "hook success", "the --on-exit hook: \(hook.stdout)\(hook.stderr)")

            // Logout: the witness's manager stops, alice's job runs on (no login is left; a
            // lingering user's manager-class session is none).
            #expect(machine.login("bob", "true").status == 0)
            #expect(machine.waitForManagerStop(uid: 1001), "bob's manager did not stop: the delay never passed")
            #expect(machine.waitForNoLogins())
            #expect(machine.isRunning(pid, "sleep 1000"), "alice's job (pid \(pid)) died at logout")

            // Every command over ssh, from this machine.
            let (directory, config) = try BootedRemoteTests.client(for: machine, port: port, users: ["alice"])
            defer { removeTree(directory) }
            let client = BootedRemoteTests.Client(config: config)
            defer { client.closeMasters(); removeTree(client.runtime) }
            let host = "alice@127.0.0.1:\(port)"
            let table = client.unitify(["status", "--host", host])
            #expect(table.status == 0, "\(table.stderr)")
            for (name, state) in [("j", " running "), ("t", " waiting for timer "), ("c", " failed "), ("h", " stopped ")] {
                #expect(table.stdout.lines.contains { $0.hasPrefix(host + " ") && $0.contains(" \(name) ") && $0.contains(state) },
                        "\(name) \(state):\n\(table.stdout)")
            }
            // The journal has every line of the manager's; the job's tail has the job's own.
            let journal = client.unitify(["journal", "--host", host, "c", "-o", "cat", "-n", "50"])
            #expect(journal.status == 0 && journal.stdout.contains("boom"), "\(journal.stdout)\(journal.stderr)")
            if release == "forky" {
                // 262 on this kind of machine (the pids controller on cgroup v1): what the tails leave out.
                #expect(journal.stdout.contains("Failed to read pids.max for control group"), "\(journal.stdout)")
            }
            let tail = client.unitify(["status", "--host", host, "c", "-n", "10"])
            #expect(tail.stdout.contains("boom"), "\(tail.stdout)")
            #expect(!tail.stdout.contains(", ignoring"), "the manager's noise in the job's tail:\n\(tail.stdout)")
            let localTail = machine.login("alice", "unitify status c -n 10")
            #expect(localTail.stdout.contains("boom") && !localTail.stdout.contains(", ignoring"), "\(localTail.stdout)")
            let top = client.unitify(["top", "--once", "--host", host])
            #expect(top.status == 0 && top.stdout.lines.contains { $0.contains(" j ") && $0.contains(" running ") }, "\(top.stdout)\(top.stderr)")
            let doctor = client.unitify(["doctor", "--host", host])
            #expect(doctor.stdout.contains("systemd version  \(release == "trixie" ? 257 : 262): every unitify feature works"), "\(doctor.stdout)")
            // A timer job that has not fired is removed whole.
            let removed = client.unitify(["remove", "--host", host, "t"])
            #expect(removed.status == 0, "\(removed.stderr)")
            #expect(client.unitify(["status", "--host", host, "t"]).status == 4)

            // Installed, it comes back after a reboot, before anyone logs in.
            let installed = machine.login("alice", "unitify install j")
            #expect(installed.status == 0, "\(installed.stderr)")
            client.closeMasters()
            try machine.reboot()
            #expect(machine.waitForManager(uid: 1000), "alice's manager did not start at boot")
            _ = machine.root("until [ \"$(\(machine.asUser(1000)) systemctl --user is-active j.service)\" = active ]; do sleep 0.1; done", timeout: 30)
            let after = Int(machine.userProperty(uid: 1000, "j.service", "MainPID")) ?? 0
            #expect(after != 0 && after != pid && machine.isRunning(after, "sleep 1000"), "j did not come back after the reboot")
            let back = client.unitify(["status", "--host", host])
            #expect(back.stdout.lines.contains { $0.contains(" j ") && $0.contains(" running ") && $0.contains(" persistent ") }, "\(back.stdout)\(back.stderr)")
        }
    }

    /// systemd 247 as a remote host: what it has works (the job list without `SliceOf`), what it
    /// lacks is refused in one line before anything is created, linger included.
    @Test func bullseyeAsARemoteHost() throws {
        let port = BootedRemoteTests.freePort()
        try withMachine("bullseye", release: "bullseye", sshPort: port, withUnitify: false) { machine in
            #expect(machine.root("systemctl --version").stdout.hasPrefix("systemd 247"))
            let (directory, config) = try BootedRemoteTests.client(for: machine, port: port, users: ["alice"])
            defer { removeTree(directory) }
            let client = BootedRemoteTests.Client(config: config)
            defer { client.closeMasters(); removeTree(client.runtime) }
            let host = "alice@127.0.0.1:\(port)"

            let empty = client.unitify(["status", "--host", host])
            #expect(empty.status == 0 && empty.stdout.contains("no jobs"), "\(empty.stdout)\(empty.stderr)")

            // Refused before anything is made: no unit, no hook unit, no record, linger still off.
            let refused = client.unitify(["run", "--host", host, "--name", "h", "--on-exit", "echo done", "--", "true"])
            #expect(refused.status == 1)
            #expect(refused.stderr == "unitify: \(host): --on-exit needs systemd 249 or later (OnSuccess=); this manager runs 247: use --on-failure, which every systemd has\n",
                    "\(refused.stderr)")
            let truncating = client.unitify(["run", "--host", host, "--line", "echo x > out.log"])
            #expect(truncating.status == 1)
            #expect(truncating.stderr.contains("'>' in --line needs systemd 248 or later (truncate:); this manager runs 247: use '>>' instead"),
                    "\(truncating.stderr)")
            #expect(truncating.stderr.lines.count == 1, "\(truncating.stderr)")
            #expect(machine.lingerProperty("alice") != "yes", "linger was turned on for a refused job")
            #expect(!machine.fileExists("/run/user/1000/systemd/user/h-on-success.service"))
            #expect(client.unitify(["status", "--host", host, "h"]).status == 4)

            for job in [["--name", "web", "--", "sh", "-c", "echo hello-web; exec sleep 1000"],
                        ["--name", "once", "--", "sh", "-c", "exit 2"],
                        ["--name", "t", "--on-active", "1h", "--", "echo", "tick"],
                        ["--name", "f", "--on-failure", "echo failed", "--", "sleep", "1000"]] {
                let started = client.unitify(["run", "--host", host] + job)
                #expect(started.status == (job[1] == "once" ? 1 : 0), "\(job): \(started.stderr)")
            }
            let table = client.unitify(["status", "--host", host])
            #expect(table.status == 0, "\(table.stderr)")
            for (name, state) in [("web", " running "), ("once", " failed "), ("t", " waiting for timer "), ("f", " running ")] {
                #expect(table.stdout.lines.contains { $0.hasPrefix(host + " ") && $0.contains(" \(name) ") && $0.contains(state) },
                        "\(name) \(state):\n\(table.stdout)")
            }
            let top = client.unitify(["top", "--once", "--host", host])
            #expect(top.status == 0 && top.stdout.lines.contains { $0.contains(" web ") && $0.contains(" running ") }, "\(top.stdout)\(top.stderr)")
            #expect(!top.stdout.contains("no jobs"))
            let journal = client.unitify(["journal", "--host", host, "web", "-o", "cat"])
            #expect(journal.stdout.contains("hello-web"), "\(journal.stdout)\(journal.stderr)")

            let removed = client.unitify(["remove", "--host", host, "t"])
            #expect(removed.status == 0 && removed.stdout.contains("removed t"), "\(removed.stdout)\(removed.stderr)")
            let ended = client.unitify(["remove", "--ended", "--host", host])
            #expect(ended.status == 0 && ended.stdout.contains("removed once"), "\(ended.stdout)\(ended.stderr)")
            let left = client.unitify(["status", "--host", host])
            let names = left.stdout.lines.dropFirst().compactMap { $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first }
            #expect(names.sorted() == ["f", "web"], "\(left.stdout)\(left.stderr)")
        }
    }

    /// A fleet that mixes 247 and 257: one table with the rows of both.
    @Test func aMixedFleet() throws {
        let ports = [BootedRemoteTests.freePort(), BootedRemoteTests.freePort()]
        try withMachine("mixed247", release: "bullseye", sshPort: ports[0], withUnitify: false) { old in
            try withMachine("mixed257", release: "trixie", sshPort: ports[1], withUnitify: false) { new in
                let (directory, config) = try BootedRemoteTests.client(for: [old, new], ports: ports)
                defer { removeTree(directory) }
                let client = BootedRemoteTests.Client(config: config)
                defer { client.closeMasters(); removeTree(client.runtime) }
                let hosts = ports.map { "alice@127.0.0.1:\($0)" }
                let started = client.unitify(["run", "--host", hosts.joined(separator: ","), "--name", "web", "--", "sleep", "1000"])
                #expect(started.status == 0, "\(started.stderr)")
                for command in [["status"], ["top", "--once"]] {
                    let table = client.unitify(command + ["--host", hosts.joined(separator: ",")])
                    #expect(table.status == 0, "\(command): \(table.stderr)")
                    for host in hosts {
                        #expect(table.stdout.lines.contains { $0.hasPrefix(host + " ") && $0.contains(" web ") && $0.contains(" running ") },
                                "\(command) \(host):\n\(table.stdout)")
                    }
                }
            }
        }
    }
}
