import Glibc
import Testing
import UnitifyCore

/// A host with this very unitify on its PATH runs a `--host` command itself, in the prelude's
/// channel (`RemotePrelude.delegation`): each command says there what it says through the bridge
/// (`UNITIFY_DELEGATE=0`), and a host with another version of unitify, or none, is reached
/// through the bridge as before.
extension BootedRemoteTests {
    @Test func aHostWithThisUnitifyRunsTheCommandItselfAndSaysTheSame() throws {
        try RemoteAlice.with("delegate") { alice in
            // The host's unitify behind a stand-in that writes down each command it is given.
            let log = "/tmp/delegated"
            func standIn(version: String?) -> String {
                // Another version answers the prelude's question as such a unitify would.
                let question = RemotePrelude.delegationQuery
                let answer = (version.map { "[ \"$1\" = \(question) ] && { echo \(RemotePrelude.delegationAnswer(version: $0)); exit 0; }; " } ?? "")
                    + "case $1 in --version|\(question)) ;; *) echo \"$*\" >> \(log);; esac"
                return "printf '#!/bin/sh\\n%s\\nexec /usr/local/lib/unitify-real \"$@\"\\n' '\(answer)' > /usr/local/bin/unitify && chmod 755 /usr/local/bin/unitify"
            }
            #expect(alice.machine.root("mv /usr/local/bin/unitify /usr/local/lib/unitify-real && \(standIn(version: nil)) && : > \(log) && chmod 666 \(log)").status == 0)
            /// The commands handed over from here (those run there for the test name no host).
            func handed() -> [String] { alice.machine.root("cat \(log)").stdout.lines.map(String.init).filter { $0.contains(" --host ") } }
            let bridged = { (subcommand: String, arguments: [String]) in alice.client.unitify(["--host", alice.host] + arguments, subcommand: subcommand, bridge: true) }

            let started = alice.there(["run", "--name", "web", "--", "sh", "-c", RemoteAlice.trapsUSR1])
            #expect(started.status == 0, "\(started.stderr)")
            #expect(alice.machine.root("until journalctl -q -o cat _SYSTEMD_USER_UNIT=web.service | grep -qx web-up; do sleep 0.1; done", timeout: 60).status == 0)
            _ = alice.machine.root(": > \(log)")

            // Reads: the same lines, and the same exit status and notes.
            for arguments in [["web", "-n", "3"], ["nosuch"]] {
                let (there, here) = (alice.remote("status", arguments), bridged("status", arguments))
                #expect(there.status == here.status && there.stderr == here.stderr, "\(there.stderr)\(here.stderr)")
                // The host's unitify reads /proc there too: a sampled line or two more, which `steady` leaves out.
                #expect(RemoteAlice.steady(RemoteAlice.unlabelled(there.stdout, alice.host)) == RemoteAlice.steady(RemoteAlice.unlabelled(here.stdout, alice.host)),
                        "--- delegated\n\(there.stdout)--- bridged\n\(here.stdout)")
            }
            let (table, bridgedTable) = (alice.remote("status", []), bridged("status", []))
            #expect(table.status == 0 && bridgedTable.status == 0, "\(table.stderr)\(bridgedTable.stderr)")
            #expect(RemoteAlice.steadyRows(table.stdout, host: true) == RemoteAlice.steadyRows(bridgedTable.stdout, host: true) && table.stdout.hasPrefix("HOST "),
                    "--- delegated\n\(table.stdout)--- bridged\n\(bridgedTable.stdout)")
            let (journal, bridgedJournal) = (alice.remote("journal", ["web", "-n", "5", "-o", "cat"]), bridged("journal", ["web", "-n", "5", "-o", "cat"]))
            #expect(journal.status == 0 && journal.stdout == bridgedJournal.stdout && journal.stdout.contains("\(alice.host) web-up") && journal.stderr == bridgedJournal.stderr,
                    "--- delegated\n\(journal.stdout)\(journal.stderr)--- bridged\n\(bridgedJournal.stdout)\(bridgedJournal.stderr)")
            // On a terminal here (script(1) gives one): colour as through the bridge, none with NO_COLOR.
            func onTerminal(_ arguments: [String], bridge: Bool, noColour: Bool = false) -> String {
                let words = arguments.map { ShellWords.quote($0) }.joined(separator: " ")
                // NO_COLOR as asked: the test runner's own may be set.
                let command = "env \(noColour ? "NO_COLOR=1 " : "-u NO_COLOR ")\(bridge ? "UNITIFY_DELEGATE=0 " : "")XDG_RUNTIME_DIR=\(alice.client.runtime) UNITIFY_SSH_CONFIG=\(alice.client.config) \(unitifyBinary) \(words)"
                return runClean(["script", "-qec", command, "/dev/null"]).stdout.replacing("\r\n", with: "\n")
            }
            // Every job's lines: each after its job's name, in the job's colour.
            let journalWords = ["journal", "--host", alice.host, "-n", "3"]
            let coloured = onTerminal(journalWords, bridge: false)
            let colouredThere = onTerminal(journalWords, bridge: true)
            #expect(coloured.contains("\u{1B}[") && coloured == colouredThere, "\(coloured.debugDescription)\n\(colouredThere.debugDescription)")
            let plain = onTerminal(journalWords, bridge: false, noColour: true)
            #expect(!plain.contains("\u{1B}[") && plain.contains("\(alice.host) ") && plain == onTerminal(journalWords, bridge: true, noColour: true), "\(plain.debugDescription)")
            _ = alice.machine.root("sed -i '/^journal --host .* -n 3$/d' \(log)")

            #expect(handed() == ["status --host \(alice.host) web -n 3", "status --host \(alice.host) nosuch", "status --host \(alice.host)",
                                 "journal --host \(alice.host) web -n 5 -o cat"], "\(handed())")

            // Changes: each way in turn from the same state, the same words (pids aside).
            func same(_ subcommand: String, _ arguments: [String], before: [String]? = nil) {
                if let before { _ = alice.there(before) }
                let there = alice.remote(subcommand, arguments)
                if let before { _ = alice.there(before) }
                let here = bridged(subcommand, arguments)
                #expect(there.status == here.status && there.stderr == here.stderr, "\(subcommand): \(there.stderr)\(here.stderr)")
                #expect(RemoteAlice.withoutPIDs(Substring(there.stdout)) == RemoteAlice.withoutPIDs(Substring(here.stdout)) && !there.stdout.isEmpty,
                        "\(subcommand) --- delegated\n\(there.stdout)--- bridged\n\(here.stdout)")
            }
            _ = alice.machine.root(": > \(log)")
            same("stop", ["web"], before: ["start", "web", "--check", "0"])
            same("start", ["web", "--check", "0"], before: ["stop", "web"])
            same("restart", ["web", "--check", "0"])
            same("run", ["--name", "nap", "--check", "0", "--replace", "--", "sleep", "100"])
            #expect(handed().map { String($0.prefix { $0 != " " }) } == ["stop", "start", "restart", "run"], "\(handed())")
            #expect(alice.property("nap.service", "ActiveState") == "active")
            // --keep-env: the login's environment there, without what the client told its unitify.
            let kept = alice.remote("run", ["--name", "kept", "--keep-env", "--check", "0", "--", "sleep", "100"])
            let keptPID = try #require(RemoteAlice.pid(in: kept.stdout, after: "\(alice.host): started kept.service"), "\(kept.stdout)\(kept.stderr)")
            let environment = alice.environment(of: keptPID)
            #expect(environment.contains { $0.hasPrefix("HOME=") } && !environment.contains { $0.hasPrefix("UNITIFY_") }, "\(environment)")
            #expect(handed().last?.hasPrefix("run --host \(alice.host) --name kept") == true, "\(handed())")

            // top --once: its frame there, the same columns and jobs (the numbers are samples).
            let (top, bridgedTop) = (alice.remote("top", ["--once", "--interval", "100ms", "--sort", "name"]), bridged("top", ["--once", "--interval", "100ms", "--sort", "name"]))
            #expect(top.status == 0 && bridgedTop.status == 0 && top.stderr == bridgedTop.stderr, "\(top.stderr)\(bridgedTop.stderr)")
            let names = { (frame: String) in frame.lines.compactMap { $0.hasPrefix(alice.host + " ") ? $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first : nil } }
            #expect(names(top.stdout) == names(bridgedTop.stdout) && names(top.stdout).contains("web"), "--- delegated\n\(top.stdout)--- bridged\n\(bridgedTop.stdout)")
            #expect(handed().last?.hasPrefix("top --host") == true, "\(handed())")

            // A reader here that goes away while the host's unitify still has lines to send (a
            // follow of a job that prints on): a quiet end with status 0, as through the bridge.
            // Not a flood: journald may drop part of one (its rate limit).
            #expect(alice.there(["run", "--name", "many", "--", "sh", "-c", "i=0; while :; do i=$((i+1)); echo line-$i; sleep 0.05; done"]).status == 0)
            #expect(alice.machine.root("until journalctl -q -o cat _SYSTEMD_USER_UNIT=many.service | grep -qx line-3; do sleep 0.1; done", timeout: 60).status == 0)
            let headed = runClean(["bash", "-c", "set -o pipefail; XDG_RUNTIME_DIR=\(alice.client.runtime) UNITIFY_SSH_CONFIG=\(alice.client.config) timeout 60 \(unitifyBinary) journal --host \(alice.host) many -f -n 1 -o cat | head -2"])
            #expect(headed.status == 0 && headed.stdout.hasPrefix("\(alice.host) line-") && headed.stdout.lines.count == 2 && headed.stderr.isEmpty,
                    "\(headed.status) \(headed.stdout)\(headed.stderr)")
            #expect(handed().last?.hasPrefix("journal --host \(alice.host) many -f") == true, "\(handed())")

            // Another version there: through the bridge, and the same answer.
            #expect(alice.machine.root("\(standIn(version: "0.0.1-other")) && : > \(log)").status == 0)
            let other = alice.remote("status", ["web", "-n", "0"])
            #expect(other.status == 0 && other.stdout.contains("\(alice.host): web.service"), "\(other.stdout)\(other.stderr)")
            #expect(handed().isEmpty, "\(handed())")
            // None there: the same.
            #expect(alice.machine.root("rm /usr/local/bin/unitify").status == 0)
            let none = alice.remote("stop", ["nap"])
            #expect(none.status == 0 && none.stdout == "\(alice.host): stopped nap\n", "\(none.stdout)\(none.stderr)")
        }
    }
}

extension BootedRemoteTests.Client {
    /// `unitify SUBCOMMAND ARGUMENTS` from here; `bridge`: never handed to the host's unitify.
    func unitify(_ arguments: [String], subcommand: String, bridge: Bool) -> Completed {
        let words = ([subcommand] + arguments).map { ShellWords.quote($0) }.joined(separator: " ")
        return runClean(["sh", "-c", "\(bridge ? "UNITIFY_DELEGATE=0 " : "")XDG_RUNTIME_DIR=\(runtime) UNITIFY_SSH_CONFIG=\(config) \(unitifyBinary) \(words)"])
    }
}
