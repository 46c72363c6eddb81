import Glibc
import Systemd
import Testing
import UnitifyClient
import UnitifyCore

/// `status` and `journal` against real units in every state.
@Suite(.enabled(if: Live.enabled, Live.reason))
struct StatusTests {
    @Test func everyStateInWordsWithExitStatuses() throws {
        let running = uniqueName("running")
        let failed = uniqueName("failed")
        let restarting = uniqueName("restarting")
        let exited = uniqueName("exited")
        let timer = uniqueName("later")
        _ = unitify(["run", "--name", running, "--", "sleep", "300"])
        _ = unitify(["run", "--name", failed, "--check", "0", "--", "sh", "-c", "exit 3"])
        _ = unitify(["run", "--name", restarting, "--restart", "always", "--restart-sec", "30s", "--check", "0", "--", "sh", "-c", "kill -TERM $$"])
        _ = unitify(["run", "--name", exited, "--wait", "--", "true"])
        _ = unitify(["run", "--name", timer, "--on-calendar", "2099-01-01", "--", "true"])
        defer { _ = unitify(["stop", running, failed, restarting, exited, timer]) }
        let manager = try Jobs.user()
        #expect(try eventually { try manager.status(of: "\(restarting).service").subState == "auto-restart" })

        let table = unitify(["status"])
        #expect(table.status == 0)
        func row(_ name: String) -> String { table.stdout.split(separator: "\n").first { $0.hasPrefix(name + " ") }.map(String.init) ?? "" }
        #expect(row(running).contains(" running "))
        #expect(row(running).contains(" transient "))
        #expect(row(failed).contains(" failed ") && row(failed).contains(" 3 "))
        #expect(row(restarting).contains(" restarting ") && row(restarting).contains("SIGTERM"))
        #expect(row(exited).contains(" exited "))
        #expect(row(timer).contains(" waiting for timer ") && row(timer).contains(" timer "))
        #expect(table.stdout.hasPrefix("NAME "))

        #expect(unitify(["status", running, "-n", "0"]).status == 0)
        let failedBlock = unitify(["status", failed, "-n", "0"])
        #expect(failedBlock.status == 3)
        #expect(failedBlock.stdout.contains("Why: the program exited with status 3"))
        let restartingBlock = unitify(["status", restarting, "-n", "0"])
        #expect(restartingBlock.stdout.contains("killed by SIGTERM"))
        let timerBlock = unitify(["status", timer, "-n", "0"])
        #expect(timerBlock.stdout.contains("Next run: 2099-01-01"))
        let missing = unitify(["status", running, "no-such-\(running)"])
        #expect(missing.status == 4)
        #expect(missing.stderr.contains("no unit named"))
    }

    @Test func jsonHasStableKeys() throws {
        let name = uniqueName("json")
        _ = unitify(["run", "--name", name, "-e", "SECRET=hunter2", "--", "sleep", "300"])
        defer { _ = unitify(["stop", name]) }
        let one = unitify(["status", name, "--json"])
        #expect(one.status == 0)
        for key in ["\"name\":\"\(name)\"", "\"state\":\"running\"", "\"pid\":", "\"restarts\":0", "\"kind\":\"transient\"", "\"command\":[\"sleep\",\"300\"]", "\"environment_keys\":["] {
            #expect(one.stdout.contains(key), "\(key)")
        }
        // Values never leave the unit: keys only.
        #expect(!one.stdout.contains("hunter2"))
        #expect(!unitify(["status", name, "-n", "0"]).stdout.contains("hunter2"))
        let all = unitify(["status", "--json"])
        #expect(all.stdout.hasPrefix("["))
        #expect(all.stdout.contains("\"name\":\"\(name)\""))
    }

    @Test func blockShowsTheLastLogLines() {
        let name = uniqueName("tail")
        _ = unitify(["run", "--name", name, "--", "sh", "-c", "for i in 1 2 3 4 5; do echo line-$i; done; exec sleep 300"])
        defer { _ = unitify(["stop", name]) }
        #expect(eventually {
            // The manager's "Started" line may come before or after the job's: -n 3 holds line-5
            // and never line-1.
            let block = unitify(["status", name, "-n", "3"]).stdout
            return block.contains("line-5") && !block.contains("line-1")
        })
    }
}

@Suite(.enabled(if: Live.enabled, Live.reason))
struct JournalTests {
    @Test func followShowsNewLinesAndEndsOnSigterm() throws {
        let name = uniqueName("follow")
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let trigger = directory + "/go"
        _ = unitify(["run", "--name", name, "--restart", "always", "--restart-sec", "100ms", "--check", "0", "--", "sh", "-c",
                     "while [ ! -e \(trigger) ]; do sleep 0.05; done; echo after-trigger; rm -f \(trigger); exit 1"])
        defer { _ = unitify(["stop", name]) }
        // journal -f in the background; its output goes to a file we poll.
        let out = directory + "/follow.out"
        let pid = spawnBackground([unitifyBinary, "journal", name, "-f", "-o", "cat"], outputPath: out)
        // Following once it has printed the tail (the manager's "Started" line at least).
        #expect(eventually { !readFile(out).isEmpty })
        _ = spawnAndWait(["touch", trigger])
        #expect(eventually { readFile(out).split(separator: "\n").contains("after-trigger") })
        // The unit restarts; a second trigger, once the first is used up and the next run is up,
        // shows the follower survived the restart.
        let manager = try Jobs.user()
        #expect(try eventually {
            let status = try manager.status(of: "\(name).service")
            return access(trigger, F_OK) != 0 && status.restarts >= 1 && status.activeState == .active
        })
        _ = spawnAndWait(["touch", trigger])
        #expect(eventually { readFile(out).split(separator: "\n").filter { $0 == "after-trigger" }.count == 2 })
        kill(pid, SIGTERM)
        #expect(waitForExit(pid) == 0)
    }

    @Test func restartSeparatorsAndRuns() throws {
        let name = uniqueName("runs")
        _ = unitify(["run", "--name", name, "--restart", "on-failure", "--restart-sec", "100ms", "--max-restarts", "3", "--within", "1min", "--check", "0",
                     "--", "sh", "-c", "echo run-$$; exit 7"])
        defer { _ = unitify(["stop", name]) }
        let manager = try Jobs.user()
        #expect(try eventually { try manager.status(of: "\(name).service").activeState == .failed })
        var all = ""
        #expect(eventually {
            all = unitify(["journal", name, "-n", "all"]).stdout
            return all.contains("-- \(name): the previous run exited with status 7 --")
        }, "\(all)")
    }

    /// unitify reads a unit's own lines and the manager's lines about it from two journal handles
    /// and merges them: the result must be journalctl's, in journalctl's order, plus only lines the
    /// job printed that journald could not tie to the unit; and every `-n K` its last K lines.
    @Test func mergedReadIsJournalctlsAndItsTailsAgree() throws {
        let name = uniqueName("merge")
        _ = unitify(["run", "--name", name, "--restart", "on-failure", "--restart-sec", "100ms", "--max-restarts", "4", "--within", "1min", "--check", "0",
                     "--", "sh", "-c", "echo start-$$; sleep 0.1; echo end-$$; exit 7"])
        defer { _ = unitify(["stop", name]) }
        let manager = try Jobs.user()
        #expect(try eventually { try manager.status(of: "\(name).service").activeState == .failed })
        let journalctl = { run(["journalctl", "--user-unit", "\(name).service", "-o", "cat"]).stdout.split(separator: "\n") }
        #expect(eventually { journalctl().filter { $0.hasPrefix("end-") }.count == 4 }, "\(journalctl())")  // 4 starts in the window
        let theirs = journalctl()
        let ours = unitify(["journal", name, "-o", "cat", "-n", "all"]).stdout.split(separator: "\n")
        var rest = theirs[...]
        var extra: [Substring] = []
        for line in ours {
            if line == rest.first { rest.removeFirst() } else { extra.append(line) }
        }
        #expect(rest.isEmpty, "journalctl's lines missing or out of order: \(rest) in \(ours)")
        #expect(extra.allSatisfy { $0.hasPrefix("start-") || $0.hasPrefix("end-") }, "\(extra)")
        #expect(ours.count > 10, "\(ours)")
        for count in [1, 2, 7, ours.count - 1, ours.count, ours.count + 5] {
            let tail = unitify(["journal", name, "-o", "cat", "-n", String(count)]).stdout.split(separator: "\n")
            #expect(tail == Array(ours.suffix(count)), "-n \(count): \(tail)")
        }
        let cursors = unitify(["journal", name, "-o", "json", "-n", "all"]).stdout.split(separator: "\n").map { $0.prefix(while: { $0 != "," }) }
        #expect(Set(cursors).count == ours.count, "each entry once")
    }

    @Test func currentAndPreviousRun() throws {
        let name = uniqueName("tworuns")
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let flag = directory + "/second"
        _ = unitify(["run", "--name", name, "--restart", "on-failure", "--restart-sec", "100ms", "--check", "0", "--", "sh", "-c",
                     "if [ -e \(flag) ]; then echo run-second; exec sleep 300; fi; touch \(flag); echo run-first; exit 7"])
        defer { _ = unitify(["stop", name]) }
        func ownLines(_ which: String) -> [Substring] {
            unitify(["journal", name, "--run", which, "-o", "cat", "-n", "all"]).stdout.split(separator: "\n").filter { $0.hasPrefix("run-") }
        }
        #expect(eventually { ownLines("current") == ["run-second"] }, "\(ownLines("current")) \(unitify(["journal", name, "-n", "all"]).stdout)")
        #expect(ownLines("previous") == ["run-first"])
        #expect(ownLines("all") == ["run-first", "run-second"])
    }

    @Test func filtersByTimeGrepAndPriority() throws {
        let name = uniqueName("filters")
        _ = unitify(["run", "--name", name, "--wait", "--", "sh", "-c", "echo Alpha; echo beta; echo '<3>gamma is an error'; echo delta"])
        #expect(eventually { unitify(["journal", name, "-o", "cat"]).stdout.contains("delta") })
        let grep = unitify(["journal", name, "-o", "cat", "-g", "alpha|zeta"]).stdout
        let lines = grep.split(separator: "\n")
        #expect(lines.contains("Alpha") && !lines.contains("beta"))  // all lower case: case-insensitive
        #expect(!unitify(["journal", name, "-o", "cat", "-g", "Beta"]).stdout.split(separator: "\n").contains("beta"))
        let errors = unitify(["journal", name, "-o", "cat", "-p", "err"]).stdout
        // journald took the <3> prefix as the line's priority and stripped it.
        #expect(errors.split(separator: "\n").contains("gamma is an error"), "\(errors)")
        #expect(!errors.contains("delta"))
        for bounds in [["--since", "+1h"], ["--until", "2000-01-01"]] {
            let nothing = unitify(["journal", name, "-o", "cat"] + bounds)
            #expect(nothing.status == 0 && nothing.stdout.isEmpty, "\(bounds): \(nothing.status) \(nothing.stderr)")
        }
        #expect(unitify(["journal", name, "-o", "cat", "--since", "1h ago", "--until", "now"]).stdout.contains("delta"))
        let json = unitify(["journal", name, "-o", "json", "-n", "all"]).stdout
        #expect(json.hasPrefix("{\"__CURSOR\":"))
        #expect(json.contains("\"SYSLOG_IDENTIFIER\":\"\(name)\""))
        #expect(unitify(["journal", name, "--since", "yesterday-ish"]).status == 2)
    }

    @Test func fileBackedUnitIsReadFromItsFile() {
        let name = uniqueName("filelog")
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        _ = unitify(["run", "--name", name, "--log-file", "job.log", "--", "sh", "-c", "for i in $(seq 1 20); do echo file-line-$i; done; exec sleep 300"], in: directory)
        defer { _ = unitify(["stop", name]) }
        #expect(eventually { unitify(["journal", name, "-n", "3"]).stdout == "file-line-18\nfile-line-19\nfile-line-20\n" })
    }

    @Test func closedPipeIsQuiet() {
        let name = uniqueName("pipe")
        _ = unitify(["run", "--name", name, "--wait", "--", "seq", "1", "5000"])
        #expect(eventually { unitify(["journal", name, "-o", "cat", "-n", "all"]).stdout.split(separator: "\n").contains("5000") })
        let piped = run(["bash", "-c", "set -o pipefail; \(unitifyBinary) journal \(name) -n all -o cat | head -1"])
        #expect(piped.status == 0)
        #expect(piped.stdout.split(separator: "\n").count == 1)
        #expect(piped.stderr.isEmpty)
    }
}

/// Floods the journal past journald's rate limit, which all of a user's units share, so that no
/// other test may run beside it.
extension IsolatedTests {
    /// journald keeps at most its burst in each 30 s window: RateLimitBurst= lines times a factor
    /// that grows with the log of the space the journal may still use (`burst_modulate()`: 3.5
    /// seen here). With its default of 10,000 a flood read slowly (a loaded machine) spread over
    /// windows that kept all of it: 300,000 lines were kept whole once. `make test` gives this
    /// session's journald a burst of 1,000 (`scripts/user-session --ratelimit-burst`): 100,000
    /// lines are then cut unless journald reads fewer than about 120 a second.
    @Test func suppressedLinesAreReported() throws {
        let name = uniqueName("flood")
        let written = 100_000
        // journald takes each write's sender from its credentials (SCM_CREDENTIALS) and reads that
        // process's unit from /proc when it gets to the line; the rate limit is per unit. A `seq`
        // that has exited by then has no unit, and journald lets every line of it through (run A
        // of the fresh clones kept all 100,000). So the shell writes the flood itself, with its
        // builtin echo: the stream's own process, alive before, during and after the flood.
        _ = unitify(["run", "--name", name, "--wait", "--", "sh", "-c",
                     "sleep 1; i=1; while [ $i -le \(written) ]; do echo $i; i=$((i+1)); done; sleep 3"])
        // journald says how much it dropped only when the source logs again after its 30 s window.
        sleep(31)
        _ = unitify(["run", "--name", uniqueName("nudge"), "--wait", "--", "echo", "nudge"])
        var report = Completed(status: -1, stdout: "", stderr: "")
        #expect(eventually {
            report = unitify(["journal", name, "-n", "all", "-o", "cat"])
            return report.stderr.contains("journald dropped")
        })
        let kept = report.stdout.split(separator: "\n").filter { $0.allSatisfy(\.isNumber) }.count
        let words = report.stderr.split(separator: " ")
        let dropped = words.firstIndex(of: "dropped").flatMap { Int(words[$0 + 1]) } ?? -1
        #expect(kept < written, "journald kept everything: no rate limit in this session?")
        // What journald kept plus what it says it dropped is what the job wrote, give or take
        // the manager's own lines, which count against the same limit.
        #expect(abs(kept + dropped - written) <= 10, "kept \(kept), dropped \(dropped)")
    }
}
