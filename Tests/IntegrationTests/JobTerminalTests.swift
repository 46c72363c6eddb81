import Foundation
import Glibc
import Testing
import UnitifyClient
import UnitifyCore

/// A real terminal for the tests: a tmux server of the test's own, whose panes run `attach`;
/// keys typed with `send-keys`, the screen read with `capture-pane`.
struct Tmux {
    let socket = uniqueName("unitify-test")

    func tmux(_ arguments: [String]) -> Completed {
        run(["tmux", "-L", socket] + arguments)
    }

    /// A window of 100×30 running `command` (a shell line), which stays after the command ends.
    func open(_ session: String, _ command: String, rows: Int = 30, columns: Int = 100) {
        let environment = "XDG_RUNTIME_DIR=\(ShellWords.quote(getenv("XDG_RUNTIME_DIR").map { String(cString: $0) } ?? ""))"
        let started = tmux(["new-session", "-d", "-s", session, "-x", "\(columns)", "-y", "\(rows)",
                            "env \(environment) \(command); echo \"[ended: $?]\"; sleep 600"])
        #expect(started.status == 0, "\(started.stderr)")
    }

    func type(_ session: String, _ keys: String...) {
        _ = tmux(["send-keys", "-t", session] + keys)
    }

    func screen(_ session: String) -> String {
        tmux(["capture-pane", "-p", "-t", session]).stdout
    }

    /// Waits until the screen shows `text`.
    func shows(_ session: String, _ text: String) -> Bool {
        eventually { screen(session).contains(text) }
    }

    func close() {
        _ = tmux(["kill-server"])
    }
}

/// `run --tty`, `attach` and `send` on the real user manager, in real terminals (tmux).
@Suite(.enabled(if: Live.enabled, Live.reason))
struct JobTerminalTests {
    struct Record: Decodable {
        var state: String
        var pid: UInt32?
        var terminal: Bool
        var last_exit: Exit?
        struct Exit: Decodable { var status: Int32 }
    }

    func record(_ name: String) throws -> Record {
        let result = unitify(["status", name, "--json", "-n", "0"])
        let records = try JSONDecoder().decode([Record].self, from: Data(result.stdout.utf8))
        return try #require(records.first, "\(result.stdout)\(result.stderr)")
    }

    var attach: String { ShellWords.quote(unitifyBinary) + " attach" }

    @Test func aREPLIsAttachedTypedIntoDetachedAndAttachedAgain() throws {
        let name = uniqueName("repl")
        let tmux = Tmux()
        defer { tmux.close(); _ = unitify(["remove", name]) }
        let started = unitify(["run", "--tty", "--name", name, "--", "/usr/bin/python3", "-i", "-q"])
        #expect(started.status == 0, "\(started.stderr)")
        let first = try record(name)
        #expect(first.terminal && first.state == "running")

        tmux.open("one", "\(attach) \(name)")
        #expect(tmux.shows("one", "[unitify: attached to \(name); Ctrl-\\ detaches]"), "\(tmux.screen("one"))")
        #expect(tmux.shows("one", ">>>"), "\(tmux.screen("one"))")
        tmux.type("one", "import os, sys; print(6 * 7, os.isatty(0), os.isatty(1), os.isatty(2), os.getpid())", "Enter")
        #expect(tmux.shows("one", "42 True True True \(first.pid ?? 0)"), "the program is the job's main process, on a terminal: \(tmux.screen("one"))")
        tmux.type("one", "C-\\")
        #expect(tmux.shows("one", "[unitify: detached from \(name), which runs on"), "\(tmux.screen("one"))")
        #expect(tmux.shows("one", "[ended: 0]"))
        #expect(try record(name).pid == first.pid)

        // Attached again: the earlier output is on the screen, and typing goes on.
        tmux.open("two", "\(attach) \(name)")
        #expect(tmux.shows("two", "42 True True True"), "\(tmux.screen("two"))")
        tmux.type("two", "print('again', 7 * 7)", "Enter")
        #expect(tmux.shows("two", "again 49"), "\(tmux.screen("two"))")
        // The journal has the session as lines, with no escape sequences.
        #expect(eventually { unitify(["journal", name, "-n", "50"]).stdout.contains(">>> print('again', 7 * 7)") })
        #expect(!unitify(["journal", name, "-n", "50"]).stdout.contains("\u{1B}"))
        tmux.type("two", "C-\\")
    }

    @Test func twoTerminalsSeeTheSameAndSendTypesFromAScript() throws {
        let name = uniqueName("console")
        let tmux = Tmux()
        defer { tmux.close(); _ = unitify(["remove", name]) }
        // A console that answers what is typed, as a game server's does.
        let console = #"while IFS= read -r line; do echo "console: $line"; done"#
        #expect(unitify(["run", "--tty", "--name", name, "--", "sh", "-c", console]).status == 0)
        tmux.open("typing", "\(attach) \(name)")
        tmux.open("watching", "\(attach) --read-only --detach-key ^A \(name)")
        #expect(tmux.shows("watching", "read-only; Ctrl-A detaches"), "\(tmux.screen("watching"))")

        let sent = unitify(["send", name, "say", "hello from cron"])
        #expect(sent.status == 0, "\(sent.stderr)")
        #expect(tmux.shows("typing", "console: say hello from cron"), "\(tmux.screen("typing"))")
        #expect(tmux.shows("watching", "console: say hello from cron"), "\(tmux.screen("watching"))")

        tmux.type("typing", "from the keyboard", "Enter")
        #expect(tmux.shows("watching", "console: from the keyboard"), "\(tmux.screen("watching"))")
        // What a read-only terminal types reaches nothing.
        tmux.type("watching", "ignored", "Enter")
        #expect(unitify(["send", name, "marker"]).status == 0)
        #expect(tmux.shows("typing", "console: marker"))
        #expect(!tmux.screen("typing").contains("console: ignored"), "\(tmux.screen("typing"))")
        // --no-enter types without Enter: the line ends with the next send.
        #expect(unitify(["send", "--no-enter", name, "half "]).status == 0)
        #expect(unitify(["send", name, "whole"]).status == 0)
        #expect(tmux.shows("typing", "console: half whole"), "\(tmux.screen("typing"))")
        tmux.type("watching", "C-a")
        #expect(tmux.shows("watching", "[unitify: detached from"), "\(tmux.screen("watching"))")
    }

    @Test func aFullScreenProgramIsRedrawnOnAttach() throws {
        let name = uniqueName("top")
        let tmux = Tmux()
        defer { tmux.close(); _ = unitify(["remove", name]) }
        #expect(unitify(["run", "--tty", "--name", name, "--", "top", "-d", "30"]).status == 0)
        tmux.open("top", "\(attach) \(name)", rows: 40, columns: 120)
        // top draws only every 30 s: a screen within that comes from the redraw asked on attach.
        #expect(tmux.shows("top", "PID USER"), "\(tmux.screen("top"))")
        #expect(tmux.shows("top", "Tasks:"))
        tmux.type("top", "C-\\")
        #expect(tmux.shows("top", "[unitify: detached from \(name)"), "\(tmux.screen("top"))")
        // What top paints reaches the journal as text, without its escape sequences.
        let logged = unitify(["journal", name, "-n", "50", "-o", "cat"]).stdout
        #expect(logged.contains("Tasks:") && !logged.contains("\u{1B}"), "\(logged)")
    }

    @Test func aProgressBarIsInTheJournalWhileItIsDrawn() throws {
        let name = uniqueName("bar")
        let directory = makeTemporaryDirectory()
        defer { _ = unitify(["remove", name]); removeTree(directory) }
        // A bar of 60 frames, one every 0.1 s, drawn with \r as tqdm draws it; then a line.
        let bar = #"for i in $(seq 1 60); do printf '\rtraining: %3d%%' $((i * 100 / 60)); sleep 0.1; done; echo; echo "all $((6 * 7)) done""#
        #expect(unitify(["run", "--tty", "--check", "0", "--name", name, "--", "sh", "-c", bar]).status == 0)
        let follow = spawnBackground([unitifyBinary, "journal", name, "-f", "-o", "cat"], outputPath: directory + "/follow")
        defer { kill(follow, SIGTERM); _ = waitForExit(follow) }
        // A state of the bar arrives while the job still draws it.
        var seenWhileRunning = false
        _ = eventually {
            let states = readFile(directory + "/follow").split(separator: "\n").filter { $0.hasPrefix("training:") && !$0.hasSuffix("100%") }
            seenWhileRunning = !states.isEmpty && (try? record(name).state) == "running"
            return seenWhileRunning || (try? record(name).state) != "running"
        }
        #expect(seenWhileRunning, "\(readFile(directory + "/follow"))")
        // Not "finished": the manager's "Starting …" line quotes the command.
        #expect(eventually { readFile(directory + "/follow").contains("all 42 done") })
        let states = readFile(directory + "/follow").split(separator: "\n").filter { $0.hasPrefix("training:") }
        // Six seconds of frames, at most two a second: a dozen lines, not sixty.
        #expect(states.count >= 2 && states.count <= 16, "\(states) of \(readFile(directory + "/follow")); the journal: \(unitify(["journal", name, "-o", "cat"]).stdout)")
        #expect(states.last == "training: 100%")
    }

    @Test func aBarWithoutATerminalIsShownAsItsLastFrame() throws {
        let name = uniqueName("glued")
        let bar = #"for i in 10 50 100; do printf '\rcopying: %3d%%' $i; done; echo; echo done"#
        defer { _ = unitify(["remove", name]) }
        #expect(unitify(["run", "--name", name, "--", "sh", "-c", bar]).status == 0)
        #expect(eventually { unitify(["journal", name, "-o", "cat"]).stdout.contains("done") })
        let logged = unitify(["journal", name, "-o", "cat"]).stdout
        #expect(logged.split(separator: "\n").filter { $0.hasPrefix("copying") } == ["copying: 100%"], "\(logged)")
        #expect(unitify(["status", name, "-n", "5"]).stdout.contains(": copying: 100%\n"))
    }

    @Test func theJobsExitStatusIsTheProgramsAndNothingIsLeftBehind() throws {
        let name = uniqueName("ends")
        defer { _ = unitify(["remove", name]) }
        let started = unitify(["run", "--tty", "--name", name, "--", "sh", "-c", "echo pid=$$; sleep 1; exit 3"])
        #expect(started.status == 0, "\(started.stderr)")
        let pid = try #require(try record(name).pid)
        #expect(unitify(["wait", name]).status == 3)
        #expect(try record(name).last_exit?.status == 3)
        #expect(unitify(["journal", name, "-o", "cat"]).stdout.contains("pid=\(pid)"))
        let socket = (getenv("XDG_RUNTIME_DIR").map { String(cString: $0) } ?? "") + "/unitify/tty/" + name
        #expect(eventually { access(socket, F_OK) != 0 }, "the holder removes its socket when the job ends")
        #expect(eventually { unitify(["attach", name]).stderr.contains("is not running") })
    }

    @Test func aRestartedJobKeepsItsTerminalAndStopReachesTheProgram() throws {
        let name = uniqueName("again")
        defer { _ = unitify(["remove", name]) }
        let job = #"trap 'echo got-term; exit 0' TERM; echo up; while :; do sleep 0.1; done"#
        #expect(unitify(["run", "--tty", "--restart", "always", "--name", name, "--", "sh", "-c", job]).status == 0)
        let first = try #require(try record(name).pid)
        #expect(unitify(["kill", name, "--main", "-s", "KILL"]).status == 0)
        #expect(eventually { (try? record(name).pid).flatMap { $0 } .map { $0 != first } ?? false })
        #expect(eventually { unitify(["send", name, ""]).status == 0 }, "the restarted job has a terminal again")
        #expect(unitify(["stop", name]).status == 0)
        #expect(eventually { unitify(["journal", name, "-o", "cat"]).stdout.contains("got-term") })
    }

    @Test func attachAndSendSayInOneLineWhyNot() throws {
        let plain = uniqueName("plain")
        defer { _ = unitify(["remove", plain]) }
        #expect(unitify(["run", "--name", plain, "--", "sleep", "60"]).status == 0)
        let noTerminal = unitify(["attach", plain])
        #expect(noTerminal.status != 0)
        #expect(noTerminal.stderr == "unitify: \(plain) has no terminal: it was started without --tty ('unitify restart \(plain) --tty' gives it one)\n")
        let missing = unitify(["send", "no-such-job-here", "x"])
        #expect(missing.status != 0)
        #expect(missing.stderr == "unitify: no job named no-such-job-here: 'unitify status' lists yours\n")
        let badKey = unitify(["attach", "--detach-key", "F1", plain])
        #expect(badKey.status == 2 && badKey.stderr.contains("--detach-key 'F1' is not a control key"), "\(badKey.stderr)")
    }

    @Test func anotherUserCannotAttach() throws {
        let name = uniqueName("private")
        defer { _ = unitify(["remove", name]) }
        #expect(unitify(["run", "--tty", "--name", name, "--", "sleep", "60"]).status == 0)
        #expect(eventually { unitify(["send", name, ""]).status == 0 })
        // nobody, with this user's runtime directory named: the directory and the holder refuse.
        let other = run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", unitifyBinary, "send", name, "hi"])
        #expect(other.status != 0)
        #expect(other.stderr.contains("terminal is not yours"), "\(other.stderr)")
    }
}
