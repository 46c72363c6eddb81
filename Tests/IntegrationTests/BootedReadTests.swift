import Glibc
import Testing
import UnitifyClient
import UnitifyCore

/// What `journal`, `status APP` and `doctor` read on a host with files of its own: a job's log
/// file there, an app's jobs from its records there, the host's own facts.
extension BootedRemoteTests {
    @Test func journalStatusOfAnAppAndDoctorReadTheHost() throws {
        try RemoteAlice.with("reads") { alice in
            let (machine, client, host) = (alice.machine, alice.client, alice.host)

            // A job with a log file there: journal shows the file's lines, after the host.
            let started = client.unitify(["run", "--host", host, "--name", "lf", "--log-file", "lf.log", "--", "sh", "-c", "echo in-the-file; exec sleep 1000"])
            #expect(started.status == 0, "\(started.stderr)")
            #expect(machine.root("until grep -q in-the-file /home/alice/lf.log; do sleep 0.1; done", timeout: 60).status == 0)
            let journal = client.unitify(["journal", "--host", host, "lf", "-n", "5"])
            #expect(journal.status == 0, "\(journal.stderr)")
            #expect(journal.stdout == "\(host) in-the-file\n", "the file's lines, read there: \(journal.stdout)")
            // -f: the file followed there, from where the tail ended: every line once, in order.
            let ticking = client.unitify(["run", "--host", host, "--name", "tk", "--log-file", "tk.log", "--",
                                          "sh", "-c", "i=0; while :; do i=$((i+1)); echo tick-$i; sleep 0.2; done"])
            #expect(ticking.status == 0, "\(ticking.stderr)")
            #expect(machine.root("until grep -q tick-3 /home/alice/tk.log; do sleep 0.1; done", timeout: 60).status == 0)
            // Followed until eight lines came, however long a loaded machine takes to get there.
            let scratch = makeTemporaryDirectory()
            defer { removeTree(scratch) }
            let follower = spawnBackground(["sh", "-c", "XDG_RUNTIME_DIR=\(client.runtime) UNITIFY_SSH_CONFIG=\(client.config) exec \(unitifyBinary) journal --host \(host) tk -n 2 -f"],
                                           outputPath: scratch + "/out")
            func ticks() -> [Int] {
                readFile(scratch + "/out").lines.compactMap { line in line.hasPrefix("\(host) tick-") ? Int(line.dropFirst(host.count + 6)) : nil }
            }
            #expect(eventually { ticks().count >= 8 }, "\(readFile(scratch + "/out"))")
            kill(follower, SIGTERM)
            #expect(finish(follower, within: 10) == 0)
            let followed = readFile(scratch + "/out"), seen = ticks()
            #expect(!seen.isEmpty && seen == Array(seen[0]..<(seen[0] + seen.count)) && followed.lines.count == seen.count, "\(followed)")

            // --run: that host's journal tells the runs apart (this one's lines are in its file).
            let runs = client.unitify(["journal", "--host", host, "lf", "--run", "current"])
            #expect(runs.status == 0 && runs.stdout == "\(host) in-the-file\n", "\(runs.stdout)\(runs.stderr)")

            // An app brought up there: its name is its jobs, from that host's records.
            let up = machine.login("alice", "mkdir -p shop && cd shop && printf 'web: sleep 1000\\nworker: sleep 1000\\n' > Procfile && unitify up")
            try #require(up.status == 0, "\(up.stderr)")
            let app = client.unitify(["status", "--host", host, "shop"])
            #expect(app.status == 0, "\(app.stderr)")
            #expect(app.stdout.lines.contains { $0.hasPrefix(host + ": ") && $0.contains("worker") && $0.contains("running") }, "\(app.stdout)")

            // doctor: that host's facts, with its name in JSON (keys sorted, as every --json's).
            let doctor = client.unitify(["doctor", "--host", host, "--json"])
            #expect(doctor.stdout.hasPrefix("{\"can_work\":true,") && doctor.stdout.contains(",\"host\":\"\(host)\",\"systemd_version\":\"252")
                    && doctor.stdout.hasSuffix(",\"uid\":1000,\"user\":\"alice\"}\n"),
                    "\(doctor.stdout)")
            #expect(!doctor.stdout.contains("session_bus"), "run --wait works only here: \(doctor.stdout)")
        }
    }
}
