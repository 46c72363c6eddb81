import Glibc
import SystemPackage
import UnitifyCore

/// Where a job's terminal is reached: a Unix socket per job in the runtime directory of the
/// manager the job runs under, in a directory only its user can enter. The holder also checks
/// each peer's credentials (`SO_PEERCRED`): its own user, or root.
enum TerminalSocket {
    /// The directory of a user job's sockets (`$XDG_RUNTIME_DIR/unitify/tty`, which a user
    /// manager gives its services), or of a system job's (`/run/unitify/tty`).
    static func directory(system: Bool) -> String {
        if system { return "/run/unitify/tty" }
        let runtime = Environment.value("XDG_RUNTIME_DIR").flatMap { $0.hasPrefix("/") ? $0 : nil } ?? "/run/user/\(getuid())"
        return runtime + "/unitify/tty"
    }

    static func path(name: String, system: Bool) -> String {
        directory(system: system) + "/" + name
    }

    /// A listening socket at `path`, in a directory made private (0700) to this user; a socket
    /// left there by a holder that was killed is replaced.
    static func listen(at path: String) throws(UnitifyError) -> Int32 {
        let directory = String(path[..<path.lastIndex(of: "/")!])
        let parent = String(directory[..<directory.lastIndex(of: "/")!])
        for level in [parent, directory] {
            do { try makeDirectory(level, permissions: [.ownerReadWriteExecute]) } catch {
                throw UnitifyError.cannot("create \(level) for the job's terminal", error)
            }
            var info = stat()
            guard lstat(level, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, info.st_uid == geteuid() else {
                throw UnitifyError.failed("\(level) is not a directory of this user's: remove it, and start the job again")
            }
            if info.st_mode & 0o077 != 0 { chmod(level, 0o700) }
        }
        let socket = try makeSocket()
        do {
            try removeFile(path)
            try withAddress(path) { address, length throws(Errno) in try retryOnInterrupt { bind(socket, address, length) } }
            try retryOnInterrupt { Glibc.listen(socket, 16) }
        } catch {
            close(socket)
            throw UnitifyError.cannot("listen on \(path) for the job's terminal", error)
        }
        return socket
    }

    /// A connection to the holder at `path`, as its `Errno` when there is none.
    static func connect(to path: String) throws(Errno) -> Int32 {
        let socket: Int32
        do { socket = try makeSocket() } catch { throw .noSuchFileOrDirectory }
        do {
            try withAddress(path) { address, length throws(Errno) in try retryOnInterrupt { Glibc.connect(socket, address, length) } }
        } catch {
            close(socket)
            throw error
        }
        return socket
    }

    /// The user id of the process at the other end of `socket`.
    static func peerUser(_ socket: Int32) -> uid_t? {
        // struct ucred (pid, uid, gid), which Swift's Glibc leaves out with the rest of _GNU_SOURCE.
        var credentials: (pid: pid_t, uid: uid_t, gid: gid_t) = (0, 0, 0)
        var length = socklen_t(MemoryLayout.size(ofValue: credentials))
        guard getsockopt(socket, SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0 else { return nil }
        return credentials.uid
    }

    static func makeSocket() throws(UnitifyError) -> Int32 {
        let socket = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard socket >= 0 else { throw UnitifyError.cannot("make a socket for the job's terminal", Errno(rawValue: errno)) }
        return socket
    }

    static func withAddress<T>(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) throws(Errno) -> T) throws(Errno) -> T {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw .fileNameTooLong }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + 1)
        return try withUnsafePointer(to: &address) { pointer throws(Errno) in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address throws(Errno) in try body(address, length) }
        }
    }
}

/// Writes all of `bytes` to a blocking descriptor; false when it is closed or fails.
@discardableResult
func writeAll(_ fd: Int32, _ bytes: some Collection<UInt8>) -> Bool {
    var rest = Array(bytes)[...]
    while !rest.isEmpty {
        let written = rest.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        if written < 0 {
            if errno == EINTR { continue }
            return false
        }
        rest = rest.dropFirst(written)
    }
    return true
}
