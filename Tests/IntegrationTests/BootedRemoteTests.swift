import Glibc
import Testing
import UnitifyClient
import UnitifyCore

/// A booted machine as a remote host: its own sshd with PAM (so pam_systemd sets
/// XDG_RUNTIME_DIR and starts the user's manager), its own host key, reached on 127.0.0.1 only.
/// Nothing of unitify's is used on its side: unitify here connects to alice's manager there.
@Suite(.enabled(if: Booted.enabled, Booted.reason))
struct BootedRemoteTests {
    /// A client key, a known_hosts with the machine's key, and an ssh_config for `user`.
    static func client(for machine: TestMachine, port: UInt16, users: [String]) throws -> (directory: String, config: String) {
        let directory = makeTemporaryDirectory()
        try #require(runClean(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", directory + "/key"]).status == 0)
        let key = readFile(directory + "/key.pub").trimmed
        for user in users {
            #expect(machine.root("""
                install -d -m 700 -o \(user) -g \(user) ~\(user)/.ssh && echo '\(key)' > ~\(user)/.ssh/authorized_keys && chown \(user): ~\(user)/.ssh/authorized_keys
                """).status == 0)
        }
        let hostKey = machine.root("cut -d' ' -f1,2 /etc/ssh/ssh_host_ed25519_key.pub").stdout.trimmed
        try #require(!hostKey.isEmpty)
        let config = directory + "/ssh_config"
        _ = runClean(["sh", "-c", """
            printf '[127.0.0.1]:\(port) %s\\n' '\(hostKey)' > \(directory)/known_hosts
            printf 'Host *\\n  IdentityFile \(directory)/key\\n  IdentitiesOnly yes\\n  UserKnownHostsFile \(directory)/known_hosts\\n  StrictHostKeyChecking yes\\n  GlobalKnownHostsFile /dev/null\\n' > \(config)
            mkdir -m 700 \(directory)/control
            """])
        return (directory, config)
    }

    /// One client for alice on each of `machines`: one key and one known_hosts for them all.
    static func client(for machines: [TestMachine], ports: [UInt16]) throws -> (directory: String, config: String) {
        let (directory, config) = try client(for: machines[0], port: ports[0], users: ["alice"])
        let key = readFile(directory + "/key.pub").trimmed
        for (machine, port) in zip(machines, ports).dropFirst() {
            let (other, _) = try client(for: machine, port: port, users: ["alice"])
            _ = runClean(["sh", "-c", "cat \(other)/known_hosts >> \(directory)/known_hosts"])
            removeTree(other)
            #expect(machine.root("echo '\(key)' > ~alice/.ssh/authorized_keys").status == 0)
        }
        return (directory, config)
    }

    static func freePort() -> UInt16 {
        while true {
            let port = UInt16.random(in: 20_000...40_000)
            if runClean(["sh", "-c", "ss -ltn | grep -q ':\(port) '"]).status != 0 { return port }
        }
    }

    @Test func aJobOnABootedHostThroughSSH() throws {
        let port = Self.freePort()
        try withMachine("remote", sshPort: port) { machine in
            let (directory, config) = try Self.client(for: machine, port: port, users: ["alice", "bob"])
            defer { removeTree(directory) }
            let started = machine.login("alice", "unitify run --name web -- sh -c 'echo hello-from-web; exec sleep 1000' && systemctl --user show -p MainPID --value web.service")
            try #require(started.status == 0, "\(started.stderr)")
            let pid = try #require(UInt32(started.stdout.lines.last.map(String.init)?.trimmed ?? ""), "\(started.stdout)")

            let alice = SSHConnection(host: HostAddress(user: "alice", host: "127.0.0.1", port: port), timeout: 10,
                                      controlDirectory: directory + "/control", configFile: config)
            let (session, answer) = try alice.connectManager()
            defer { session.end() }
            // pam_systemd set XDG_RUNTIME_DIR, dbus-user-session gives a user bus: through the broker.
            #expect(answer.uid == 1000 && answer.user == "alice")
            #expect(answer.bus == "/run/user/1000/bus" && answer.throughBroker)
            #expect(answer.lingers, "run turned linger on for alice")
            let jobs = Jobs(bus: try #require(session.bus))
            #expect(try jobs.managedUnits() == ["web.service"])
            let status = try jobs.status(of: "web.service")
            #expect(status.isRunning && status.mainPID == pid)

            var lines: [String] = []
            _ = eventually(within: 10) {
                lines = []
                try? RemoteJournal(connection: alice, uid: answer.uid, units: ["web.service"]).stream(lines: 10, follow: false) { entry in
                    lines.append(entry.string("MESSAGE") ?? "")
                    return true
                }
                return lines.contains("hello-from-web")
            }
            #expect(lines.contains("hello-from-web"), "\(lines)")
            #expect(lines.contains { $0.hasPrefix("Started web.service") }, "the manager's own lines about the job come too: \(lines)")

            // bob: no linger, no job; his ssh login starts his manager, and the prelude says so.
            let bob = SSHConnection(host: HostAddress(user: "bob", host: "127.0.0.1", port: port), timeout: 10,
                                    controlDirectory: directory + "/control", configFile: config)
            let (bobSession, bobAnswer) = try bob.connectManager()
            defer { bobSession.end() }
            #expect(bobAnswer.uid == 1001 && !bobAnswer.lingers)
            #expect(try Jobs(bus: try #require(bobSession.bus)).managedUnits().isEmpty)
        }
    }

    /// Two booted hosts, each with its own alice, manager and job: `unitify status --host` shows
    /// both in one table; with one host powered off, that host is one line and the other is shown.
    @Test func aFleetOfTwoBootedHosts() throws {
        let ports = [Self.freePort(), Self.freePort()]
        try withMachine("fleet1", sshPort: ports[0]) { web1 in
            try withMachine("fleet2", sshPort: ports[1]) { web2 in
                let (directory, config) = try Self.client(for: [web1, web2], ports: ports)
                defer { removeTree(directory) }
                var pids: [String] = []
                for machine in [web1, web2] {
                    let started = machine.login("alice", "unitify run --name web -- sleep 1000 >/dev/null && systemctl --user show -p MainPID --value web.service")
                    try #require(started.status == 0, "\(started.stderr)")
                    pids.append(started.stdout.trimmed)
                }
                let hosts = ports.map { "alice@127.0.0.1:\($0)" }
                let environment = "UNITIFY_SSH_CONFIG=\(config) "
                let table = runClean(["sh", "-c", environment + "\(unitifyBinary) status --host \(hosts.joined(separator: ","))"])
                #expect(table.status == 0, "\(table.stderr)")
                for (host, pid) in zip(hosts, pids) {
                    #expect(table.stdout.lines.contains { $0.hasPrefix(host + " ") && $0.contains(" web ") && $0.contains(" running ") && $0.contains(" \(pid) ") },
                            "\(host) pid \(pid):\n\(table.stdout)")
                }

                web2.destroy()
                let partly = runClean(["sh", "-c", environment + "\(unitifyBinary) status --host \(hosts.joined(separator: ","))"])
                #expect(partly.status == 1)
                #expect(partly.stderr.lines.count == 1 && partly.stderr.hasPrefix("unitify: \(hosts[1]): "), "\(partly.stderr)")
                #expect(partly.stdout.lines.contains { $0.hasPrefix(hosts[0] + " ") && $0.contains(" web ") }, "\(partly.stdout)")
            }
        }
    }
}
