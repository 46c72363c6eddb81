import Glibc
import SystemPackage
import UnitifyCore

// The file-system calls swift-system has no method for (`mkdir`, `unlink`, `flock`, `fsync`,
// `fchmod`, `futimens`, and the *at calls `openat`, `renameat`, `unlinkat`), each made here once: a failure is
// thrown as its `Errno`, and an interrupted call is made again. Everything else the client does
// with files goes through swift-system itself (`FileDescriptor`, `Stat`).

/// Calls `body` again while it fails with EINTR; any other failure (-1 and `errno`) is thrown.
func retryOnInterrupt(_ body: () -> Int32) throws(Errno) {
    _ = try valueRetryingOnInterrupt(body)
}

/// `body`'s result, made again while it fails with EINTR; any other failure (-1 and `errno`) is thrown.
func valueRetryingOnInterrupt(_ body: () -> Int32) throws(Errno) -> Int32 {
    while true {
        let result = body()
        if result != -1 { return result }
        guard errno == EINTR else { throw Errno(rawValue: errno) }
    }
}

/// Creates a directory; one already there (of any kind) is no failure.
func makeDirectory(_ path: String, permissions: FilePermissions) throws(Errno) {
    do {
        try retryOnInterrupt { mkdir(path, permissions.rawValue) }
    } catch .fileExists {
    }
}

/// Removes a file (not a directory); one already gone is no failure.
func removeFile(_ path: String) throws(Errno) {
    do {
        try retryOnInterrupt { unlink(path) }
    } catch .noSuchFileOrDirectory {
    }
}

/// What `path` itself is (not what a link there points to); nil when nothing is there.
func fileType(atPath path: String) -> FileType? {
    (try? Stat(FilePath(path), followTargetSymlink: false))?.type
}

/// A directory opened once, never through a symbolic link, and files created, renamed and
/// removed in it by name: they stay in the directory opened whatever is moved or linked at its
/// path meanwhile. Closed when it goes out of scope.
struct OpenDirectory: ~Copyable {
    let descriptor: FileDescriptor

    init(_ path: String) throws(UnitifyError) {
        do {
            descriptor = try FileDescriptor.open(FilePath(path), .readOnly, options: [.directory, .noFollow, .closeOnExec])
        } catch {
            throw UnitifyError.cannot("open \(path)", error)
        }
    }

    /// A new file named `name`, open for writing: never one already there, nor through a link.
    func createFile(_ name: String, permissions: FilePermissions) throws(Errno) -> FileDescriptor {
        let flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC
        return FileDescriptor(rawValue: try valueRetryingOnInterrupt { openat(descriptor.rawValue, name, flags, permissions.rawValue) })
    }

    /// Renames `name` to `newName` within the directory, replacing what is there (a link itself,
    /// not what it points to).
    func rename(_ name: String, to newName: String) throws(Errno) {
        try retryOnInterrupt { renameat(descriptor.rawValue, name, descriptor.rawValue, newName) }
    }

    /// Removes the file `name`, for cleaning up: a failure leaves it, as nothing better can be done.
    func removeIfPresent(_ name: String) {
        _ = unlinkat(descriptor.rawValue, name, 0)
    }

    /// Sets the directory's modification time to now, again until it differs (to the microsecond)
    /// from the time it had: where file times tick with the kernel's coarse clock (every 4 ms at
    /// HZ=250) the first try may land in the same tick. `UnitFileStore.advanceModificationTime`
    /// says why.
    func advanceModificationTime() throws(UnitifyError) {
        func microseconds() throws(Errno) -> Int {
            let time = try descriptor.stat().st_mtim
            return time.tv_sec * 1_000_000 + time.tv_nsec / 1_000
        }
        do throws(Errno) {
            let before = try microseconds()
            for _ in 0..<2_000 {
                try retryOnInterrupt { futimens(descriptor.rawValue, nil) }
                if try microseconds() != before { return }
                usleep(1_000)
            }
        } catch {
            throw UnitifyError.cannot("set the modification time of a unit directory", error)
        }
        throw UnitifyError.failed("cannot move the modification time of a unit directory: it stayed the same through 2 s of tries")
    }

    /// Flushes the directory's entries to disk, best effort: the files themselves were synced.
    func sync() {
        _ = try? retryOnInterrupt { fsync(descriptor.rawValue) }
    }

    deinit {
        try? descriptor.close()
    }
}

/// A small file (of /proc, or a helper's state) as text; nil when it cannot be read.
func readTextFile(_ path: String) -> String? {
    CgroupUsage.readSmallFile(path).map { String(decoding: $0, as: UTF8.self) }
}

/// Where the symbolic link at `path` points (`/proc/self/exe`, `/proc/self/fd/N`); nil when
/// nothing is there.
func symbolicLinkTarget(_ path: String) -> String? {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let count = readlink(path, &buffer, buffer.count - 1)
    guard count > 0 else { return nil }
    return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

extension FileDescriptor {
    /// Everything from the current offset to the end, read `chunk` bytes at a time.
    func readToEnd(chunk size: Int = 65_536) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: size)
        while case let count = try chunk.withUnsafeMutableBytes({ try read(into: $0) }), count > 0 {
            bytes += chunk[..<count]
        }
        return bytes
    }
}

extension UnitifyError {
    /// A file-system failure in one line: what could not be done and why, in strerror's words
    /// (`Errno`'s description).
    static func cannot(_ what: String, _ error: any Error) -> UnitifyError {
        .failed("cannot \(what): \(error)")
    }
}
