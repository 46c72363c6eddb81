import Glibc
import Testing

/// A capped log file and a health check on another host, both ways a host is reached: run by its
/// own unitify (delegated), and through the bridge (`UNITIFY_DELEGATE=0`), where the unit's
/// helpers are the host's unitify too (the one on its PATH), never this machine's.
extension BootedRemoteTests {
    @Test func aCappedLogAndAHealthCheckThereBothWays() throws {
        try RemoteAlice.with("caps") { alice in
            for bridge in [false, true] {
                let way = bridge ? "bridge" : "delegated"
                let (cap, sick) = ("cap-\(way)", "sick-\(way)")
                let (log, flag) = ("/home/alice/\(cap).log", "/home/alice/alive-\(way)")
                func unitify(_ subcommand: String, _ arguments: [String]) -> Completed {
                    alice.client.unitify(["--host", alice.host] + arguments, subcommand: subcommand, bridge: bridge)
                }

                // 60,000 lines (about 350K) through a cap of 100K with one older part kept.
                let started = unitify("run", ["--name", cap, "--log-file", log, "--log-max", "100K", "--log-keep", "1", "--", "seq", "60000"])
                #expect(started.status == 0, "\(way): \(started.stderr)")
                let waited = unitify("wait", [cap])
                #expect(waited.status == 0, "\(way): \(waited.stdout)\(waited.stderr)")
                let sizes = alice.machine.root("stat -c %s \(log) \(log).1; test ! -e \(log).2")
                let bytes = sizes.stdout.lines.compactMap { Int($0) }
                #expect(sizes.status == 0 && bytes.count == 2 && bytes.allSatisfy { $0 <= 100 * 1024 }, "\(way): \(sizes.stdout)\(sizes.stderr)")
                // The two parts hold the last lines, whole and in order, up to the last.
                let kept = alice.machine.root("cat \(log).1 \(log)").stdout.lines.compactMap { Int($0) }
                let contiguous = zip(kept, kept.dropFirst()).allSatisfy { $1 == $0 + 1 }
                #expect(kept.last == 60000 && kept.count > 20000 && contiguous, "\(way): \(kept.count) lines, from \(kept.first ?? 0)")
                let status = unitify("status", [cap, "-n", "0"])
                #expect(status.stdout.contains("(rotated at 100K, 1 kept)"), "\(way): \(status.stdout)\(status.stderr)")

                // A check that fails: the host's checker restarts the job, and says so.
                let checked = unitify("run", ["--name", sick, "--health", "file:\(flag)", "--health-every", "1s", "--health-failures", "2", "--", "sleep", "1000"])
                #expect(checked.status == 0, "\(way): \(checked.stderr)")
                var last = ""
                #expect(eventually(within: 60) {
                    last = unitify("status", [sick, "-n", "0"]).stdout
                    return last.contains("by the health check)")
                }, "\(way): \(last)")
                #expect(last.contains("file:\(flag)"), "\(way): \(last)")
                _ = unitify("stop", [sick])
            }
        }
    }
}
