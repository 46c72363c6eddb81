import Glibc
import Testing
import UnitifyCore

/// Every command's `--host` path against a booted host with a file system and a manager of its
/// own: each effect is checked there (as root: the unit's state, its files, its record, its
/// processes), not only in what unitify says here. Then the same commands run by alice on that
/// host and from here through `--host` must say the same once the host's label is taken off.
/// One machine for all of it: a boot is cheap, each ssh set-up is not.
extension BootedRemoteTests {
    @Test func everyCommandWorksOnTheHostsOwnManagerAndFiles() throws {
        try RemoteAlice.with("commands") { alice in
            try Self.runKillJournalStatus(alice)
            try Self.restartStopStartWait(alice)
            try Self.persistentInstallRemove(alice)
            try Self.topDoctorAndAnApp(alice)
            try Self.sameAnswerThereAndFromHere(alice)
            try Self.aTerminalThere(alice)
        }
    }

    /// `run --tty --host`: the job's terminal is held by the host's own unitify; `send --host`
    /// types into it and `attach --host` joins it, through ssh.
    static func aTerminalThere(_ alice: RemoteAlice) throws {
        let console = #"echo console-ready; while IFS= read -r line; do echo "console: $line"; done"#
        let started = alice.remote("run", ["--tty", "--name", "console", "--", "sh", "-c", console])
        #expect(started.status == 0, "\(started.stderr)")
        #expect(alice.property("console.service", "ExecStart").contains("path=/usr/local/bin/unitify"), "the host's unitify holds it")
        let sent = alice.remote("send", ["console", "typed from afar"])
        #expect(sent.status == 0, "\(sent.stderr)")
        #expect(eventually { alice.there(["journal", "console", "-o", "cat"]).stdout.contains("console: typed from afar") })
        let watched = runClean(["sh", "-c", "XDG_RUNTIME_DIR=\(alice.client.runtime) UNITIFY_SSH_CONFIG=\(alice.client.config) timeout 5 \(unitifyBinary) attach --host \(alice.host) --read-only console; true"])
        #expect(watched.stdout.contains("console-ready") && watched.stdout.contains("console: typed from afar"), "\(watched.stdout)\(watched.stderr)")
        #expect(alice.remote("remove", ["console"]).status == 0)
        let missing = alice.remote("send", ["console", "x"])
        #expect(missing.status != 0 && missing.stderr.contains("no job named console"), "\(missing.stderr)")
    }

    /// `run` (dry, plain, with --log-file), `kill`, `journal`, `status` in its three forms.
    static func runKillJournalStatus(_ alice: RemoteAlice) throws {
        let host = alice.host
        // --dry-run resolves the program and the directory there, and makes nothing there.
        #expect(alice.machine.root("printf '#!/bin/sh\\necho hi\\n' > ~alice/only-there.sh && chown alice: ~alice/only-there.sh && chmod 755 ~alice/only-there.sh").status == 0)
        let dry = alice.remote("run", ["--dry-run", "--name", "dry", "--", "./only-there.sh", "a"])
        #expect(dry.status == 0 && dry.stderr.isEmpty, "\(dry.stderr)")
        #expect(dry.stdout.lines.contains("\(host): ExecStart=[(\"/home/alice/only-there.sh\" [\"./only-there.sh\", \"a\"] false)]"), "\(dry.stdout)")
        #expect(dry.stdout.lines.contains("\(host): WorkingDirectory=\"/home/alice\""), "\(dry.stdout)")
        #expect(alice.property("dry.service", "LoadState") == "not-found")
        #expect(!alice.machine.fileExists("\(RemoteAlice.records)/dry.service"))

        // A plain run: the job is alice's there, its record is written there, none here.
        let started = alice.remote("run", ["--name", "web", "--", "sh", "-c", RemoteAlice.trapsUSR1])
        #expect(started.status == 0, "\(started.stderr)")
        #expect(started.stderr.hasPrefix("unitify: \(host): enabled linger for alice: "), "\(started.stderr)")
        let pid = try #require(RemoteAlice.pid(in: started.stdout, after: "\(host): started web.service"), "\(started.stdout)")
        #expect(alice.property("web.service", "MainPID") == "\(pid)")
        #expect(alice.machine.isRunning(pid, "sh -c \(RemoteAlice.trapsUSR1)"))
        #expect(alice.machine.root("grep -qx 'name=web.service' \(RemoteAlice.records)/web.service").status == 0, "no record there")
        #expect(access(alice.client.runtime + "/unitify/jobs/web.service", F_OK) != 0, "a record of the remote job here")
        #expect(alice.machine.root("until journalctl -q -o cat _SYSTEMD_USER_UNIT=web.service | grep -qx web-up; do sleep 0.1; done", timeout: 60).status == 0)

        // kill: the signal reaches the process there, which traps it and lives on.
        let killed = alice.remote("kill", ["web", "-s", "USR1"])
        #expect(killed.status == 0 && killed.stdout == "\(host): sent SIGUSR1 to web\n" && killed.stderr.isEmpty, "\(killed.stdout)\(killed.stderr)")
        #expect(alice.machine.root("until journalctl -q -o cat _SYSTEMD_USER_UNIT=web.service | grep -qx got-usr1; do sleep 0.1; done", timeout: 60).status == 0,
                "the trap did not run there")
        #expect(alice.machine.isRunning(pid, "sh -c \(RemoteAlice.trapsUSR1)"))
        let unknownKill = alice.remote("kill", ["nosuch", "-s", "USR1"])
        #expect(unknownKill.status == 4 && unknownKill.stdout.isEmpty, "\(unknownKill.stdout)")
        #expect(unknownKill.stderr == "unitify: \(host): no unit named nosuch there: 'unitify status --host \(host)' lists yours\n", "\(unknownKill.stderr)")

        // journal: the job's lines and the manager's about it, read there, each after the host.
        // How many lines the signal makes after the trap's own depends on timing: `kill` reaches
        // every process of the job, its `sleep` too, and the manager and the shell may say so
        // in any order. So -n is checked on its own, and the trap's line looked for among all
        // of the job's lines so far (fewer than 20).
        let journal = alice.remote("journal", ["web", "-n", "4", "-o", "cat"])
        #expect(journal.status == 0, "\(journal.stderr)")
        #expect(journal.stdout.lines.count == 4 && journal.stdout.lines.allSatisfy { $0.hasPrefix(host + " ") }, "\(journal.stdout)")
        let recent = alice.remote("journal", ["web", "-n", "20", "-o", "cat"])
        #expect(recent.stdout.lines.contains("\(host) got-usr1") && recent.stdout.lines.count < 20, "\(recent.stdout)")
        let grepped = alice.remote("journal", ["web", "--grep", "^(web-up|got-usr1)$", "-o", "cat"])
        #expect(grepped.status == 0 && grepped.stdout == "\(host) web-up\n\(host) got-usr1\n", "\(grepped.stdout)\(grepped.stderr)")
        let unknownJournal = alice.remote("journal", ["nosuch"])
        #expect(unknownJournal.status == 4 && unknownJournal.stdout.isEmpty && unknownJournal.stderr.lines.count == 1, "\(unknownJournal.stdout)\(unknownJournal.stderr)")

        // A --log-file job writes its file there, relative to alice's home there; none here.
        let logged = alice.remote("run", ["--name", "lf", "--log-file", "lf.log", "--", "sh", "-c", "echo lf-one; echo lf-two; exec sleep 1000"])
        #expect(logged.status == 0, "\(logged.stderr)")
        #expect(alice.machine.root("until [ \"$(cat /home/alice/lf.log)\" = \"$(printf 'lf-one\\nlf-two')\" ]; do sleep 0.1; done", timeout: 60).status == 0,
                "\(alice.machine.root("cat /home/alice/lf.log").stdout)")
        #expect(access("lf.log", F_OK) != 0 && access("/home/alice/lf.log", F_OK) != 0, "the log file was written here")

        // status: the table, one job in detail with its last lines, JSON with the host; 3 and 4.
        let table = alice.remote("status", [])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.lines.first?.hasPrefix("HOST ") == true, "\(table.stdout)")
        #expect(table.stdout.lines.contains { $0.hasPrefix(host + " ") && $0.contains(" web ") && $0.contains(" running ") && $0.contains(" \(pid) ") }, "\(table.stdout)")
        let detail = alice.remote("status", ["web", "-n", "20"])
        #expect(detail.status == 0, "\(detail.stderr)")
        #expect(detail.stdout.lines.allSatisfy { $0.hasPrefix("\(host): ") }, "\(detail.stdout)")
        #expect(detail.stdout.lines.contains("\(host):           PID: \(pid)"), "\(detail.stdout)")
        #expect(detail.stdout.lines.contains("\(host):     Directory: /home/alice"), "\(detail.stdout)")
        #expect(detail.stdout.lines.contains { $0.hasSuffix(" web[\(pid)]: got-usr1") }, "its last lines, read there: \(detail.stdout)")
        let json = alice.remote("status", ["web", "--json"])
        #expect(json.status == 0 && json.stdout.lines.count == 1, "\(json.stdout)\(json.stderr)")
        for field in ["\"host\":\"\(host)\"", "\"unit\":\"web.service\"", "\"pid\":\(pid)", "\"working_directory\":\"/home/alice\""] {
            #expect(json.stdout.contains(field), "\(field): \(json.stdout)")
        }
        let unknown = alice.remote("status", ["nosuch"])
        #expect(unknown.status == 4 && unknown.stdout.isEmpty, "\(unknown.stdout)")
        #expect(unknown.stderr == "unitify: \(host): no unit named nosuch there: 'unitify status --host \(host)' lists yours\n", "\(unknown.stderr)")
    }

    /// `restart` with a changed option, `stop` (and again), `start` from the record there, `wait`.
    static func restartStopStartWait(_ alice: RemoteAlice) throws {
        let host = alice.host
        let restarted = alice.remote("restart", ["web", "-e", "X=2"])
        #expect(restarted.status == 0, "\(restarted.stderr)")
        let pid = try #require(RemoteAlice.pid(in: restarted.stdout, after: "\(host): restarted web.service"), "\(restarted.stdout)")
        #expect(alice.property("web.service", "MainPID") == "\(pid)")
        #expect(alice.environment(of: pid).contains("X=2"), "the new environment is not the process's there")
        #expect(alice.machine.root("grep -qx 'environment=X=2' \(RemoteAlice.records)/web.service").status == 0, "the record there keeps the change")

        let stopped = alice.remote("stop", ["web"])
        #expect(stopped.status == 0 && stopped.stdout == "\(host): stopped web\n" && stopped.stderr.isEmpty, "\(stopped.stdout)\(stopped.stderr)")
        #expect(alice.machine.waitForExit(pid, within: 10))
        #expect(alice.property("web.service", "LoadState") == "not-found", "a stopped transient job is unloaded")
        #expect(alice.machine.fileExists("\(RemoteAlice.records)/web.service"), "its record there is what start needs")
        let again = alice.remote("stop", ["web"])
        #expect(again.status == 0 && again.stdout == "\(host): web is already stopped\n", "\(again.stdout)\(again.stderr)")
        let notRunning = alice.remote("status", ["web", "-n", "0"])
        #expect(notRunning.status == 3 && notRunning.stdout.lines.contains("\(host):         State: stopped"), "\(notRunning.stdout)\(notRunning.stderr)")

        let started = alice.remote("start", ["web"])
        #expect(started.status == 0, "\(started.stderr)")
        let second = try #require(RemoteAlice.pid(in: started.stdout, after: "\(host): started web.service"), "\(started.stdout)")
        #expect(second != pid && alice.property("web.service", "MainPID") == "\(second)")
        #expect(alice.environment(of: second).contains("X=2"), "started from a record that is not the one there")
        let running = alice.remote("start", ["web"])
        #expect(running.status == 0 && running.stdout == "\(host): web is already running\n", "\(running.stdout)\(running.stderr)")

        // wait: the exit status of a job that ended there; a timeout for one still running there.
        let ending = alice.remote("run", ["--name", "w", "--", "sh", "-c", "sleep 1; exit 7"])
        #expect(ending.status == 0, "\(ending.stderr)")
        #expect(alice.machine.root("until [ \"$(\(alice.machine.asUser(1000)) systemctl --user show -p ActiveState --value w.service)\" = failed ]; do sleep 0.1; done",
                                   timeout: 10).status == 0)
        let waited = alice.remote("wait", ["w"])
        #expect(waited.status == 7 && waited.stdout.isEmpty && waited.stderr == "unitify: \(host): w exited with status 7\n", "\(waited.status) \(waited.stdout)\(waited.stderr)")
        #expect(alice.property("w.service", "ExecMainStatus") == "7")
        let timedOut = alice.remote("wait", ["web", "--timeout", "1s"])
        #expect(timedOut.status == 124 && timedOut.stderr == "unitify: \(host): timed out after 1s: still running\n", "\(timedOut.status) \(timedOut.stderr)")
        let unknownWait = alice.remote("wait", ["nosuch"])
        #expect(unknownWait.status == 4, "\(unknownWait.stderr)")
    }

    /// `run --persistent`, a persistent job stopped stays stopped there, `start` enables it again;
    /// `install`/`uninstall` write and delete the files there; `remove` forgets files and records.
    static func persistentInstallRemove(_ alice: RemoteAlice) throws {
        let host = alice.host
        let unitFile = "\(RemoteAlice.unitFiles)/p.service", wanted = "\(RemoteAlice.unitFiles)/default.target.wants/p.service"
        let persistent = alice.remote("run", ["--persistent", "--name", "p", "--", "sleep", "1001"])
        #expect(persistent.status == 0, "\(persistent.stderr)")
        #expect(persistent.stdout.hasPrefix("\(host): started p.service (pid "), "\(persistent.stdout)")
        #expect(alice.machine.root("grep -qx 'ExecStart=@\"/usr/bin/sleep\" \"sleep\" \"1001\"' \(unitFile) && test -L \(wanted)").status == 0,
                "\(alice.machine.root("cat \(unitFile)").stdout)")
        #expect(alice.property("p.service", "ActiveState") == "active")
        #expect(access(unitFile, F_OK) != 0, "the unit file was written here")

        let cat = alice.remote("cat", ["p"])
        #expect(cat.status == 0, "\(cat.stderr)")
        #expect(cat.stdout == "# \(host):\(unitFile)\n" + alice.machine.root("cat \(unitFile)").stdout, "cat shows the file there:\n\(cat.stdout)")

        let stopped = alice.remote("stop", ["p"])
        #expect(stopped.status == 0 && stopped.stdout == "\(host): stopped p\n", "\(stopped.stdout)\(stopped.stderr)")
        #expect(!alice.machine.fileExists(wanted), "stopped, it is still wanted by default.target there")
        // The manager reloaded and default.target started again, as at the next boot: p stays down.
        #expect(alice.machine.root("\(alice.machine.asUser(1000)) sh -c 'systemctl --user daemon-reload && systemctl --user start default.target'").status == 0)
        #expect(alice.property("p.service", "ActiveState") == "inactive")
        #expect(alice.property("p.service", "UnitFileState") == "disabled")
        let started = alice.remote("start", ["p"])
        #expect(started.status == 0 && started.stdout.hasPrefix("\(host): started p.service (pid "), "\(started.stdout)\(started.stderr)")
        #expect(alice.property("p.service", "ActiveState") == "active" && alice.machine.fileExists(wanted))

        // install writes the running transient job's unit file there, with the log file there,
        // and drops its record there; uninstall deletes the file there.
        let installed = alice.remote("install", ["lf"])
        #expect(installed.status == 0, "\(installed.stderr)")
        #expect(installed.stdout.hasPrefix("\(host): installed lf.service: \(RemoteAlice.unitFiles)/lf.service\n"), "\(installed.stdout)")
        #expect(alice.machine.root("grep -qx 'StandardOutput=append:/home/alice/lf.log' \(RemoteAlice.unitFiles)/lf.service").status == 0)
        #expect(!alice.machine.fileExists("\(RemoteAlice.records)/lf.service"), "a persistent job keeps no record")
        #expect(alice.property("lf.service", "UnitFileState") == "enabled" && alice.property("lf.service", "ActiveState") == "active")
        let uninstalled = alice.remote("uninstall", ["lf"])
        #expect(uninstalled.status == 0 && uninstalled.stdout == "\(host): removed \(RemoteAlice.unitFiles)/lf.service\n", "\(uninstalled.stdout)\(uninstalled.stderr)")
        #expect(!alice.machine.fileExists("\(RemoteAlice.unitFiles)/lf.service"))
        #expect(alice.property("lf.service", "LoadState") == "not-found")

        // remove: a persistent job's files there, an ended transient job's record there.
        let removed = alice.remote("remove", ["p"])
        #expect(removed.status == 0 && removed.stdout == "\(host): removed p\n", "\(removed.stdout)\(removed.stderr)")
        #expect(!alice.machine.fileExists(unitFile) && !alice.machine.fileExists(wanted))
        #expect(alice.property("p.service", "LoadState") == "not-found")
        let gone = alice.remote("remove", ["lf"])
        #expect(gone.status == 4 && gone.stdout.isEmpty && gone.stderr == "unitify: \(host): no unit named lf there: 'unitify status --host \(host)' lists yours\n", "\(gone.stderr)")
        let ended = alice.remote("remove", ["--ended"])
        #expect(ended.status == 0 && ended.stdout == "\(host): removed w\n", "\(ended.stdout)\(ended.stderr)")
        #expect(!alice.machine.fileExists("\(RemoteAlice.records)/w.service") && alice.property("w.service", "LoadState") == "not-found")
        let none = alice.remote("remove", ["--ended"])
        #expect(none.status == 0 && none.stdout.isEmpty && none.stderr == "unitify: \(host): no ended jobs to remove\n", "\(none.stdout)\(none.stderr)")
    }

    /// `top --once`, `doctor` (its exit status), and an app: `up`, `stop APP` and `down` there.
    static func topDoctorAndAnApp(_ alice: RemoteAlice) throws {
        let host = alice.host
        let top = alice.remote("top", ["--once", "--interval", "100ms"])
        #expect(top.status == 0 && top.stderr.isEmpty, "\(top.stderr)")
        #expect(top.stdout.lines.first?.hasPrefix("HOST ") == true, "\(top.stdout)")
        #expect(top.stdout.lines.contains { $0.hasPrefix(host + " ") && $0.contains(" web ") && $0.contains(" running ") }, "\(top.stdout)")
        #expect(top.stdout.lines.count == 2, "web is the only job left there: \(top.stdout)")

        let doctor = alice.remote("doctor", [])
        #expect(doctor.status == 0 && doctor.stdout.lines.last?.hasPrefix("\(host): unitify can work here") == true, "\(doctor.stdout)\(doctor.stderr)")

        let directory = makeTemporaryDirectory() + "/shop"
        defer { removeTree(directory) }
        #expect(runClean(["sh", "-c", "mkdir -p \(directory) && printf 'db: exec sleep 1002\\nweb: exec sleep 1003\\n' > \(directory)/Procfile"]).status == 0)
        #expect(alice.machine.root("install -d -o alice -g alice \(directory)").status == 0)
        let up = alice.remote("up", ["-f", directory + "/Procfile"])
        #expect(up.status == 0, "\(up.stderr)")
        for job in ["db", "web"] {
            #expect(up.stdout.contains("\(host): shop: \(job) started (pid "), "\(up.stdout)")
            #expect(alice.property("shop-\(job).service", "ActiveState") == "active")
        }
        let stopped = alice.remote("stop", ["shop"])
        #expect(stopped.status == 0 && stopped.stdout == "\(host): stopped shop-db\n\(host): stopped shop-web\n", "\(stopped.stdout)\(stopped.stderr)")
        for job in ["db", "web"] { #expect(alice.property("shop-\(job).service", "ActiveState") == "inactive") }
        let down = alice.remote("down", ["-f", directory + "/Procfile"])
        #expect(down.status == 0 && down.stdout == "\(host): shop: removed db, web\n", "\(down.stdout)\(down.stderr)")
        #expect(alice.machine.root("ls \(RemoteAlice.unitFiles) | grep shop-").stdout.isEmpty)
    }

    /// The same command by alice on the host and from here with `--host`: once the host's label
    /// is off (and what changes by the second is set aside), the same lines, the same exit status.
    /// What differs on main today is in `theRemoteAndLocalPathsDrift`, not here.
    static func sameAnswerThereAndFromHere(_ alice: RemoteAlice) throws {
        // status NAME: every line but the sampled ones (Memory, CPU and their notes) and the uptime.
        let there = alice.there(["status", "web", "-n", "3"])
        let here = alice.remote("status", ["web", "-n", "3"])
        #expect(there.status == 0 && here.status == 0, "\(there.stderr)\(here.stderr)")
        #expect(RemoteAlice.steady(RemoteAlice.unlabelled(here.stdout, alice.host)) == RemoteAlice.steady(there.stdout),
                "status web:\n--- there\n\(there.stdout)--- from here\n\(here.stdout)")
        let unknownThere = alice.there(["status", "nosuch"]), unknownHere = alice.remote("status", ["nosuch"])
        #expect(unknownThere.status == 4 && unknownHere.status == 4 && unknownThere.stdout.isEmpty && unknownHere.stdout.isEmpty)

        // status: the table's rows, without the host column and the sampled columns.
        let tableThere = alice.there(["status"]), tableHere = alice.remote("status", [])
        #expect(tableThere.status == tableHere.status)
        #expect(RemoteAlice.steadyRows(tableHere.stdout, host: true) == RemoteAlice.steadyRows(tableThere.stdout, host: false),
                "--- there\n\(tableThere.stdout)--- from here\n\(tableHere.stdout)")

        // cat: the same file, under `# HOST:PATH` from here.
        let catThere = alice.there(["cat", "web"]), catHere = alice.remote("cat", ["web"])
        #expect(catThere.status == 0 && catHere.status == 0, "\(catThere.stderr)\(catHere.stderr)")
        #expect(catHere.stdout.replacing("# \(alice.host):", with: "# ") == catThere.stdout, "--- there\n\(catThere.stdout)--- from here\n\(catHere.stdout)")

        // stop, and start's first line (the pid is another one each time).
        let stopThere = alice.there(["stop", "web"])
        _ = alice.there(["start", "web"])
        let stopHere = alice.remote("stop", ["web"])
        #expect(stopThere.status == 0 && RemoteAlice.unlabelled(stopHere.stdout, alice.host) == stopThere.stdout, "\(stopThere.stdout)\(stopHere.stdout)")
        let startThere = alice.there(["start", "web", "--check", "0"])
        _ = alice.there(["stop", "web"])
        let startHere = alice.remote("start", ["web", "--check", "0"])
        #expect(startThere.status == startHere.status && startThere.stderr.isEmpty && startHere.stderr.isEmpty, "\(startThere.stderr)\(startHere.stderr)")
        #expect(RemoteAlice.withoutPIDs(RemoteAlice.unlabelled(startHere.stdout, alice.host).lines.first) == RemoteAlice.withoutPIDs(startThere.stdout.lines.first),
                "\(startThere.stdout)\(startHere.stdout)")

        // journal -n 5 -o cat: the same lines (the host's label is the journal's own column).
        let journalThere = alice.there(["journal", "web", "-n", "5", "-o", "cat"])
        let journalHere = alice.remote("journal", ["web", "-n", "5", "-o", "cat"])
        #expect(journalThere.status == 0 && journalHere.status == 0)
        #expect(journalHere.stdout.lines.count == 5 && journalHere.stdout.replacing("\(alice.host) ", with: "") == journalThere.stdout,
                "--- there\n\(journalThere.stdout)--- from here\n\(journalHere.stdout)")
    }
}

/// Where `--host` and this machine differed before one code path served both (issue 20): bugs
/// of the remote path, and output that had drifted from the local one. Each expectation here
/// failed at d8a7dcb.
extension BootedRemoteTests {
    @Test
    func whatDriftedBetweenHereAndThereIsOnePathNow() throws {
        try RemoteAlice.with("drift") { alice in
            let host = alice.host
            // A host with no job yet: the hint names the host it is about.
            let empty = alice.remote("status", [])
            #expect(empty.stdout == "no jobs: start one with 'unitify run --host \(host) -- COMMAND'\n", "\(empty.stdout)")

            // wait on a job still running there returns when it ends: the remote connection goes
            // through the bus broker, which relays the manager's PropertiesChanged only to a
            // client that called Subscribe, and `Jobs.watch` does not (it hangs until --timeout).
            #expect(alice.remote("run", ["--name", "w", "--check", "0", "--", "sh", "-c", "sleep 2; exit 5"]).status == 0)
            let waited = alice.remote("wait", ["w", "--timeout", "15s"])
            #expect(waited.status == 5 && waited.stderr == "unitify: \(host): w exited with status 5\n", "\(waited.status) \(waited.stderr)")

            // journal of a --log-file job reads the file there, as on the host (the remote reader read
            // the journal only, where the job wrote nothing).
            #expect(alice.remote("run", ["--name", "lf", "--log-file", "lf.log", "--", "sh", "-c", "echo lf-one; echo lf-two; exec sleep 1000"]).status == 0)
            #expect(alice.machine.root("until [ \"$(wc -l < /home/alice/lf.log)\" = 2 ]; do sleep 0.1; done", timeout: 60).status == 0)
            let logThere = alice.there(["journal", "lf", "-n", "5", "-o", "cat"])
            let logHere = alice.remote("journal", ["lf", "-n", "5", "-o", "cat"])
            #expect(logThere.stdout == "lf-one\nlf-two\n", "\(logThere.stdout)")
            #expect(logHere.stdout == "\(host) lf-one\n\(host) lf-two\n", "\(logHere.stdout)")

            // An app's name is resolved there (start, restart, status and journal resolve it in
            // this machine's storage: 'no unit named shop').
            let directory = makeTemporaryDirectory() + "/shop"
            defer { removeTree(directory) }
            #expect(runClean(["sh", "-c", "mkdir -p \(directory) && printf 'db: exec sleep 1002\\nweb: exec sleep 1003\\n' > \(directory)/Procfile"]).status == 0)
            #expect(alice.machine.root("install -d -o alice -g alice \(directory)").status == 0)
            #expect(alice.remote("up", ["-f", directory + "/Procfile"]).status == 0)
            #expect(alice.remote("stop", ["shop"]).status == 0)
            let startApp = alice.remote("start", ["shop"])
            #expect(startApp.status == 0 && startApp.stdout.contains("\(host): started shop-db.service (pid "), "\(startApp.stdout)\(startApp.stderr)")
            for job in ["db", "web"] { #expect(alice.property("shop-\(job).service", "ActiveState") == "active") }
            let restartApp = alice.remote("restart", ["shop"])
            #expect(restartApp.status == 0, "\(restartApp.stderr)")
            let statusApp = alice.remote("status", ["shop"])
            #expect(statusApp.status == 0, "\(statusApp.stderr)")
            let journalApp = alice.remote("journal", ["shop", "-n", "2"])
            #expect(journalApp.status == 0, "\(journalApp.stderr)")
            _ = alice.remote("down", ["-f", directory + "/Procfile"])

            // Not compared: Memory and Tasks where the manager there reports none. This machine
            // estimates them from its own /proc; from here they are '-' (reading /proc there would
            // cost every `status --host` another round trip).

            // start: the same hints after the started line.
            #expect(alice.remote("stop", ["lf"]).status == 0)
            let startHere = alice.remote("start", ["lf"])
            _ = alice.there(["stop", "lf"])
            let startThere = alice.there(["start", "lf"])
            #expect(RemoteAlice.unlabelled(startHere.stdout, host).lines.count == startThere.stdout.lines.count, "--- there\n\(startThere.stdout)--- from here\n\(startHere.stdout)")
            #expect(startHere.stdout.contains("  stop:   unitify stop --host \(host) lf"), "\(startHere.stdout)")

            // An unknown job: the hint names the host, as status's does.
            let unknown = alice.remote("stop", ["nosuch"])
            #expect(unknown.stderr.contains("'unitify status --host \(host)'"), "\(unknown.stderr)")

            // doctor: the same checks and verdicts, but for the two that are about the way in: from
            // here the manager is reached through the user bus, and run --wait (the session bus
            // check) does not work with --host; the journal's space is measured here only.
            let doctorThere = alice.there(["doctor"]), doctorHere = alice.remote("doctor", [])
            let checks = { (output: String) in
                output.lines.filter { !$0.hasPrefix(" ") && !$0.contains(" user manager ") && !$0.contains(" session bus ") && !$0.contains(" journal space ") }.map(String.init)
            }
            #expect(doctorThere.status == doctorHere.status)
            #expect(checks(RemoteAlice.unlabelled(doctorHere.stdout, host)) == checks(doctorThere.stdout),
                    "--- there\n\(doctorThere.stdout)--- from here\n\(doctorHere.stdout)")
            #expect(checks(doctorThere.stdout).count >= 5, "\(doctorThere.stdout)")
        }
    }
}

/// A booted host reached from here as alice over ssh (`remote`), the same alice logged in on it
/// (`there`), and what root reads there.
struct RemoteAlice {
    let machine: TestMachine
    let client: BootedRemoteTests.Client
    let host: String

    /// Where unitify keeps transient jobs' records there, and writes unit files there.
    static let records = "/run/user/1000/unitify/jobs"
    static let unitFiles = "/home/alice/.config/systemd/user"
    /// A job that lives on, says it is up, and says when it gets SIGUSR1.
    static let trapsUSR1 = "trap \"echo got-usr1\" USR1; echo web-up; while :; do sleep 0.2 & wait $!; done"

    /// Boots a host with its own sshd on a free 127.0.0.1 port, and a client here for alice there.
    static func with(_ stem: String, _ body: (RemoteAlice) throws -> Void) throws {
        let port = BootedRemoteTests.freePort()
        try withMachine(stem, sshPort: port) { machine in
            let (directory, config) = try BootedRemoteTests.client(for: machine, port: port, users: ["alice"])
            defer { removeTree(directory) }
            let client = BootedRemoteTests.Client(config: config)
            defer { client.closeMasters(); removeTree(client.runtime) }
            try body(RemoteAlice(machine: machine, client: client, host: "alice@127.0.0.1:\(port)"))
        }
    }

    /// `unitify SUBCOMMAND --host HOST ARGUMENTS` from here (`--host` first: after `--` it would
    /// be the job's).
    func remote(_ subcommand: String, _ arguments: [String]) -> Completed {
        client.unitify([subcommand, "--host", host] + arguments)
    }

    /// `unitify ARGUMENTS` as alice on the host, in a login session there.
    func there(_ arguments: [String]) -> Completed {
        machine.login("alice", "unitify " + arguments.map { ShellWords.quote($0) }.joined(separator: " "))
    }

    /// A property of one of alice's units, asked of her manager there.
    func property(_ unit: String, _ name: String) -> String {
        machine.userProperty(uid: 1000, unit, name)
    }

    /// The environment of a process there.
    func environment(of pid: Int) -> [Substring] {
        machine.root("tr '\\0' '\\n' < /proc/\(pid)/environ").stdout.lines
    }

    /// The pid of `PREFIX (pid N)` in a line of `output`.
    static func pid(in output: String, after prefix: String) -> Int? {
        guard let line = output.lines.first(where: { $0.hasPrefix(prefix + " (pid ") }) else { return nil }
        return Int(line.dropFirst(prefix.count + 6).prefix { $0.isNumber })
    }

    /// Output from `--host` with each line's `HOST: ` taken off, as this machine prints it.
    static func unlabelled(_ output: String, _ host: String) -> String {
        output.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(host + ": ") ? String($0.dropFirst(host.count + 2)) : String($0) }
            .joined(separator: "\n")
    }

    /// A `status NAME` block without what is sampled at the moment of asking: Memory, CPU, Tasks,
    /// the accounting note, and the time since the state began.
    static func steady(_ block: String) -> [String] {
        let sampled = ["Memory:", "CPU:", "Tasks:", "Accounting:"]
        return block.split(separator: "\n", omittingEmptySubsequences: false).compactMap { line in
            let text = String(line).trimmed
            if sampled.contains(where: { text.hasPrefix($0) }) { return nil }
            if text.hasPrefix("State:"), let open = line.lastIndex(of: "(") { return String(line[..<open]) }
            return String(line)
        }
    }

    /// The status table's rows as their steady cells (NAME, STATE, PID, RESTARTS, LAST EXIT,
    /// KIND, COMMAND), without the HOST column (`host`) and the sampled UPTIME, MEMORY and CPU.
    static func steadyRows(_ table: String, host: Bool) -> [[String]] {
        table.lines.map { row in
            var cells = row.split(separator: "  ").map { String($0).trimmed }.filter { !$0.isEmpty }
            if host { cells.removeFirst() }
            guard cells.count >= 10 else { return cells }
            return [cells[0], cells[1], cells[2], cells[4], cells[7], cells[8], cells[9...].joined(separator: "  ")]
        }
    }

    static func withoutPIDs(_ line: Substring?) -> String {
        (line.map(String.init) ?? "").replacing(/\(pid [0-9]+\)/, with: "(pid N)")
    }
}
