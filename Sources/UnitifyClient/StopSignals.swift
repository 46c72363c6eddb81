import Glibc

/// Installs `handler` for SIGINT and SIGTERM and makes sure neither is blocked: a process started
/// from a thread that blocks them (as test runners do) would otherwise never hear them.
func listenForStop(_ handler: @convention(c) (Int32) -> Void) {
    signal(SIGINT, handler)
    signal(SIGTERM, handler)
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGINT)
    sigaddset(&set, SIGTERM)
    sigprocmask(SIG_UNBLOCK, &set, nil)
}
