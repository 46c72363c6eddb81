import Glibc
import Testing

/// A capped log file on systemd booted as PID 1: rotated by the writer left in the job, before
/// and after a reboot, and nothing of the writer left once the job stops.
@Suite(.enabled(if: Booted.enabled, Booted.reason))
struct BootedLogCapTests {
    static let flood = #"i=0; while [ $i -lt 10000 ]; do printf "line %06d of the flood, written as fast as it can\n" $i; i=$((i+1)); done; echo flooded in run $INVOCATION_ID; exec sleep 1000"#

    @Test(arguments: ["bookworm", "trixie"])
    func aPersistentJobsLogIsRotatedBeforeAndAfterAReboot(release: String) throws {
        try withMachine("logcap", release: release) { machine in
            let log = "/home/alice/flood.log"
            let started = machine.login("alice", "unitify run --persistent --name flood --log-file \(log) --log-max 100K --log-keep 2 -- sh -c '\(Self.flood)'")
            try #require(started.status == 0, "\(started.stderr)")
            let sizes = "until grep -q flooded \(log) 2>/dev/null; do sleep 0.1; done; stat -c '%n %s' \(log) \(log).1 \(log).2; ls \(log).3 2>&1; true"
            let first = machine.root(sizes, timeout: 60)
            #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
            for line in first.stdout.split(separator: "\n").prefix(3) {
                let size = Int(line.split(separator: " ").last ?? "") ?? -1
                #expect(size > 0 && size <= 100 * 1024 + 52, "\(line)")
            }
            #expect(first.stdout.contains("No such file"), "only two older parts: \(first.stdout)")
            #expect(machine.root("pgrep -u alice -f 'unitify write-log'").status == 0, "the writer runs in the job")

            // After a reboot the job floods again into the same file, which stays capped.
            try machine.reboot()
            #expect(machine.waitForManager(uid: 1000))
            // The run after the reboot is told by its invocation id, which systemd gives each start.
            let run = "$(\(machine.asUser(1000)) systemctl --user show -p InvocationID --value flood.service)"
            let again = machine.root("until [ -n \"\(run)\" ] && grep -q \"flooded in run \(run)\" \(log); do sleep 0.1; done; stat -c '%n %s' \(log) \(log).1 \(log).2", timeout: 60)
            #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
            for line in again.stdout.split(separator: "\n") {
                let size = Int(line.split(separator: " ").last ?? "") ?? -1
                #expect(size > 0 && size <= 100 * 1024 + 52, "\(line)")
            }
            let status = machine.root("\(machine.asUser(1000)) unitify status flood -n 1").stdout
            #expect(status.contains("(rotated at 100K, 2 kept)") && status.contains("flooded"), "\(status)")
            #expect(machine.root("\(machine.asUser(1000)) unitify stop flood").status == 0)
            #expect(machine.root("pgrep -u alice -f 'unitify write-log'").status != 0, "the writer ended with the job")
        }
    }
}
