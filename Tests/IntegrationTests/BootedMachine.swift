import Glibc
import Testing

/// The booted suite runs only when asked (`make test-booted`, which `make test` calls). Then a
/// machine that cannot boot is a failure, never a skip. `make test-booted` runs every suite whose
/// name starts with `Booted`: a suite on booted machines is named so.
enum Booted {
    static let enabled = getenv("UNITIFY_BOOTED_TESTS") != nil
    static let reason: Comment = "runs on booted machines with UNITIFY_BOOTED_TESTS=1 (make test-booted)"
    static let script = packageRoot + "/scripts/test-machine"
    /// logind's UserStopDelaySec= in the machine (scripts/test-machine shortens Debian's 10s).
    static let userStopDelay = 2.0
}

struct MachineFailure: Error, CustomStringConvertible {
    let description: String
}

/// One machine of scripts/test-machine: a Debian release (bookworm unless said) with systemd as
/// PID 1, logind and PAM, users alice (uid 1000) and bob (uid 1001) without linger, the unitify
/// under test in /usr/local/bin.
final class TestMachine: Sendable {
    let name: String
    let release: String

    /// Boots a machine of its own, named after the test; with `sshPort`, its sshd listens on
    /// 127.0.0.1 at that port (a remote host for the tests). `withUnitify: false` for a host that
    /// is only reached over ssh (bullseye, whose glibc is too old for the binary).
    init(_ stem: String, release: String = "bookworm", sshPort: UInt16? = nil, withUnitify: Bool = true) throws {
        guard let binary = getenv("UNITIFY_MACHINE_BIN").map({ String(cString: $0) }) else {
            throw MachineFailure(description: "UNITIFY_MACHINE_BIN is not set: the unitify to put in the machine (make test-booted builds it)")
        }
        name = "t-\(stem)-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        self.release = release
        let ssh = sshPort.map { ["--ssh-port", "\($0)"] } ?? []
        let unitify = withUnitify ? ["--unitify", binary] : []
        let booted = runClean(["timeout", "--kill-after=5", "90", Booted.script, "boot", name, "--release", release] + unitify + ssh)
        guard booted.status == 0 else {
            destroy()
            throw MachineFailure(description: "machine \(name) did not boot (status \(booted.status)):\n\(booted.stderr)")
        }
    }

    /// Runs a shell script inside as root (no session, a clean environment, as `nsenter` gives).
    @discardableResult
    func root(_ script: String, timeout: Int = 120) -> Completed {
        runClean(["timeout", "--kill-after=5", String(timeout), Booted.script, "root", name, "sh", "-c", script])
    }

    /// Logs `user` in through PAM (`su - user -c script`: a pam_systemd session), runs the script
    /// in their login shell and logs out when it ends.
    @discardableResult
    func login(_ user: String, _ script: String, timeout: Int = 120) -> Completed {
        runClean(["timeout", "--kill-after=5", String(timeout), Booted.script, "login", name, user, script])
    }

    /// Powers off and boots the same disk again; ready when its systemd is.
    func reboot() throws {
        let rebooted = runClean(["timeout", "--kill-after=5", "90", Booted.script, "reboot", name])
        guard rebooted.status == 0 else {
            throw MachineFailure(description: "machine \(name) did not reboot (status \(rebooted.status)):\n\(rebooted.stderr)")
        }
    }

    func destroy() {
        let destroyed = runClean(["timeout", "--kill-after=5", "60", Booted.script, "destroy", name])
        if destroyed.status != 0 {
            Issue.record("destroying machine \(name) failed (status \(destroyed.status)): \(destroyed.stderr)")
        }
    }

    // MARK: State read as root

    /// A property of a system unit (`systemctl show`).
    func systemProperty(_ unit: String, _ property: String) -> String {
        root("systemctl show -p \(property) --value \(unit)").stdout.trimmed
    }

    /// A property of one of `uid`'s user units, asked of their manager as that user.
    func userProperty(uid: Int, _ unit: String, _ property: String) -> String {
        root("\(asUser(uid)) systemctl --user show -p \(property) --value \(unit)").stdout.trimmed
    }

    /// State of the user's manager (`user@UID.service`): active, inactive, ...
    func managerState(uid: Int) -> String {
        systemProperty("user@\(uid).service", "ActiveState")
    }

    /// Polls inside the machine until user@UID.service is inactive; false after `seconds`.
    func waitForManagerStop(uid: Int, within seconds: Int = 30) -> Bool {
        root("""
            until [ "$(systemctl show -p ActiveState --value user@\(uid).service)" = inactive ]; do sleep 0.1; done
            """, timeout: seconds).status == 0
    }

    /// Polls until user@UID.service is active (and its manager answers).
    func waitForManager(uid: Int, within seconds: Int = 30) -> Bool {
        root("""
            until [ "$(systemctl show -p ActiveState --value user@\(uid).service)" = active ] \
              && [ -S /run/user/\(uid)/systemd/private ]; do sleep 0.1; done
            """, timeout: seconds).status == 0
    }

    /// Polls until no user is logged in; false after `seconds`. A session of class `manager` is
    /// no login: from 257 on, logind keeps one for each lingering user's manager.
    func waitForNoLogins(within seconds: Int = 20) -> Bool {
        root("""
            logged_in() {
                for session in $(loginctl list-sessions --no-legend | awk '{ print $1 }'); do
                    case "$(loginctl show-session "$session" -p Class --value 2>/dev/null)" in manager*) ;; *) return 0 ;; esac
                done
                return 1
            }
            while logged_in; do sleep 0.1; done
            """, timeout: seconds).status == 0
    }

    /// True while `pid` inside the machine is a live process running `command`.
    func isRunning(_ pid: Int, _ command: String = "sleep 1000") -> Bool {
        root("kill -0 \(pid) && [ \"$(tr '\\0' ' ' </proc/\(pid)/cmdline)\" = '\(command) ' ]").status == 0
    }

    /// Polls until `pid` is gone; false after `seconds`.
    func waitForExit(_ pid: Int, within seconds: Int = 30) -> Bool {
        root("while kill -0 \(pid) 2>/dev/null; do sleep 0.1; done", timeout: seconds).status == 0
    }

    func fileExists(_ path: String) -> Bool {
        root("test -e '\(path)'").status == 0
    }

    /// logind's answer for the user's Linger (yes/no), or "" when logind does not track the user.
    func lingerProperty(_ user: String) -> String {
        root("loginctl show-user \(user) -p Linger --value 2>/dev/null").stdout.trimmed
    }

    /// A prefix that runs a command as `uid` against their own manager.
    func asUser(_ uid: Int) -> String {
        "setpriv --reuid=\(uid) --regid=\(uid) --init-groups env XDG_RUNTIME_DIR=/run/user/\(uid)"
    }
}

/// Boots a machine, runs `body` on it and destroys it, whatever happens in between.
func withMachine(_ stem: String, release: String = "bookworm", sshPort: UInt16? = nil, withUnitify: Bool = true,
                 _ body: (TestMachine) throws -> Void) throws {
    let machine = try TestMachine(stem, release: release, sshPort: sshPort, withUnitify: withUnitify)
    defer { machine.destroy() }
    try body(machine)
}

/// Runs a program to completion, its output captured through files, stdin /dev/null, with every
/// signal unblocked and at its default (`withCleanSignals`).
func runClean(_ argv: [String]) -> Completed {
    let scratch = makeTemporaryDirectory()
    defer {
        unlink(scratch + "/out")
        unlink(scratch + "/err")
        rmdir(scratch)
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, scratch + "/out", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, scratch + "/err", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    var pid: pid_t = 0
    let cArgs = argv.map { strdup($0) } + [nil]
    defer { cArgs.forEach { free($0) } }
    let spawned = withCleanSignals { attributes in posix_spawnp(&pid, argv[0], &actions, &attributes, cArgs, environ) }
    guard spawned == 0 else {
        return Completed(status: 127, stdout: "", stderr: "posix_spawn \(argv[0]) failed: \(spawned)")
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return Completed(status: code, stdout: readFile(scratch + "/out"), stderr: readFile(scratch + "/err"))
}

extension String {
    var trimmed: String {
        var text = Substring(self)
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        return String(text)
    }

    /// The value of the first `KEY=value` line of the output.
    func marker(_ key: String) -> String? {
        split(separator: "\n").first { $0.hasPrefix(key + "=") }.map { String($0.dropFirst(key.count + 1)) }
    }

    /// Non-empty lines.
    var lines: [Substring] {
        split(separator: "\n").filter { !$0.allSatisfy(\.isWhitespace) }
    }

    func occurrences(of needle: String) -> Int {
        ranges(of: needle).count
    }
}
