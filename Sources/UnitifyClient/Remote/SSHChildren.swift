import Glibc
import Synchronization

/// The ssh processes of the follows under way, so that a signal handler can end them: a follow
/// ended by SIGTERM would otherwise leave its ssh (and `journalctl -f` on the host) running until
/// the next line fails to arrive. Fixed slots written with single stores, since a signal handler
/// may read them at any moment.
enum SSHChildren {
    static let capacity = 256
    nonisolated(unsafe) static let slots: UnsafeMutablePointer<pid_t> = {
        let slots = UnsafeMutablePointer<pid_t>.allocate(capacity: capacity)
        slots.initialize(repeating: 0, count: capacity)
        return slots
    }()
    /// Taken by the threads that add and remove; the handler only reads the slots.
    private static let lock = Mutex<Void>(())

    /// Notes a running ssh; returns its slot (nil when all are taken: it is then not ended).
    static func add(_ pid: pid_t) -> Int? {
        lock.withLock { _ in
            guard let free = (0..<capacity).first(where: { slots[$0] == 0 }) else { return nil }
            slots[free] = pid
            return free
        }
    }

    static func remove(_ slot: Int?) {
        guard let slot else { return }
        lock.withLock { _ in slots[slot] = 0 }
    }

    /// SIGKILL to each, from a signal handler: only `kill`, which is async-signal-safe. Not
    /// SIGTERM: ssh spawned from a Dispatch thread inherits its mask, which blocks SIGTERM. The
    /// host's master sees its client go and closes the channel, which ends journalctl there.
    static func terminateAll() {
        for index in 0..<capacity where slots[index] > 0 { kill(slots[index], SIGKILL) }
    }
}
