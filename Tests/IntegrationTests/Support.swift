import Glibc
import Systemd
import Testing
import UnitifyClient

/// Integration tests need a real user manager. Outside CI they are skipped, visibly, when none is
/// reachable; under CI=true they run anyway and fail, so a broken set-up can never pass as green.
enum Live {
    static let isCI = getenv("CI").map { String(cString: $0) == "true" } ?? false
    static let managerReachable = (try? Jobs.user()) != nil
    static let enabled = isCI || managerReachable
    static let reason: Comment = "no systemd user manager is reachable: run the tests under scripts/user-session (make test does)"
}

/// The result of running a program to completion.
struct Completed {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// The `unitify` binary that `swift build` put beside the test bundle (or $UNITIFY_BIN).
let unitifyBinary: String = {
    if let override = getenv("UNITIFY_BIN") { return String(cString: override) }
    var buffer = [CChar](repeating: 0, count: 4096)
    let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    let exe = String(decoding: buffer[..<max(count, 0)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    var directory = Substring(exe)
    while let slash = directory.lastIndex(of: "/") {
        directory = directory[..<slash]
        if access(String(directory) + "/unitify", X_OK) == 0 { return String(directory) + "/unitify" }
    }
    return "unitify"
}()

/// Runs `unitify ARGS` in `directory`, with `environment` added to ours.
func unitify(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]) -> Completed {
    run([unitifyBinary] + arguments, in: directory, environment: environment)
}

/// Runs a program to completion, its output captured through files (no pipe to fill up).
func run(_ argv: [String], in directory: String? = nil, environment: [String: String] = [:]) -> Completed {
    let scratch = makeTemporaryDirectory()
    defer {
        unlink(scratch + "/out")
        unlink(scratch + "/err")
        rmdir(scratch)
    }
    let script = "cd \"$1\" && shift && exec \"$@\" >\"$OUT\" 2>\"$ERR\""
    let shellArgv = ["/bin/sh", "-c", script, "sh", directory ?? "."] + argv
    var env: [String] = []
    var index = 0
    while let entry = environ[index] {
        let text = String(cString: entry)
        let key = String(text.prefix(while: { $0 != "=" }))
        if environment[key] == nil { env.append(text) }
        index += 1
    }
    env += environment.map { "\($0.key)=\($0.value)" }
    env += ["OUT=\(scratch)/out", "ERR=\(scratch)/err"]

    let exitCode = spawnAndWait(shellArgv, environment: env)
    return Completed(status: exitCode, stdout: readFile(scratch + "/out"), stderr: readFile(scratch + "/err"))
}

/// Spawn attributes that give the child every signal unblocked and at its default. A child
/// otherwise inherits the calling thread's mask, and Swift Testing's worker threads block SIGHUP,
/// SIGINT, SIGTERM and more: a job or a nohup process started from a test would shrug them off.
func withCleanSignals<Result>(_ body: (inout posix_spawnattr_t) -> Result) -> Result {
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var none = sigset_t()
    sigemptyset(&none)
    var all = sigset_t()
    sigfillset(&all)
    sigdelset(&all, SIGKILL)
    sigdelset(&all, SIGSTOP)
    posix_spawnattr_setsigmask(&attributes, &none)
    posix_spawnattr_setsigdefault(&attributes, &all)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    return body(&attributes)
}

/// posix_spawn and wait; the shell's convention for the status (128 + N for signal N).
func spawnAndWait(_ argv: [String], environment: [String]? = nil) -> Int32 {
    var pid: pid_t = 0
    let cArgs = argv.map { strdup($0) } + [nil]
    let cEnv = environment.map { $0.map { strdup($0) } + [nil] }
    defer {
        cArgs.forEach { free($0) }
        cEnv?.forEach { free($0) }
    }
    let spawned = withCleanSignals { attributes in
        cEnv.map { posix_spawnp(&pid, argv[0], nil, &attributes, cArgs, $0) } ?? posix_spawnp(&pid, argv[0], nil, &attributes, cArgs, environ)
    }
    precondition(spawned == 0, "posix_spawn \(argv[0]) failed: \(spawned)")
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
}

/// Starts a program in the background with its stdout and stderr going to `outputPath`.
func spawnBackground(_ argv: [String], outputPath: String) -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    var pid: pid_t = 0
    let cArgs = argv.map { strdup($0) } + [nil]
    defer { cArgs.forEach { free($0) } }
    precondition(withCleanSignals { attributes in posix_spawnp(&pid, argv[0], &actions, &attributes, cArgs, environ) } == 0)
    return pid
}

/// Waits for a child; nil if it has not ended within `seconds`.
func waitForExit(_ pid: pid_t, within seconds: Double = 30) -> Int32? {
    var status: Int32 = 0
    var result: pid_t = 0
    _ = eventually(within: seconds) {
        result = waitpid(pid, &status, WNOHANG)
        return result == pid
    }
    guard result == pid else { return nil }
    return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
}

func readFile(_ path: String) -> String {
    (try? LocalJobSite().readText(path)) ?? ""
}

func makeTemporaryDirectory() -> String {
    var template = Array("/tmp/unitify-test.XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { fatalError("mkdtemp failed") }
    return String(cString: made)
}

func removeTree(_ path: String) {
    _ = spawnAndWait(["rm", "-rf", "--", path])
}

/// A unit name no other test uses.
func uniqueName(_ stem: String) -> String {
    "\(stem)-\(UInt32.random(in: 0...UInt32.max))"
}

/// Polls `condition` every 50 ms until it holds or `seconds` pass. Waits end as soon as what they
/// wait for holds, so the deadline costs nothing when all is well and is kept generous: a test
/// must not fail because a loaded machine (`make test-load`) took a few seconds more.
func eventually(within seconds: Double = 60, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = monotonicMicroseconds() + UInt64(seconds * 1_000_000)
    while monotonicMicroseconds() < deadline {
        if try condition() { return true }
        usleep(50_000)
    }
    return try condition()
}

/// The wrapper's own `Manager` on the caller's user manager, for tests that drive systemd below
/// what `Jobs` offers (raw properties, starting a unit by name).
func userManager() throws -> Manager {
    try Manager(bus: Bus.userManager(runtimeDirectory: ManagerLocation.current().runtimeDirectory ?? ""))
}
