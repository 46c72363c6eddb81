internal import CSystemd
import Glibc

/// A connection to a D-Bus peer: the user's service manager, the user bus, or the system bus.
/// The connection is flushed and closed when the last reference goes away.
public final class Bus {
    let pointer: OpaquePointer
    /// Messages that arrived while `callPipelined` waited for its replies (signals, mostly), kept
    /// for `nextMessage` so that no caller misses one.
    private var stashed: [BusMessage] = []

    init(adopting pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        sd_bus_flush_close_unref(pointer)
    }

    /// Connects to an address such as `unix:path=/run/user/1000/systemd/private`.
    /// The corresponding C functions are `sd_bus_new`, `sd_bus_set_address` and `sd_bus_start`.
    public static func connect(address: String, busClient: Bool = false) throws(SystemdError) -> Bus {
        var raw: OpaquePointer?
        try check(sd_bus_new(&raw), "sd_bus_new")
        guard let raw else { throw SystemdError(operation: "sd_bus_new", errno: ENOMEM) }
        let bus = Bus(adopting: raw)
        try check(sd_bus_set_address(raw, address), "connect to \(address)")
        try check(sd_bus_set_bus_client(raw, busClient ? 1 : 0), "connect to \(address)")
        try check(sd_bus_start(raw), "connect to \(address)")
        return bus
    }

    /// The user's service manager: its private socket first, with no broker in the way (as
    /// systemctl does), then the user bus. Both live in `$XDG_RUNTIME_DIR`. When both fail, the
    /// private socket's failure is the one thrown: the user bus was only the fallback.
    public static func userManager(runtimeDirectory: String) throws(SystemdError) -> Bus {
        let privateSocket = runtimeDirectory + "/systemd/private"
        guard access(privateSocket, F_OK) == 0 else { return try userBus(runtimeDirectory: runtimeDirectory) }
        do {
            return try connect(address: "unix:path=" + escapeAddress(privateSocket))
        } catch {
            if let bus = try? userBus(runtimeDirectory: runtimeDirectory) { return bus }
            throw error
        }
    }

    /// Whether this connection goes through a bus broker (as opposed to straight to a peer).
    public var isBusClient: Bool {
        sd_bus_is_bus_client(pointer) > 0
    }

    /// The user bus (through the broker), which tracks clients by name: what `AddRef` needs.
    public static func userBus(runtimeDirectory: String) throws(SystemdError) -> Bus {
        let bus = try connect(address: "unix:path=" + escapeAddress(runtimeDirectory + "/bus"), busClient: true)
        return bus
    }

    /// Asks the broker to route signals matching `rule` here. A direct connection has no broker
    /// (the manager sends its signals anyway), so this is a no-op there.
    public func addMatch(_ rule: String) throws(SystemdError) {
        guard isBusClient else { return }
        let message = try methodCall(destination: "org.freedesktop.DBus", path: "/org/freedesktop/DBus", interface: "org.freedesktop.DBus", member: "AddMatch")
        try message.append(.string(rule))
        _ = try call(message)
    }

    /// The system bus, for logind. The corresponding C function is `sd_bus_open_system`.
    public static func system() throws(SystemdError) -> Bus {
        var raw: OpaquePointer?
        try check(sd_bus_open_system(&raw), "connect to the system bus")
        guard let raw else { throw SystemdError(operation: "sd_bus_open_system", errno: ENOMEM) }
        return Bus(adopting: raw)
    }

    /// A D-Bus address escapes every byte outside `[A-Za-z0-9_/.\-]` as `%HH`.
    static func escapeAddress(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "/"),
                 UInt8(ascii: "."), UInt8(ascii: "-"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789abcdef")
                out += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0xF)])
            }
        }
        return out
    }

    /// A new method call, to be filled with `append` and sent with `call`.
    /// The corresponding C function is `sd_bus_message_new_method_call`.
    public func methodCall(
        destination: String?, path: String, interface: String?, member: String
    ) throws(SystemdError) -> BusMessage {
        var raw: OpaquePointer?
        try check(
            sd_bus_message_new_method_call(pointer, &raw, destination, path, interface, member),
            "build \(member) call")
        guard let raw else { throw SystemdError(operation: "build \(member) call", errno: ENOMEM) }
        return BusMessage(adopting: raw)
    }

    /// Sends a method call and waits for its reply; a D-Bus error reply is thrown with its name.
    /// The corresponding C function is `sd_bus_call`.
    public func call(_ message: BusMessage, timeoutMicroseconds: UInt64 = 0) throws(SystemdError) -> BusMessage {
        var error = sd_bus_error()
        defer { sd_bus_error_free(&error) }
        var reply: OpaquePointer?
        let result = sd_bus_call(pointer, message.pointer, timeoutMicroseconds, &error, &reply)
        guard result >= 0, let reply else {
            throw SystemdError(operation: message.member ?? "call", result: result < 0 ? result : -EIO, busError: error)
        }
        return BusMessage(adopting: reply)
    }

    /// Sends `count` calls without waiting for each reply, keeping up to `window` in flight: N
    /// calls cost about one round trip instead of N. Calls are made by `call` when there is room
    /// in the window, and each reply goes to `reply` with its call's index as it arrives (with its
    /// D-Bus error when it is one), then is freed: memory stays flat however many calls there are.
    /// (Not a `Result`: the first `Result<BusMessage, SystemdError>` of a process costs 170,000
    /// instructions of generic metadata, 1 % of a `status`.)
    /// The corresponding C functions are `sd_bus_send` and `sd_bus_process`.
    public func callPipelined(
        count: Int, window: Int = 256,
        call: (Int) throws(SystemdError) -> BusMessage,
        reply: (_ index: Int, _ reply: BusMessage, _ error: SystemdError?) throws(SystemdError) -> Void
    ) throws(SystemdError) {
        // The calls in flight, in the order sent: the peer answers in that order, so a reply's
        // cookie is found at the front. (An array, not a dictionary by cookie: the first
        // `[UInt64: Int]` of a process costs 250,000 instructions of generic metadata.)
        var pending: [(cookie: UInt64, index: Int)] = []
        pending.reserveCapacity(min(count, window))
        var next = 0
        var done = 0
        while done < count {
            while next < count && pending.count < window {
                let message = try call(next)
                var cookie: UInt64 = 0
                try check(sd_bus_send(pointer, message.pointer, &cookie), "send \(message.member ?? "call")")
                pending.append((cookie, next))
                next += 1
            }
            guard let message = try receive(timeoutMicroseconds: 25_000_000) else {
                throw SystemdError(operation: "wait for replies", errno: ETIMEDOUT)
            }
            guard let cookie = message.replyCookie, let position = pending.firstIndex(where: { $0.cookie == cookie }) else {
                stashed.append(message)
                continue
            }
            let index = pending.remove(at: position).index
            try reply(index, message, message.error)
            done += 1
        }
    }

    /// The next incoming message that no callback consumed (signals, here), waiting up to
    /// `timeoutMicroseconds` (nil: forever). Returns nil on timeout.
    /// The corresponding C functions are `sd_bus_process` and `sd_bus_wait`.
    public func nextMessage(timeoutMicroseconds: UInt64?) throws(SystemdError) -> BusMessage? {
        if !stashed.isEmpty { return stashed.removeFirst() }
        return try receive(timeoutMicroseconds: timeoutMicroseconds)
    }

    func receive(timeoutMicroseconds: UInt64?) throws(SystemdError) -> BusMessage? {
        let deadline = timeoutMicroseconds.map { monotonicMicroseconds() + $0 }
        while true {
            var raw: OpaquePointer?
            let processed = try check(sd_bus_process(pointer, &raw), "read from the bus")
            if let raw { return BusMessage(adopting: raw) }
            if processed > 0 { continue }
            var wait = UInt64.max
            if let deadline {
                let now = monotonicMicroseconds()
                if now >= deadline { return nil }
                wait = deadline - now
            }
            try check(sd_bus_wait(pointer, wait), "wait on the bus")
        }
    }
}

/// CLOCK_MONOTONIC in microseconds.
public func monotonicMicroseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1_000
}
