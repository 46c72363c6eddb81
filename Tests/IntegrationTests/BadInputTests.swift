import Glibc
import Systemd
import Testing
import UnitifyClient
import UnitifyCore

/// Every command with malformed values: one line on stderr, a non-zero exit, no crash trace, and
/// nothing created. The table grows with the commands; `RunBadInputTests` covers `run` in depth.
@Suite(.enabled(if: Live.enabled, Live.reason))
struct BadInputTests {
    /// NAME stands for a unit name no other test uses; EXPECT is part of the one line.
    static let cases: [(command: [String], expect: String)] = [
        (["frobnicate"], "Unexpected argument 'frobnicate'"),
        (["status", "--frobnicate"], "nknown option"),
        (["status", "-n", "-1"], "-n"),
        (["status", "-n", "many"], "many"),
        (["status", ""], "empty"),
        (["status", String(repeating: "x", count: 300)], "too long"),
        (["status", "NAME"], "no unit named"),
        (["journal", "NAME", "-n", "lots"], "invalid -n 'lots'"),
        (["journal", "NAME", "--since", "last tuesday"], "invalid time 'last tuesday'"),
        (["journal", "NAME", "--until", "2026-13-01"], "invalid time"),
        (["journal", "NAME", "--since", "now", "--until=-1h"], "--since is after --until"),
        (["journal", "NAME", "-p", "loud"], "invalid priority 'loud'"),
        (["journal", "NAME", "-g", "(unclosed"], "not a regular expression"),
        (["journal", "NAME", "other", "--run", "current"], "exactly one NAME"),
        (["journal", "NAME", "--frobnicate"], "nknown option"),
        (["stop"], "Missing expected argument"),
        (["stop", "NAME"], "no unit named"),
        (["stop", ""], "empty"),
        (["install"], "Missing expected argument"),
        (["install", "NAME"], "no unit named"),
        (["install", "NAME", "--template", "/no/such/template"], "/no/such/template"),
        (["uninstall", "NAME"], "no unit file"),
        (["remove", "NAME"], "no unit named"),
        (["cat", "NAME"], "no unit named"),
        (["generate"], "no command given"),
        (["generate", "--template", "/no/such/template", "--", "true"], "/no/such/template"),
        (["run", "--template", "/dev/null", "--", "true"], "--template goes with --persistent"),
        // No systemd as PID 1 beside the private user manager: each --system command says so.
        (["run", "--system", "--", "true"], "cannot reach the system manager"),
        (["status", "--system"], "cannot reach the system manager"),
        (["stop", "--system", "NAME"], "cannot reach the system manager"),
        (["uninstall", "--system", "NAME"], "cannot reach the system manager"),
        (["cat", "--system", "NAME"], "cannot reach the system manager"),
        (["run", "--persistent", "--on-calendar", "", "--", "true"], "--on-calendar"),
        (["run", "--wait", "--follow", "--", "true"], "exclude each other"),
        (["run", "-e", "BAD=\u{1}", "--", "true"], "control character"),
        (["run", "--stdout", "/proc", "--", "true"], "directory"),
        (["doctor", "--frobnicate"], "nknown option"),
        (["run", "--name", "NAME", "--restart", "always", "--restart-sec", "5s..1s", "--", "true"], "MIN 5s is longer than MAX 1s: put the shorter first, --restart-sec 1s..5s"),
        (["run", "--name", "NAME", "--restart", "always", "--restart-sec", "..", "--", "true"], "MIN..MAX needs both durations"),
        (["run", "--persistent", "--name", "NAME", "--restart", "always", "--restart-sec", "abc..5s", "--", "true"], "'abc' is not a duration"),
        (["run", "--name", "NAME", "--restart-sec", "1s..5s", "--", "true"], "add --restart on-failure"),
    ]

    @Test(arguments: cases)
    func refuses(_ command: [String], _ expect: String) throws {
        let name = uniqueName("badinput")
        let arguments = command.map { $0 == "NAME" ? name : $0 }
        let result = unitify(arguments)
        let label = arguments.joined(separator: " ")
        #expect(result.status != 0, "\(label)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(label): \(result.stderr)")
        #expect(result.stderr.hasPrefix("unitify: "), "\(label): \(result.stderr)")
        #expect(result.stderr.contains(expect), "\(label): \(result.stderr)")
        #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Stack dump"), "\(label)")
        #expect(try Jobs.user().status(of: "\(name).service").loadState == .notFound, "\(label)")
        #expect(access("\(try UnitFileDirectory.user().directory)/\(name).service", F_OK) != 0, "\(label)")
    }

    /// A word outside a closed set (`-o`, `--run`, `--restart`) is refused by the argument parser
    /// before anything runs: one line naming the word and every choice, exit status 2, no output.
    static let closedSets: [(command: [String], expect: String)] = [
        (["journal", "NAME", "-o", "yaml"],
         "unitify: The value 'yaml' is invalid for '-o <output>'. Please provide one of 'short', 'short-iso', 'short-precise', 'cat' or 'json'. (see 'unitify journal --help')"),
        (["journal", "NAME", "--run", "latest"],
         "unitify: The value 'latest' is invalid for '--run <run>'. Please provide one of 'current', 'previous' or 'all'. (see 'unitify journal --help')"),
        // Seven choices: the parser puts them on lines of their own, which main joins into one.
        (["generate", "--name", "NAME", "--restart", "never", "--", "true"],
         "unitify: The value 'never' is invalid for '--restart <restart>'. Please provide one of 'no', 'on-success', 'on-failure', 'on-abnormal', 'on-abort', 'on-watchdog' or 'always'. (see 'unitify generate --help')"),
        (["run", "--name", "NAME", "--restart", "on_failure", "--", "true"],
         "unitify: The value 'on_failure' is invalid for '--restart <restart>'. Please provide one of 'no', 'on-success', 'on-failure', 'on-abnormal', 'on-abort', 'on-watchdog' or 'always'. (see 'unitify run --help')"),
    ]

    @Test(arguments: closedSets)
    func refusesAWordOutsideAClosedSet(_ command: [String], _ expect: String) throws {
        let name = uniqueName("badchoice")
        let arguments = command.map { $0 == "NAME" ? name : $0 }
        let result = unitify(arguments)
        let label = arguments.joined(separator: " ")
        #expect(result.status == 2, "\(label)")
        #expect(result.stdout.isEmpty, "\(label): \(result.stdout)")
        #expect(result.stderr == expect + "\n", "\(label): \(result.stderr)")
        #expect(try Jobs.user().status(of: "\(name).service").loadState == .notFound, "\(label)")
        #expect(access("\(try UnitFileDirectory.user().directory)/\(name).service", F_OK) != 0, "\(label)")
    }

    @Test func missingUnitsExitWithFour() {
        let name = uniqueName("absent")
        for command in [["status", name], ["stop", name], ["uninstall", name]] {
            #expect(unitify(command).status == 4, "\(command)")
        }
    }

    @Test func unreachableManagerIsExplained() {
        for command in [["status"], ["run", "--", "true"], ["stop", "x"], ["install", "x"]] {
            let result = unitify(command, environment: ["XDG_RUNTIME_DIR": "/nonexistent-runtime-dir"])
            #expect(result.status != 0, "\(command)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(command): \(result.stderr)")
            #expect(result.stderr.contains("unitify doctor"), "\(command): \(result.stderr)")
        }
    }

    /// A manager socket that refuses the connection is said as that, not as the fallback's
    /// failure (the user bus, which is not there).
    @Test func aFailedConnectionIsSaidWithItsOwnError() throws {
        let runtime = makeTemporaryDirectory()
        defer { removeTree(runtime) }
        mkdir(runtime + "/systemd", 0o700)
        // A socket file that nobody listens on: connecting to it is refused.
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let path = runtime + "/systemd/private"
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            _ = path.withCString { strncpy(raw.baseAddress!.assumingMemoryBound(to: CChar.self), $0, raw.count - 1) }
        }
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        close(fd)
        try #require(bound == 0)
        let result = unitify(["status"], environment: ["XDG_RUNTIME_DIR": runtime])
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot connect to \(path): Connection refused;"), "\(result.stderr)")
    }
}
