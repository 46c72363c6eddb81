import Glibc
import Testing
import UnitifyCore

extension BootedReleaseTests {
    /// `--restart-sec 1s..4s` on a booted systemd that has `RestartSteps=` (257, 262): a job that
    /// crashes in a loop is restarted after 1 s, 2 s, then 4 s each time (systemd's steps from MIN
    /// to MAX, capped); a run that stays up past the reset (10 s) makes the next delay 1 s again;
    /// the delays are read from the job's own lines in the journal, the counter from the manager's.
    /// Then `restart NAME` and `install NAME` keep the steps.
    @Test(arguments: ["trixie", "forky"])
    func restartsBackOffAndStartAgainFromMin(release: String) throws {
        try withMachine("bo-\(release)", release: release) { machine in
            // Runs 1-5 and 7-8 crash at once, run 6 stays up 12 s, run 9 on runs for good.
            let started = machine.login("alice", """
                cat > "$HOME/flaky.sh" <<'EOF'
                n=$(( $(cat "$HOME/runs" 2>/dev/null || echo 0) + 1 )); echo "$n" > "$HOME/runs"
                echo "start $n $(cut -d' ' -f1 /proc/uptime)"
                [ "$n" -ge 9 ] && exec sleep 1000
                [ "$n" -eq 6 ] && sleep 12
                echo "end $n $(cut -d' ' -f1 /proc/uptime)"
                exit 3
                EOF
                unitify run --name flaky --restart on-failure --restart-sec 1s..4s --check 0 -- sh "$HOME/flaky.sh"; echo "RUN=$?"
                """)
            #expect(started.stdout.marker("RUN") == "0", "\(started.stdout)\(started.stderr)")
            #expect(!started.stderr.contains("note:"), "\(started.stderr)")
            #expect(machine.userProperty(uid: 1000, "flaky.service", "RestartSteps") == "2")
            #expect(machine.userProperty(uid: 1000, "flaky.service", "RestartMaxDelayUSec") == "4s")
            #expect(machine.userProperty(uid: 1000, "flaky.service", "StartLimitIntervalUSec") == "0")

            let waited = machine.root("until [ \"$(cat ~alice/runs 2>/dev/null)\" = 9 ]; do sleep 0.2; done", timeout: 120)
            #expect(waited.status == 0, "run 9 never came: \(machine.root("cat ~alice/runs").stdout)")
            let journal = machine.login("alice", "unitify journal flaky -o cat -n 500").stdout
            var starts: [Int: Double] = [:], ends: [Int: Double] = [:]
            var counters: [Int] = []
            for line in journal.lines {
                let words = line.split(separator: " ")
                if words.count == 3, let n = Int(words[1]), let at = Double(words[2]) {
                    if words[0] == "start" { starts[n] = at }
                    if words[0] == "end" { ends[n] = at }
                }
                if let range = line.range(of: "restart counter is at "), let n = Int(line[range.upperBound...].prefix { $0.isNumber }) {
                    counters.append(n)
                }
            }
            let delays = (1...8).compactMap { n in starts[n + 1].flatMap { next in ends[n].map { next - $0 } } }
            #expect(delays.count == 8, "\(journal)")
            // systemd's delays: 1 s, then 1 s × (4/1)^(1/2) = 2 s, then MAX; after the run that
            // stayed up, 1 s and 2 s again. Never shorter; later by the manager's timer slack.
            let expected: [Double] = [1, 2, 4, 4, 4, 1, 2, 4]
            for (n, (delay, wanted)) in zip(delays, expected).enumerated() {
                #expect(delay >= wanted - 0.05 && delay < wanted + 0.9, "delay after run \(n + 1): \(delay) s, expected \(wanted) s; all: \(delays)")
            }
            #expect(counters.prefix(8) == [1, 2, 3, 4, 5, 1, 2, 3], "the manager's restart counter: \(counters)\n\(journal)")

            // restart NAME with another option, then install: the steps are kept.
            let restarted = machine.login("alice", "unitify restart flaky -e X=1 --check 0")
            #expect(restarted.status == 0 && !restarted.stderr.contains("note:"), "\(restarted.stderr)")
            #expect(machine.userProperty(uid: 1000, "flaky.service", "RestartSteps") == "2")
            let installed = machine.login("alice", "unitify install flaky && cat ~/.config/systemd/user/flaky.service")
            #expect(installed.status == 0, "\(installed.stderr)")
            #expect(installed.stdout.contains("\nRestartSec=1s\nRestartSteps=2\nRestartMaxDelaySec=4s\n"), "\(installed.stdout)")
            #expect(installed.stdout.contains("\"unitify-backoff\" \"10\" \"flaky.service\"\n"), "\(installed.stdout)")
            #expect(machine.userProperty(uid: 1000, "flaky.service", "RestartSteps") == "2")
            #expect(machine.userProperty(uid: 1000, "flaky.service", "FragmentPath").hasSuffix("/.config/systemd/user/flaky.service"))
        }
    }
}
