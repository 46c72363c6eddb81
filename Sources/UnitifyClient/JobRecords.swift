import Glibc
import UnitifyCore

/// Where the records of transient jobs live (`JobRecord`): `$XDG_RUNTIME_DIR/unitify/jobs`
/// (`/run/unitify/jobs` for the system manager), beside the manager, so every caller of one
/// manager finds the same records, and on the runtime tmpfs, so they go with a reboot as the
/// jobs do. The directories are 0700 and the files 0600 (a record holds the job's environment,
/// which may hold secrets); a record is written to a temporary name and renamed into place, so
/// it is whole or absent, and never through a symbolic link.
public struct JobRecords: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// The records of the jobs of the manager whose runtime files are in `runtimeDirectory`
    /// (`ManagerScope.lockDirectory`).
    public init(beside runtimeDirectory: String) {
        self.init(directory: runtimeDirectory + "/jobs")
    }

    public func path(_ unit: String) -> String {
        directory + "/" + unit
    }

    /// The record of `unit`; nil when there is none, an error when it is damaged or unreadable.
    public func read(_ unit: String) throws -> JobRecord? {
        let fd = open(path(unit), O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw failure("read \(path(unit))")
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw failure("read \(path(unit))") }
            if count == 0 { break }
            bytes += buffer[..<count]
        }
        return try JobRecord(decoding: String(decoding: bytes, as: UTF8.self), path: path(unit))
    }

    /// The units that have a record, by name.
    public func units() -> [String] {
        directoryEntries(directory).filter { $0.hasSuffix(".service") && !$0.hasPrefix(".") }.sorted()
    }

    /// Writes `record` in place of any earlier one of the same job.
    public func write(_ record: JobRecord) throws {
        try makeDirectories()
        let dirfd = open(directory, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard dirfd >= 0 else { throw failure("open \(directory)") }
        defer { close(dirfd) }
        let name = record.spec.name
        let temporary = ".\(name).unitify-\(getpid())"
        let fd = openat(dirfd, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw failure("create a file in \(directory)") }
        var renamed = false
        defer { if !renamed { unlinkat(dirfd, temporary, 0) } }
        let bytes = Array(record.encoded().utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { close(fd); throw failure("write \(path(name))") }
            offset += written
        }
        guard fsync(fd) == 0, close(fd) == 0 else { throw failure("write \(path(name))") }
        // rename(2) replaces a symbolic link at the name rather than following it.
        guard renameat(dirfd, temporary, dirfd, name) == 0 else { throw failure("write \(path(name))") }
        renamed = true
    }

    /// Forgets `unit`; a missing record is fine.
    public func remove(_ unit: String) throws {
        guard unlink(path(unit)) == 0 || errno == ENOENT || errno == ENOTDIR else { throw failure("remove \(path(unit))") }
    }

    /// `directory` and its parent, 0700, refusing a symbolic link or a directory someone else owns.
    func makeDirectories() throws {
        let parent = String(directory[..<(directory.lastIndex(of: "/") ?? directory.startIndex)])
        for path in [parent, directory] where !path.isEmpty {
            if mkdir(path, 0o700) != 0 && errno != EEXIST { throw failure("create \(path)") }
            var info = stat()
            guard lstat(path, &info) == 0 else { throw failure("create \(path)") }
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw UnitifyError.failed("\(path) is not a directory: unitify keeps its job records only in a real directory; move it away")
            }
            guard info.st_uid == geteuid() else {
                throw UnitifyError.failed("\(path) belongs to another user: unitify keeps its job records only in a directory of yours")
            }
        }
    }

    func failure(_ what: String) -> UnitifyError {
        UnitifyError.failed("cannot \(what): \(describe(errno: errno))")
    }
}
