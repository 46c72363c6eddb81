import Glibc
import Testing

/// `--health` on systemd booted as PID 1, for a user's job (a login of alice's, her manager kept
/// by linger) and for a system job (root, `--system`): the checker left in the job restarts it
/// after N failures in a row and `status` shows the failure; a passing check never restarts it.
@Suite(.enabled(if: Booted.enabled, Booted.reason))
struct BootedHealthTests {
    @Test func aFailingCheckRestartsTheJobAndAPassingOneNever() throws {
        try withMachine("health") { machine in
            let alice = machine.asUser(1000) + " unitify"
            let flag = "/home/alice/alive"
            let started = machine.login("alice", """
                touch \(flag) && \
                unitify run --persistent --name sick --health file:\(flag) --health-every 1s --health-failures 2 -- sleep 1000 && \
                unitify run --persistent --name well --health 'cmd:test -d /home/alice' --health-every 1s --health-failures 1 -- sleep 1000
                """)
            try #require(started.status == 0, "\(started.stderr)")
            try #require(machine.waitForManager(uid: 1000))
            try checkRestarts(machine, unitify: alice, job: "sick", flag: flag, manager: "--user")
            try checkNeverRestarted(machine, unitify: alice, job: "well", check: "cmd:test -d /home/alice")

            // The same as root under PID 1: the checker asks the system manager for the restart.
            let system = machine.root("""
                touch /root/alive && \
                unitify run --persistent --system --name sick --health file:/root/alive --health-every 1s --health-failures 2 -- sleep 1000 && \
                unitify run --persistent --system --name well --health 'cmd:test -d /root' --health-every 1s --health-failures 1 -- sleep 1000
                """)
            try #require(system.status == 0, "\(system.stderr)")
            try checkRestarts(machine, unitify: "unitify", job: "sick --system", flag: "/root/alive", manager: "--system")
            try checkNeverRestarted(machine, unitify: "unitify", job: "well --system", check: "cmd:test -d /root")
        }
    }

    /// Waits until `job`'s status (its block, -n 0) has a line containing `text`; that line.
    func waitForStatus(_ machine: TestMachine, _ unitify: String, _ job: String, _ text: String, within seconds: Int = 30) -> String {
        let script = """
            for i in $(seq \(seconds * 5)); do out=$(\(unitify) status \(job) -n 0 2>&1); case $out in *'\(text)'*) break;; esac; sleep 0.2; done; \
            printf '%s\\n' "$out"
            """
        return machine.root(script, timeout: seconds + 30).stdout
    }

    func pid(in status: String) -> String? {
        status.lines.first { $0.contains("PID: ") }.map { String($0.split(separator: " ").last ?? "") }
    }

    /// The file of the check goes: after two failures the job runs again as another process,
    /// status counts the restarts and shows the last failure, and the journal says why.
    func checkRestarts(_ machine: TestMachine, unitify: String, job: String, flag: String, manager: String) throws {
        let healthy = waitForStatus(machine, unitify, job, "Health: ok (file:\(flag), checked")
        #expect(healthy.contains("Health: ok (file:\(flag), checked") && healthy.contains("Restarts: 0"), "\(manager): \(healthy)")
        let first = try #require(pid(in: healthy), "\(manager): \(healthy)")
        #expect(machine.isRunning(Int(first) ?? 0, "sleep 1000"), "\(manager): the program is the job's main process")

        #expect(machine.root("rm \(flag)").status == 0)
        // systemd counts none of these restarts (NRestarts is its policy's): the checkers do.
        let failing = waitForStatus(machine, unitify, job, "Restarts: 2 (2 by the health check)")
        #expect(failing.contains("Restarts: 2 (2 by the health check)"), "\(manager): restarted twice: \(failing)")
        #expect(failing.contains("in a row: \(flag): no such file or directory (file:\(flag), checked"), "\(manager): \(failing)")
        #expect(pid(in: failing) != first, "\(manager): \(failing)")
        let journal = machine.root("\(unitify) journal \(job) -o cat -n 50").stdout
        #expect(journal.contains("unitify: health check file:\(flag) failed 2 times in a row (\(flag): no such file or directory): restarting"),
                "\(manager): \(journal)")

        // The check passes again: the job stays up, and the count where it was.
        #expect(machine.root("touch \(flag)").status == 0)
        let again = waitForStatus(machine, unitify, job, "Health: ok (file:\(flag), checked")
        let restarts = again.lines.first { $0.contains("Restarts: ") }
        let settled = pid(in: again)
        #expect(again.contains("Health: ok"), "\(manager): \(again)")
        sleep(3)
        let later = machine.root("\(unitify) status \(job) -n 0").stdout
        #expect(pid(in: later) == settled && later.lines.first { $0.contains("Restarts: ") } == restarts, "\(manager): \(again)\(later)")
    }

    /// A check that passes: three rounds and more, the same process, no restart, health ok.
    func checkNeverRestarted(_ machine: TestMachine, unitify: String, job: String, check: String) throws {
        let healthy = waitForStatus(machine, unitify, job, "Health: ok (\(check), checked")
        let first = try #require(pid(in: healthy), "\(healthy)")
        sleep(4)
        let later = machine.root("\(unitify) status \(job) -n 0").stdout
        #expect(later.contains("Health: ok (\(check), checked") && later.contains("Restarts: 0"), "\(later)")
        #expect(pid(in: later) == first, "\(healthy)\(later)")
        #expect(!machine.root("\(unitify) journal \(job) -o cat -n 50").stdout.contains("restarting"))
    }
}
