import Glibc
import Testing

/// A `--tty` job on systemd booted as PID 1: its terminal comes back after a reboot, before
/// anyone logs in, and only its user may join it.
@Suite(.enabled(if: Booted.enabled, Booted.reason))
struct BootedTerminalTests {
    static let console = #"echo console-ready; while IFS= read -r line; do echo "console: $line"; done"#

    @Test(arguments: ["bookworm", "forky"])
    func aPersistentTerminalJobIsAttachedAfterARebootAndOnlyByItsUser(release: String) throws {
        try withMachine("tty", release: release) { machine in
            let started = machine.login("alice", "unitify run --tty --persistent --name console -- sh -c '\(Self.console)'")
            try #require(started.status == 0, "\(started.stderr)")
            #expect(!started.stderr.contains("warning"), "the package's unitify lasts: \(started.stderr)")
            #expect(machine.root("cat /home/alice/.config/systemd/user/console.service").stdout
                .contains(#"ExecStart=@"/usr/local/bin/unitify" "unitify" "hold-terminal" "console" "/usr/bin/sh" "--" "sh" "-c""#))

            try machine.reboot()
            #expect(machine.waitForManager(uid: 1000), "alice's manager did not start at boot")
            let user = machine.asUser(1000)
            let sent = machine.root("until \(user) unitify send console after-reboot 2>/dev/null; do sleep 0.1; done", timeout: 60)
            #expect(sent.status == 0, "\(sent.stderr)")
            // Watched read-only, as a script would: the replay holds what the console answered.
            let watched = machine.root("""
                until \(user) unitify journal console -o cat | grep -q 'console: after-reboot'; do sleep 0.1; done
                \(user) timeout 3 unitify attach --read-only console; true
                """, timeout: 60)
            #expect(watched.stdout.contains("console-ready") && watched.stdout.contains("console: after-reboot"), "\(watched.stdout)\(watched.stderr)")
            #expect(watched.stderr.contains("[unitify: attached to console, read-only; Ctrl-\\ detaches]"), "\(watched.stderr)")
            let status = machine.root("\(user) unitify status console -n 0").stdout
            #expect(status.contains("Terminal: yes"), "\(status)")
            #expect(status.contains("Command: sh -c"), "the program, not the holder: \(status)")

            // bob, even knowing where alice's terminal is, gets one line.
            let bob = machine.root("setpriv --reuid=1001 --regid=1001 --init-groups env XDG_RUNTIME_DIR=/run/user/1000 unitify send console from-bob")
            #expect(bob.status != 0)
            #expect(bob.stderr == "unitify: console's terminal is not yours: only the user who runs the job (and root) may attach\n", "\(bob.stderr)")
            #expect(!machine.root("\(user) unitify journal console -o cat").stdout.contains("from-bob"))

            // Stopped, nothing of the job is left: no holder, no socket.
            #expect(machine.root("\(user) unitify stop console").status == 0)
            #expect(machine.root("pgrep -u alice -f hold-terminal").status != 0)
            #expect(!machine.fileExists("/run/user/1000/unitify/tty/console"))
        }
    }
}
