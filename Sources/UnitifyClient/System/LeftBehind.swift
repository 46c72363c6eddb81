import Glibc
import UnitifyCore

/// Runs `body` in a new process that is no child of this one: forked twice, the middle process
/// ending at once, so that it is reparented to the manager (a subreaper) and the program this
/// process becomes next never sees it as its child (a shell's `wait` would reap it). It stays in
/// the job's cgroup.
func leaveBehind(_ what: String, _ body: () -> Never) throws(UnitifyError) {
    let middle = fork()
    guard middle >= 0 else { throw UnitifyError.failed("cannot fork \(what): \(String(cString: strerror(errno)))") }
    if middle == 0 {
        setsid()
        let child = fork()
        if child != 0 { _exit(child < 0 ? 1 : 0) }
        body()
    }
    var status: Int32 = 0
    while waitpid(middle, &status, 0) < 0 && errno == EINTR {}
}

/// The signals a job's own processes get (`kill` without --main reaches every process of the
/// job): a helper left behind ignores them, and ends when its input does.
func ignoreJobSignals() {
    for signal in [SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGPIPE, SIGALRM, SIGTSTP, SIGTTIN, SIGTTOU, SIGWINCH] {
        Glibc.signal(signal, SIG_IGN)
    }
}

/// Becomes `program` with `argv`; on failure says so on standard error and exits as a shell
/// would (127 not found, 126 not runnable).
func becomeProgram(_ program: String, _ argv: [String]) -> Never {
    let words = argv.map { strdup($0) } + [nil]
    execv(program, words)
    let failure = errno
    writeAll(STDERR_FILENO, Array("unitify: cannot run \(program): \(String(cString: strerror(failure)))\r\n".utf8))
    _exit(failure == ENOENT ? 127 : 126)
}

/// A helper that cannot get to the program: one line on the job's standard error, and the
/// status the job ends with.
func failBeforeTheProgram(_ message: String, status: Int32) -> Never {
    writeAll(STDERR_FILENO, Array((message + "\n").utf8))
    exit(status)
}
