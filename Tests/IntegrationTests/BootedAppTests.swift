import Glibc
import Testing
import UnitifyCore

/// `up` and `down` on a real systemd booted as PID 1: an app's jobs come back at boot in their
/// order, before anyone logs in; a job its owner stopped stays stopped; a changed line restarts
/// only its job, a removed line's job is gone; `down` leaves nothing.
@Suite(.enabled(if: Booted.enabled, Booted.reason))
struct BootedAppTests {
    /// db is ready a second after it starts (its flag in the runtime directory, which every boot
    /// empties); web writes whether db was ready when web started.
    static let procfile = """
        db: --ready file:/run/user/1000/db.ready -- sh -c 'sleep 1; touch /run/user/1000/db.ready; exec sleep 1000'
        web: --after db --shell 'if test -e /run/user/1000/db.ready; then echo ready >> order.log; else echo early >> order.log; fi; exec sleep 1000'
        worker: while true; do echo tick; sleep 5; done
        halt: exec sleep 1000
        """

    @Test func anAppAcrossRebootsChangesAndDown() throws {
        try withMachine("app") { machine in
            let wants = "/home/alice/.config/systemd/user/default.target.wants"
            func pid(_ job: String) -> Int { Int(machine.userProperty(uid: 1000, "shop-\(job).service", "MainPID")) ?? 0 }
            func state(_ job: String) -> String { machine.userProperty(uid: 1000, "shop-\(job).service", "ActiveState") }

            let up = machine.login("alice", "mkdir -p shop && cd shop && cat > Procfile <<'EOF'\n\(Self.procfile)\nEOF\nunitify up")
            #expect(up.status == 0, "\(up.stdout)\(up.stderr)")
            for job in ["db", "web", "worker", "halt"] { #expect(up.stdout.contains("shop: \(job) started (pid "), "\(up.stdout)") }
            let stopped = machine.login("alice", "unitify stop shop-halt")
            #expect(stopped.status == 0, "\(stopped.stderr)")
            #expect(!machine.fileExists("\(wants)/shop-halt.service"))

            try machine.reboot()
            // Nobody logs in: linger brings the manager up, and it the app, db before web.
            try #require(machine.waitForManager(uid: 1000, within: 60))
            #expect(machine.root("loginctl list-sessions --no-legend").stdout.trimmed.isEmpty)
            let back = machine.root("""
                \(machine.asUser(1000)) sh -c 'for u in shop-db shop-web shop-worker; do until systemctl --user is-active -q $u; do sleep 0.1; done; done'
                """, timeout: 60)
            #expect(back.status == 0)
            for job in ["db", "web", "worker"] { #expect(state(job) == "active", "\(job) after the reboot") }
            #expect(machine.root("cat /home/alice/shop/order.log").stdout == "ready\nready\n", "web did not wait for db at boot")
            #expect(state("halt") == "inactive", "the job stopped before the reboot is running again")
            #expect(machine.root("\(machine.asUser(1000)) /usr/local/bin/unitify status shop-halt -n 0").stdout.contains("stopped by you"))

            // One line changed, one removed.
            let (db, web) = (pid("db"), pid("web"))
            let changed = machine.login("alice", """
                cd shop && sed -i -e 's/sleep 5/sleep 6/' -e '/^halt:/d' Procfile && unitify up
                """)
            #expect(changed.status == 0, "\(changed.stderr)")
            #expect(changed.stdout.contains("shop: worker restarted (pid "), "\(changed.stdout)")
            #expect(changed.stdout.contains("shop: halt removed"), "\(changed.stdout)")
            #expect(changed.stdout.contains("shop: db unchanged (pid \(db))") && changed.stdout.contains("shop: web unchanged (pid \(web))"), "\(changed.stdout)")
            #expect(!machine.fileExists("/home/alice/.config/systemd/user/shop-halt.service"))

            let twice = machine.login("alice", "cd shop && unitify up")
            #expect(twice.stdout == "shop: nothing changed (3 jobs running)\n", "\(twice.stdout)\(twice.stderr)")

            let down = machine.login("alice", "cd shop && unitify down")
            #expect(down.status == 0 && down.stdout == "shop: removed db, web, worker\n", "\(down.stdout)\(down.stderr)")
            #expect(machine.root("ls /home/alice/.config/systemd/user \(wants) 2>/dev/null | grep shop-").stdout.isEmpty)
            try machine.reboot()
            #expect(machine.waitForManager(uid: 1000, within: 60))
            #expect(machine.root("pgrep -u alice -x sleep").status != 0, "a job of the app runs after down and a reboot")
        }
    }

    /// Copies, foreman's ports and a dry run (issue 30) on systemd 252 booted as PID 1: `up -m
    /// web=3 -p 6000` is three jobs with PORT 6000–6002 and PS web.N, back at boot; a dry run of
    /// a changed file says what would change and touches nothing; `-m web=1` removes two copies.
    @Test func aFormationWithPortsAcrossARebootAndADryRun() throws {
        try withMachine("formation") { machine in
            func pid(_ job: String) -> Int { Int(machine.userProperty(uid: 1000, "shop-\(job).service", "MainPID")) ?? 0 }
            func environment(_ job: String) -> String { machine.root("tr '\\0' '\\n' < /proc/\(pid(job))/environ").stdout }
            let up = machine.login("alice", "mkdir -p shop && cd shop && printf 'web: exec sleep 1000\\nworker: exec sleep 1001\\n' > Procfile && unitify up -m web=3 -p 6000")
            #expect(up.status == 0, "\(up.stdout)\(up.stderr)")
            for job in ["web.1", "web.2", "web.3", "worker"] { #expect(up.stdout.contains("shop: \(job) started (pid "), "\(up.stdout)") }

            try machine.reboot()
            try #require(machine.waitForManager(uid: 1000, within: 60))
            let back = machine.root("\(machine.asUser(1000)) sh -c 'for u in shop-web.1 shop-web.2 shop-web.3 shop-worker; do until systemctl --user is-active -q $u; do sleep 0.1; done; done'", timeout: 60)
            #expect(back.status == 0)
            for (copy, port) in [("web.1", 6000), ("web.2", 6001), ("web.3", 6002)] {
                let variables = environment(copy)
                #expect(variables.contains("PORT=\(port)\n") && variables.contains("PS=\(copy)\n"), "\(copy): \(variables)")
            }
            #expect(environment("worker").contains("PORT=6100\n"), "the second line's base is 100 above")

            let before = machine.root("ls -l --time-style=full-iso /home/alice/.config/systemd/user").stdout
            let web1 = pid("web.1")
            let dry = machine.login("alice", "cd shop && sed -i 's/sleep 1001/sleep 1002/' Procfile && unitify up -m web=3 -p 6000 --dry-run")
            #expect(dry.status == 0, "\(dry.stderr)")
            #expect(dry.stdout.contains("shop: web.1 unchanged (pid \(web1))") && dry.stdout.contains("shop: worker would restart (command changed)"), "\(dry.stdout)")
            #expect(machine.root("ls -l --time-style=full-iso /home/alice/.config/systemd/user").stdout == before, "a dry run wrote nothing")

            let fewer = machine.login("alice", "cd shop && unitify up -m web=1 -p 6000")
            #expect(fewer.status == 0, "\(fewer.stderr)")
            #expect(fewer.stdout.contains("shop: web.2 removed") && fewer.stdout.contains("shop: web.3 removed"), "\(fewer.stdout)")
            #expect(pid("web.1") == web1, "web.1 kept its process")
            #expect(!machine.fileExists("/home/alice/.config/systemd/user/shop-web.2.service"))
        }
    }

    /// `up --host` on two booted hosts: the file is applied on each, in the directory of the same
    /// path there, one report per host; twice is nothing changed on both; `down --host` removes it.
    @Test func anAppOnTwoHosts() throws {
        let ports = [BootedRemoteTests.freePort(), BootedRemoteTests.freePort()]
        try withMachine("apphost1", sshPort: ports[0]) { web1 in
            try withMachine("apphost2", sshPort: ports[1]) { web2 in
                let (keys, config) = try BootedRemoteTests.client(for: [web1, web2], ports: ports)
                defer { removeTree(keys) }
                let client = BootedRemoteTests.Client(config: config)
                defer { client.closeMasters(); removeTree(client.runtime) }
                let hosts = ports.map { "alice@127.0.0.1:\($0)" }.joined(separator: ",")
                let directory = makeTemporaryDirectory() + "/site"
                defer { removeTree(directory) }
                _ = runClean(["mkdir", "-p", directory])
                _ = runClean(["sh", "-c", "printf 'web: exec sleep 1000\\nworker: --restart always -- sleep 1000\\n' > \(directory)/Procfile"])
                for machine in [web1, web2] { #expect(machine.root("install -d -o alice -g alice \(directory)").status == 0) }

                let up = client.unitify(["up", "-f", directory + "/Procfile", "--host", hosts])
                #expect(up.status == 0, "\(up.stdout)\(up.stderr)")
                for (port, machine) in zip(ports, [web1, web2]) {
                    for job in ["web", "worker"] {
                        #expect(up.stdout.contains("alice@127.0.0.1:\(port): site: \(job) started (pid "), "\(up.stdout)")
                        #expect(machine.userProperty(uid: 1000, "site-\(job).service", "ActiveState") == "active")
                        #expect(machine.root("cat /home/alice/.config/systemd/user/site-\(job).service").stdout.contains("\nWorkingDirectory=\(directory)\n"))
                    }
                }
                #expect(up.stdout.hasSuffix("  status: unitify status --host \(hosts) site\n  remove: unitify down --host \(hosts)\n"),
                        "the hints once, after both hosts' lines: \(up.stdout)")
                let twice = client.unitify(["up", "-f", directory + "/Procfile", "--host", hosts])
                #expect(twice.stdout == ports.map { "alice@127.0.0.1:\($0): site: nothing changed (2 jobs running)\n" }.joined(), "\(twice.stdout)\(twice.stderr)")

                // The app's name is read on each host, from its unit files there: this machine has
                // none of the app's.
                #expect(client.unitify(["stop", "site", "--host", hosts]).status == 0)
                let started = client.unitify(["start", "site", "--host", hosts])
                #expect(started.status == 0, "\(started.stdout)\(started.stderr)")
                let restarted = client.unitify(["restart", "site", "--host", hosts, "--json"])
                #expect(restarted.status == 0, "\(restarted.stdout)\(restarted.stderr)")
                for port in ports {
                    for job in ["web", "worker"] {
                        #expect(started.stdout.contains("alice@127.0.0.1:\(port): started site-\(job).service (pid "), "\(started.stdout)")
                        #expect(restarted.stdout.lines.contains { $0.contains("\"host\":\"alice@127.0.0.1:\(port)\"") && $0.contains("\"unit\":\"site-\(job).service\"") },
                                "\(restarted.stdout)")
                    }
                }
                #expect(started.stdout.hasSuffix("  stop:   unitify stop --host \(hosts) site-worker\n"), "the hints once, after both hosts' lines: \(started.stdout)")

                let down = client.unitify(["down", "-f", directory + "/Procfile", "--host", hosts])
                #expect(down.status == 0, "\(down.stderr)")
                for (port, machine) in zip(ports, [web1, web2]) {
                    #expect(down.stdout.contains("alice@127.0.0.1:\(port): site: removed web, worker"), "\(down.stdout)")
                    #expect(machine.root("ls /home/alice/.config/systemd/user | grep site-").stdout.isEmpty)
                    #expect(machine.root("pgrep -u alice -x sleep").status != 0)
                }
            }
        }
    }
}
