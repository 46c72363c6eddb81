import FoundationEssentials
import Glibc
import Testing

/// unitify's promises on a real systemd booted as PID 1 (scripts/test-machine): logout, reboot,
/// su, --system, the journal as uid 1000, doctor. Each test boots a machine of its own, so they
/// run in parallel; every assertion reads the machine's real state (processes, units, logind,
/// files).
///
/// Logout cases wait past logind's UserStopDelaySec= (2s in the machine, Debian's is 10s). That
/// the delay has passed is shown, not assumed: a user with nothing running who logged out after
/// alice (the witness) must have had their manager stopped by logind.
@Suite(.enabled(if: Booted.enabled, Booted.reason))
struct BootedMachineTests {
    /// Prints the job's main pid after starting it, for the assertions made as root later.
    static let printPID = #"echo "PID=$(systemctl --user show -p MainPID --value j.service)""#

    static func enabledLingerLine(_ user: String) -> String {
        "unitify: enabled linger for \(user): your jobs keep running after you log out, and persistent ones start at boot (undo: loginctl disable-linger \(user))"
    }

    // MARK: 1, 2, 3, 4: logout

    @Test func jobOutlivesLogoutByDefault() throws {
        try withMachine("logout") { machine in
            let session = machine.login("alice", "unitify run --name j -- sleep 1000 && \(Self.printPID)")
            #expect(session.status == 0, "\(session.stderr)")
            #expect(session.stderr.occurrences(of: Self.enabledLingerLine("alice")) == 1, "\(session.stderr)")
            let pid = try #require(session.stdout.marker("PID").flatMap { Int($0) }, "\(session.stdout)")

            // The witness: bob logs in and out after alice; his manager stops once the delay passed.
            #expect(machine.login("bob", "true").status == 0)
            #expect(machine.waitForManagerStop(uid: 1001), "bob's manager did not stop: the delay never passed")

            #expect(machine.managerState(uid: 1000) == "active")
            #expect(machine.isRunning(pid), "alice's job (pid \(pid)) died at logout")
            #expect(machine.userProperty(uid: 1000, "j.service", "MainPID") == "\(pid)")
            #expect(machine.fileExists("/var/lib/systemd/linger/alice"))
            #expect(machine.lingerProperty("alice") == "yes")

            // Once on, a second run says nothing about linger.
            let again = machine.login("alice", "unitify run --name j2 -- sleep 1000")
            #expect(again.status == 0, "\(again.stderr)")
            #expect(!again.stderr.contains("linger"), "\(again.stderr)")
        }
    }

    /// A job started with --no-linger, then installed: install turns linger on, and says so.
    @Test func installTurnsLingerOn() throws {
        try withMachine("install") { machine in
            let session = machine.login("alice", """
                unitify run --no-linger --name j -- sleep 1000 >/dev/null 2>&1 && unitify install j && \(Self.printPID)
                """)
            #expect(session.status == 0, "\(session.stderr)")
            #expect(session.stderr.occurrences(of: Self.enabledLingerLine("alice")) == 1, "\(session.stderr)")
            let pid = try #require(session.stdout.marker("PID").flatMap { Int($0) }, "\(session.stdout)")

            #expect(machine.login("bob", "true").status == 0)
            #expect(machine.waitForManagerStop(uid: 1001), "bob's manager did not stop: the delay never passed")
            #expect(machine.fileExists("/var/lib/systemd/linger/alice"))
            #expect(machine.isRunning(pid), "alice's installed job (pid \(pid)) died at logout")
        }
    }

    /// A stopped job started again with `start` outlives the logout too: start turns linger on.
    @Test func startTurnsLingerOn() throws {
        try withMachine("start") { machine in
            let session = machine.login("alice", """
                unitify run --no-linger --name j -- sleep 1000 >/dev/null 2>&1 && unitify stop j >/dev/null && unitify start j && \(Self.printPID)
                """)
            #expect(session.status == 0, "\(session.stderr)")
            #expect(session.stderr.occurrences(of: Self.enabledLingerLine("alice")) == 1, "\(session.stderr)")
            let pid = try #require(session.stdout.marker("PID").flatMap { Int($0) }, "\(session.stdout)")
            #expect(machine.login("bob", "true").status == 0)
            #expect(machine.waitForManagerStop(uid: 1001), "bob's manager did not stop: the delay never passed")
            #expect(machine.isRunning(pid), "alice's started job (pid \(pid)) died at logout")
        }
    }

    @Test func noLingerJobStopsAtLogoutButNohupSurvives() throws {
        try withMachine("nolinger") { machine in
            let session = machine.login("alice", "unitify run --no-linger --name j -- sleep 1000 && \(Self.printPID)")
            // The control, as another user (a live nohup process would keep alice's own session,
            // and so her manager, up).
            let control = machine.login("bob", #"nohup sleep 1000 >/dev/null 2>&1 & echo "PID=$!""#)
            let nohupPID = try #require(control.stdout.marker("PID").flatMap { Int($0) }, "\(control.stdout)\(control.stderr)")

            #expect(machine.waitForManagerStop(uid: 1000), "alice's manager still runs long after her logout")
            usleep(UInt32((Booted.userStopDelay + 1) * 1_000_000)) // bob logged out later: past his delay too
            #expect(machine.isRunning(nohupPID), "bob's nohup job died at logout")

            #expect(session.status == 0, "\(session.stderr)")
            #expect(session.stderr.contains(
                "unitify: warning: linger is off for alice: j stops when your last session ends; run without --no-linger, or 'loginctl enable-linger alice', to keep it running"),
                "\(session.stderr)")
            #expect(!machine.fileExists("/var/lib/systemd/linger/alice"))
            let pid = try #require(session.stdout.marker("PID").flatMap { Int($0) }, "\(session.stdout)")
            #expect(!machine.isRunning(pid), "the job survived although linger is off")
        }
    }

    @Test func lingerRefusedIsSaidBeforeTheStart() throws {
        try withMachine("refused") { machine in
            let rule = """
                polkit.addRule(function(action, subject) {
                    if (action.id == "org.freedesktop.login1.set-self-linger") { return polkit.Result.NO; }
                });
                """
            // polkitd rereads its rules on its own, but not at once: a restart makes it certain.
            #expect(machine.root("""
                mkdir -p /etc/polkit-1/rules.d && cat >/etc/polkit-1/rules.d/10-no-linger.rules <<'EOF'
                \(rule)
                EOF
                systemctl try-restart polkit.service
                """).status == 0)
            // The rule holds: the user's own loginctl is refused too.
            #expect(machine.login("bob", "loginctl enable-linger").status != 0)

            let session = machine.login("alice", """
                unitify run --name j -- sleep 1000 2>&1; echo "ACTIVE=$(systemctl --user is-active j.service)"
                \(Self.printPID); echo "LINGER=$(loginctl show-user alice -p Linger --value)"
                """)
            let output = session.stdout
            let warning = "unitify: warning: j will stop when your last session ends: linger is off for alice and cannot be enabled ("
            #expect(output.contains(warning), "\(output)")
            #expect(output.contains("); ask an administrator to run 'loginctl enable-linger alice'"), "\(output)")
            if let said = output.firstRange(of: warning), let started = output.firstRange(of: "started j.service") {
                #expect(said.lowerBound < started.lowerBound, "the warning came after the start:\n\(output)")
            }
            #expect(output.marker("ACTIVE") == "active", "\(output)")
            #expect(output.marker("LINGER") == "no")
            #expect(!machine.fileExists("/var/lib/systemd/linger/alice"))

            // What the warning said happens.
            let pid = try #require(output.marker("PID").flatMap { Int($0) }, "\(output)")
            #expect(machine.waitForManagerStop(uid: 1000))
            #expect(!machine.isRunning(pid))
        }
    }

    /// With `KillUserProcesses=yes` logind kills what a session leaves behind, but not the user's
    /// manager. Linger is turned on first by root: this is about KillUserProcesses alone (that run
    /// turns linger on by itself is jobOutlivesLogoutByDefault's).
    @Test func killUserProcessesSparesUnitifyJobsNotNohup() throws {
        try withMachine("killuser") { machine in
            #expect(machine.root("""
                printf '[Login]\\nKillUserProcesses=yes\\n' >/etc/systemd/logind.conf.d/60-kill-user-processes.conf
                """).status == 0)
            try machine.reboot()
            let policy = machine.root("busctl get-property org.freedesktop.login1 /org/freedesktop/login1 org.freedesktop.login1.Manager KillUserProcesses")
            try #require(policy.stdout.trimmed == "b true", "logind did not take the drop-in: \(policy.stdout)\(policy.stderr)")
            #expect(machine.root("loginctl enable-linger alice").status == 0)

            let session = machine.login("alice", "unitify run --name j -- sleep 1000 && \(Self.printPID)")
            #expect(session.status == 0, "\(session.stderr)")
            let pid = try #require(session.stdout.marker("PID").flatMap { Int($0) }, "\(session.stdout)")
            let control = machine.login("bob", #"nohup sleep 1000 >/dev/null 2>&1 & echo "PID=$!""#)
            let nohupPID = try #require(control.stdout.marker("PID").flatMap { Int($0) }, "\(control.stdout)\(control.stderr)")

            #expect(machine.waitForExit(nohupPID, within: 15), "KillUserProcesses=yes left bob's nohup job running")
            #expect(machine.waitForManagerStop(uid: 1001), "bob's manager did not stop: the delay never passed")
            #expect(machine.managerState(uid: 1000) == "active")
            #expect(machine.isRunning(pid), "KillUserProcesses=yes killed alice's unitify job")
        }
    }

    // MARK: 5: reboot

    /// Plain `run --persistent` (linger on by itself) and with the old `--linger` flag.
    @Test(arguments: [[], ["--linger"]])
    func persistentJobComesBackAfterRebootAndUninstallIsFinal(extra: [String]) throws {
        try withMachine("reboot") { machine in
            let flags = (["--persistent"] + extra).joined(separator: " ")
            let session = machine.login("alice", """
                unitify run \(flags) --name p -- sleep 1000 && systemctl --user show -p InvocationID p.service
                """)
            #expect(session.status == 0, "\(session.stderr)")
            let before = try #require(session.stdout.marker("InvocationID"), "\(session.stdout)")
            #expect(machine.fileExists("/home/alice/.config/systemd/user/p.service"))

            try machine.reboot()
            // Nobody logs in: the job starts at boot, through linger.
            try #require(machine.waitForManager(uid: 1000, within: 60), "alice's manager did not start at boot (linger: \(machine.lingerProperty("alice")))")
            #expect(machine.waitForNoLogins(within: 1))
            let active = machine.root("""
                \(machine.asUser(1000)) sh -c 'for i in $(seq 200); do systemctl --user is-active -q p.service && break; sleep 0.1; done
                  systemctl --user is-active p.service'
                """)
            #expect(active.stdout.trimmed == "active", "p.service after the reboot: \(active.stdout)\(active.stderr)")
            let after = machine.userProperty(uid: 1000, "p.service", "InvocationID")
            #expect(!after.isEmpty && after != before, "not a new run: \(before) then \(after)")
            let pid = try #require(Int(machine.userProperty(uid: 1000, "p.service", "MainPID")))
            #expect(pid != 0 && machine.isRunning(pid))

            let removed = machine.login("alice", "unitify uninstall p")
            #expect(removed.status == 0, "\(removed.stderr)")
            try machine.reboot()
            #expect(machine.waitForManager(uid: 1000, within: 60))
            #expect(!machine.fileExists("/home/alice/.config/systemd/user/p.service"))
            #expect(!machine.fileExists("/home/alice/.config/systemd/user/default.target.wants/p.service"))
            #expect(machine.userProperty(uid: 1000, "p.service", "LoadState") == "not-found")
            #expect(machine.root("pgrep -u alice -x sleep").status != 0, "a sleep of alice's runs after uninstall and reboot")
        }
    }

    /// A persistent job's whole life on a booted machine: restart with a changed option (a new
    /// process, its unit file rewritten, and still there after a reboot), stop, start, remove.
    @Test func persistentJobRestartStartRemoveAcrossAReboot() throws {
        try withMachine("life") { machine in
            let file = "/home/alice/.config/systemd/user/p.service"
            let started = machine.login("alice", "unitify run --persistent --name p -e MODE=one -- sh -c 'echo mode=$MODE; exec sleep 1000' >/dev/null && \(Self.printPID.replacing("j.service", with: "p.service"))")
            try #require(started.status == 0, "\(started.stderr)")
            let first = try #require(started.stdout.marker("PID").flatMap { Int($0) }, "\(started.stdout)")

            let restarted = machine.login("alice", "unitify restart p -e MODE=two >/dev/null && \(Self.printPID.replacing("j.service", with: "p.service"))")
            #expect(restarted.status == 0, "\(restarted.stderr)")
            let second = try #require(restarted.stdout.marker("PID").flatMap { Int($0) }, "\(restarted.stdout)")
            #expect(second != first && !machine.isRunning(first) && machine.isRunning(second))
            #expect(machine.root("cat \(file)").stdout.contains("MODE=two"), "the unit file was not rewritten")

            // The changed job is the one that comes back at boot, before anyone logs in.
            try machine.reboot()
            #expect(machine.waitForManager(uid: 1000), "alice's manager did not start at boot")
            _ = machine.root("until [ \"$(\(machine.asUser(1000)) systemctl --user is-active p.service)\" = active ]; do sleep 0.1; done", timeout: 30)
            let afterBoot = Int(machine.userProperty(uid: 1000, "p.service", "MainPID")) ?? 0
            #expect(afterBoot != 0 && machine.isRunning(afterBoot), "p did not come back after the reboot")
            #expect(machine.root("tr '\\0' '\\n' < /proc/\(afterBoot)/environ").stdout.contains("MODE=two"))

            let life = machine.login("alice", """
                unitify stop p >/dev/null && echo "STOPPED=$(systemctl --user is-active p.service)"
                unitify start p >/dev/null && echo "STARTED=$(systemctl --user is-active p.service)"
                unitify remove p >/dev/null && echo "REMOVED=$(systemctl --user is-active p.service)"
                echo "LISTED=$(unitify status | grep -c '^p ')"
                """)
            #expect(life.status == 0, "\(life.stderr)")
            #expect(life.stdout.marker("STOPPED") == "inactive", "\(life.stdout)")
            #expect(life.stdout.marker("STARTED") == "active", "\(life.stdout)")
            // Until the next daemon-reload (which unitify avoids: systemd 252 mangles transient
            // units on one) the manager may keep the unit loaded as default.target's dependency.
            #expect(life.stdout.marker("REMOVED") == "inactive", "\(life.stdout)")
            #expect(life.stdout.marker("LISTED") == "0", "removed, yet listed: \(life.stdout)")
            #expect(!machine.fileExists(file))
            try machine.reboot()
            #expect(machine.waitForManager(uid: 1000))
            #expect(machine.userProperty(uid: 1000, "p.service", "LoadState") == "not-found")
        }
    }

    // MARK: 6: su, sudo -u, runuser

    /// Root logged in (XDG_RUNTIME_DIR=/run/user/0), then alice's identity three ways. None of
    /// them gives alice a session or her XDG_RUNTIME_DIR.
    static let switches = [
        "su alice -c 'unitify status'",
        "runuser -u alice -- env -u XDG_RUNTIME_DIR unitify status",
        "sudo -u alice unitify status",
    ]

    @Test func suSudoRunuserFindTheRunningManager() throws {
        try withMachine("su") { machine in
            #expect(machine.root("loginctl enable-linger alice").status == 0)
            try #require(machine.waitForManager(uid: 1000))
            #expect(machine.login("alice", "unitify run --name j -- sleep 1000").status == 0)
            // The case at hand: su keeps root's XDG_RUNTIME_DIR.
            #expect(machine.login("root", #"su alice -c 'echo "$XDG_RUNTIME_DIR"'"#).stdout.trimmed == "/run/user/0")

            for command in Self.switches {
                let result = machine.login("root", command)
                #expect(result.status == 0, "\(command): \(result.stderr)")
                #expect(result.stdout.lines.contains { $0.hasPrefix("j ") }, "\(command) does not list alice's job:\n\(result.stdout)\(result.stderr)")
            }
        }
    }

    @Test func suSudoRunuserWithoutAManagerExplain() throws {
        try withMachine("su-none") { machine in
            #expect(machine.managerState(uid: 1000) == "inactive")
            for command in Self.switches {
                let result = machine.login("root", command)
                #expect(result.status == 1, "\(command): status \(result.status)")
                #expect(result.stderr.lines.count == 1 && result.stderr.contains("XDG_RUNTIME_DIR"), "\(command): \(result.stderr)")
            }
            #expect(machine.managerState(uid: 1000) == "inactive")
        }
    }

    // MARK: 7: --system

    @Test func systemJobsThroughEveryCommand() throws {
        try withMachine("system") { machine in
            let started = machine.root("unitify run --persistent --system --name s -- sh -c 'echo hello-from-s; exec sleep 1000'")
            #expect(started.status == 0, "\(started.stderr)")
            #expect(!started.stderr.contains("linger"), "\(started.stderr)")
            #expect(machine.systemProperty("s.service", "ActiveState") == "active")
            #expect(machine.fileExists("/etc/systemd/system/s.service"))

            let table = machine.root("unitify status --system")
            #expect(table.status == 0, "\(table.stderr)")
            #expect(table.stdout.lines.contains { $0.hasPrefix("s ") }, "\(table.stdout)\(table.stderr)")
            let one = machine.root("unitify status --system s")
            #expect(one.status == 0 && one.stdout.hasPrefix("s.service") && one.stdout.contains("State: running"), "\(one.stdout)\(one.stderr)")
            let journal = machine.root("for i in $(seq 50); do out=$(unitify journal --system s -n 5 2>&1) && case $out in *hello-from-s*) break;; esac; sleep 0.1; done; printf '%s\\n' \"$out\"")
            #expect(journal.stdout.contains("hello-from-s"), "\(journal.stdout)")
            let cat = machine.root("unitify cat --system s")
            #expect(cat.status == 0 && cat.stdout.hasPrefix("# /etc/systemd/system/s.service"), "\(cat.stdout)\(cat.stderr)")
            #expect(cat.stdout.contains(machine.root("cat /etc/systemd/system/s.service").stdout.trimmed))

            let stopped = machine.root("unitify stop --system s")
            #expect(stopped.status == 0, "\(stopped.stderr)")
            #expect(machine.systemProperty("s.service", "ActiveState") == "inactive")
            let removed = machine.root("unitify uninstall --system s")
            #expect(removed.status == 0, "\(removed.stderr)")
            #expect(!machine.fileExists("/etc/systemd/system/s.service"))
            #expect(!machine.fileExists("/etc/systemd/system/multi-user.target.wants/s.service"))
            #expect(machine.systemProperty("s.service", "LoadState") == "not-found")

            // A transient system job: run --system without --persistent.
            let transient = machine.root("unitify run --system --name t -- sleep 1000")
            #expect(transient.status == 0, "\(transient.stderr)")
            #expect(machine.systemProperty("t.service", "ActiveState") == "active")
            #expect(!machine.fileExists("/etc/systemd/system/t.service"))
            #expect(machine.root("unitify status --system").stdout.lines.contains { $0.hasPrefix("t ") })

            // install --system makes it persistent under PID 1: a file, enabled, running from it.
            let installed = machine.root("unitify install --system t")
            #expect(installed.status == 0 && installed.stdout.contains("unitify uninstall --system t"), "\(installed.stdout)\(installed.stderr)")
            #expect(machine.fileExists("/etc/systemd/system/t.service"))
            #expect(machine.systemProperty("t.service", "UnitFileState") == "enabled")
            #expect(machine.systemProperty("t.service", "FragmentPath") == "/etc/systemd/system/t.service")
            #expect(machine.systemProperty("t.service", "ActiveState") == "active")
            #expect(machine.root("unitify stop --system t").status == 0)
            #expect(machine.systemProperty("t.service", "ActiveState") != "active")
            #expect(machine.root("unitify uninstall --system t").status == 0)
            #expect(!machine.fileExists("/etc/systemd/system/t.service"))

            let asAlice = machine.login("alice", "unitify status --system")
            #expect(asAlice.status == 2)
            #expect(asAlice.stderr.trimmed == "unitify: --system needs root: run it with sudo, or leave --system out for your own user manager", "\(asAlice.stderr)")
        }
    }

    // MARK: 8: the journal as uid 1000

    /// Starts a job that prints `line`, then polls `unitify journal NAME` in alice's session until
    /// the line is there; the output, stderr and status are journal's.
    static func readJournal(_ name: String, line: String) -> String {
        """
        unitify run --name \(name) -- sh -c 'echo \(line); exec sleep 1000' >/dev/null 2>&1
        for i in $(seq 50); do
          out=$(unitify journal \(name) 2>/tmp/journal.err); rc=$?
          case $out in *\(line)*) break;; esac
          sleep 0.1
        done
        printf '%s\\n' "$out"; cat /tmp/journal.err >&2; exit $rc
        """
    }

    @Test func journalOfUid1000FromItsOwnFile() throws {
        try withMachine("journal") { machine in
            let session = machine.login("alice", Self.readJournal("j", line: "line-from-j"))
            #expect(session.status == 0, "\(session.stderr)")
            #expect(session.stdout.contains("line-from-j"), "\(session.stdout)\(session.stderr)")
            let file = machine.root("journalctl --file '/var/log/journal/*/user-1000.journal' -o cat --no-pager")
            #expect(file.stdout.contains("line-from-j"), "not in user-1000.journal: \(file.stdout)\(file.stderr)")
        }
    }

    @Test func volatileJournalIsExplainedInOneLine() throws {
        try withMachine("volatile") { machine in
            #expect(machine.root("""
                mkdir -p /etc/systemd/journald.conf.d && printf '[Journal]\\nStorage=volatile\\n' >/etc/systemd/journald.conf.d/60-volatile.conf
                """).status == 0)
            try machine.reboot()
            let session = machine.login("alice", Self.readJournal("j", line: "line-from-j"))
            // The lines exist, where alice cannot read them.
            let runtime = machine.root("journalctl --directory /run/log/journal _UID=1000 -o cat --no-pager")
            #expect(runtime.stdout.contains("line-from-j"), "\(runtime.stdout)\(runtime.stderr)")

            #expect(session.status == 1, "status \(session.status): \(session.stdout)\(session.stderr)")
            let said = session.stderr.lines
            #expect(said.count == 1, "\(session.stderr)")
            #expect(session.stderr.contains("Storage=volatile") && session.stderr.contains("Storage=persistent")
                    && session.stderr.contains("systemd-journal"), "\(session.stderr)")
        }
    }

    /// On a booted machine the user manager's own messages carry the `_SYSTEMD_INVOCATION_ID` of
    /// its init.scope: one start must still read as one run, and a second start as a second.
    @Test func oneStartIsOneRunInTheJournal() throws {
        try withMachine("runs") { machine in
            let session = machine.login("alice", """
                unitify run --name j -- sh -c 'echo first; exec sleep 1000' >/dev/null 2>&1 || exit 9
                for i in $(seq 50); do unitify journal j -n all 2>/dev/null | grep -q 'Started j.service' && break; sleep 0.1; done
                unitify journal j -n all; echo "=== second"
                unitify run --replace --name j -- sh -c 'echo second; exec sleep 1000' >/dev/null 2>&1 || exit 9
                for i in $(seq 50); do [ "$(unitify journal j -n all 2>/dev/null | grep -c 'Started j.service')" = 2 ] && break; sleep 0.1; done
                unitify journal j -n all
                """)
            #expect(session.status == 0, "\(session.stderr)")
            let parts = session.stdout.split(separator: "=== second\n", omittingEmptySubsequences: false)
            try #require(parts.count == 2, "\(session.stdout)")
            #expect(parts[0].contains("j[") && parts[0].contains(": first"), "\(parts[0])")
            #expect(!parts[0].contains("-- j:"), "one start shown as more than one run:\n\(parts[0])")
            #expect(String(parts[1]).occurrences(of: "-- j:") == 1, "two starts are not two runs:\n\(parts[1])")
        }
    }

    // MARK: 9: doctor as uid 1000

    struct Doctor: Decodable {
        struct Check: Decodable {
            var name: String
            var verdict: String
            var summary: String
        }
        var checks: [Check]
        func check(_ name: String) -> Check? { checks.first { $0.name == name } }
    }

    /// alice's `unitify doctor --json`, and the controllers delegated to her manager as the
    /// kernel lists them.
    static func doctor(on machine: TestMachine) throws -> (Doctor, controllers: Set<String>) {
        let session = machine.login("alice", """
            unitify doctor --json; echo
            echo "CONTROLLERS=$(cat /sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/cgroup.controllers)"
            """)
        let json = try #require(session.stdout.lines.first, "\(session.stderr)")
        let doctor = try JSONDecoder().decode(Doctor.self, from: Data(json.utf8))
        let controllers = try #require(session.stdout.marker("CONTROLLERS"), "\(session.stdout)")
        return (doctor, Set(controllers.split(separator: " ").map(String.init)))
    }

    /// The controllers a cgroup_controllers summary names after "delegated: " (none: none).
    static func delegated(_ summary: String) -> Set<String>? {
        guard let range = summary.firstRange(of: "delegated: ") else { return nil }
        let list = summary[range.upperBound...].prefix { $0 != ")" && $0 != ";" }
        let names = list.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
        return names == ["none"] ? [] : Set(names)
    }

    @Test func doctorTellsTheTruthAsUid1000() throws {
        try withMachine("doctor") { machine in
            var (doctor, controllers) = try Self.doctor(on: machine)
            #expect(doctor.check("linger")?.verdict != "ok", "\(String(describing: doctor.check("linger")))")
            #expect(doctor.check("kill_user_processes")?.summary.contains("KillUserProcesses=no") == true)
            #expect(doctor.check("journal")?.verdict == "ok")
            #expect(doctor.check("journal")?.summary.contains("persistent") == true)
            #expect(doctor.check("manager")?.verdict == "ok")
            let summary = doctor.check("cgroup_controllers")?.summary ?? ""
            #expect(Self.delegated(summary) == controllers, "doctor: \(summary); user@1000.service/cgroup.controllers: \(controllers)")

            #expect(machine.root("loginctl enable-linger alice").status == 0)
            (doctor, _) = try Self.doctor(on: machine)
            #expect(doctor.check("linger")?.verdict == "ok", "\(String(describing: doctor.check("linger")))")

            #expect(machine.root("""
                printf '[Login]\\nKillUserProcesses=yes\\n' >/etc/systemd/logind.conf.d/60-kill-user-processes.conf
                """).status == 0)
            try machine.reboot()
            #expect(machine.root("busctl get-property org.freedesktop.login1 /org/freedesktop/login1 org.freedesktop.login1.Manager KillUserProcesses").stdout.trimmed == "b true")
            (doctor, controllers) = try Self.doctor(on: machine)
            #expect(doctor.check("kill_user_processes")?.summary.contains("KillUserProcesses=yes") == true,
                    "\(String(describing: doctor.check("kill_user_processes")))")
            #expect(doctor.check("linger")?.verdict == "ok")
            #expect(Self.delegated(doctor.check("cgroup_controllers")?.summary ?? "") == controllers)
        }
    }
}

