import Glibc
import Synchronization

/// SIGINT and SIGTERM while a follow prints, which goes on until one of them comes. The handler
/// does only what is async-signal-safe: lock-free atomics, `kill` and `_exit`. It ends the process
/// at once when the follow is idle (waiting, everything printed already written out); else it
/// leaves a request that the follow honours when it has written out what it printed.
enum StopSignals {
    /// The follow is waiting for more, with nothing left unwritten.
    static let idle = Atomic<Bool>(false)
    /// A signal came while the follow was printing.
    static let requested = Atomic<Bool>(false)
    /// The status the process ends with.
    static let exitStatus = Atomic<Int32>(0)

    /// Installs the handler and makes sure neither signal is blocked: a process started from a
    /// thread that blocks them (as test runners do) would otherwise never hear them.
    /// `beforeExit`: what the handler does first; it must be async-signal-safe too.
    static func listen(beforeExit: @convention(c) () -> Void = {}) {
        // Made now, not in the handler, where a first use would initialise them (swift_once).
        _ = idle.load(ordering: .sequentiallyConsistent) || requested.load(ordering: .sequentiallyConsistent)
        exitStatus.store(exitStatus.load(ordering: .sequentiallyConsistent), ordering: .sequentiallyConsistent)
        cleanUp = beforeExit
        let handler: @convention(c) (Int32) -> Void = { _ in
            StopSignals.cleanUp()
            if StopSignals.idle.load(ordering: .sequentiallyConsistent) {
                _exit(StopSignals.exitStatus.load(ordering: .sequentiallyConsistent))
            }
            StopSignals.requested.store(true, ordering: .sequentiallyConsistent)
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        sigprocmask(SIG_UNBLOCK, &set, nil)
    }

    nonisolated(unsafe) private static var cleanUp: @convention(c) () -> Void = {}

    /// Runs `wait` as idle: a stop that came before, or comes during it, ends the process. Call
    /// it only with everything printed written out.
    static func whileIdle<T>(_ wait: () throws -> T) rethrows -> T {
        idle.store(true, ordering: .sequentiallyConsistent)
        defer { idle.store(false, ordering: .sequentiallyConsistent) }
        if requested.load(ordering: .sequentiallyConsistent) { _exit(exitStatus.load(ordering: .sequentiallyConsistent)) }
        return try wait()
    }

    /// Marks the follow idle from now on, for a follow that writes out each line as it prints it
    /// (the remote ones): a stop that came before, while it was still printing the tail (or
    /// pending, blocked, until `listen` unblocked it), ends the process now; a later one at once.
    static func idleFromNow() {
        idle.store(true, ordering: .sequentiallyConsistent)
        if requested.load(ordering: .sequentiallyConsistent) { _exit(exitStatus.load(ordering: .sequentiallyConsistent)) }
    }

    /// Ends the process, after writing out `output`, when a stop was asked for while printing.
    static func honourRequest(_ output: Output) {
        guard requested.load(ordering: .sequentiallyConsistent) else { return }
        output.flush()
        _exit(exitStatus.load(ordering: .sequentiallyConsistent))
    }
}
