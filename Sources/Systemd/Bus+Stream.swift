internal import CSystemd
import Glibc

extension Bus {
    /// A connection over a stream socket that is already open, such as one end of a socketpair
    /// whose other end an ssh process talks through to `systemd-stdio-bridge` on another host.
    /// The bus owns `fd` from here on and closes it with the connection, also when this throws.
    /// The corresponding C functions are `sd_bus_new`, `sd_bus_set_fd` and `sd_bus_start`.
    ///
    /// - Parameter busClient: whether a broker is at the far end (the bus then says `Hello`), or
    ///   the service manager itself.
    public static func connect(fd: Int32, busClient: Bool, description: String) throws(SystemdError) -> Bus {
        var raw: OpaquePointer?
        let created = sd_bus_new(&raw)
        guard created >= 0, let raw else {
            Glibc.close(fd)
            throw SystemdError(operation: "sd_bus_new", errno: created < 0 ? -created : ENOMEM)
        }
        let bus = Bus(adopting: raw)
        guard sd_bus_set_fd(raw, fd, fd) >= 0 else {
            Glibc.close(fd)
            throw SystemdError(operation: "connect to \(description)", errno: EBADF)
        }
        try check(sd_bus_set_bus_client(raw, busClient ? 1 : 0), "connect to \(description)")
        try check(sd_bus_start(raw), "connect to \(description)")
        return bus
    }
}

extension Bus {
    /// Closes the connection now, even while other references to it remain; calls on it then
    /// fail with ENOTCONN. For a stream whose far end must see the end (ssh exits on it).
    /// The corresponding C function is `sd_bus_close`.
    public func close() {
        sd_bus_flush(pointer)
        sd_bus_close(pointer)
    }
}
