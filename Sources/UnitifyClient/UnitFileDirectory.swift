import Glibc
import SystemPackage
import UnitifyCore

/// The directory persistent units live in, and careful writes into it: a temporary file in the
/// same directory, fsync, rename, mode 0644, never through a symbolic link. A unit file is whole
/// or absent, never half-written, and never lands outside this directory.
public struct UnitFileDirectory: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// `$XDG_CONFIG_HOME/systemd/user`, or `~/.config/systemd/user`.
    public static func user() throws(UnitifyError) -> UnitFileDirectory {
        if let config = Environment.value("XDG_CONFIG_HOME"), config.hasPrefix("/") {
            return UnitFileDirectory(directory: config + "/systemd/user")
        }
        guard let home = Environment.value("HOME"), home.hasPrefix("/") else {
            throw UnitifyError.usage("HOME is not set: unitify needs it to find ~/.config/systemd/user")
        }
        return UnitFileDirectory(directory: home + "/.config/systemd/user")
    }

    public static let system = UnitFileDirectory(directory: "/etc/systemd/system")

    public func path(_ unit: String) -> String {
        directory + "/" + unit
    }

    /// The file's text, or nil when there is none.
    public func read(_ unit: String) -> String? {
        guard Environment.fileKind(path(unit)) != .missing else { return nil }
        return try? LiveHost().readText(path(unit))
    }

    /// Whether a file exists that unitify did not write.
    public func isForeign(_ unit: String) -> Bool {
        guard let text = read(unit) else { return lstatKind(path(unit)) != nil }
        return !UnitFile.isGeneratedByUnitify(text)
    }

    /// The units of the files unitify wrote here, by name.
    public func generatedUnits() -> [String] {
        directoryEntries(directory).filter { name in
            name.hasSuffix(".service") && read(name).map(UnitFile.isGeneratedByUnitify) == true
        }.sorted()
    }

    /// Writes every file or none of the new ones: each goes to a temporary name first, and only
    /// when all are on disk are they renamed into place.
    public func write(_ files: [(unit: String, text: String)]) throws {
        try makeDirectory()
        let dirfd = open(directory, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard dirfd >= 0 else { throw failure("open \(directory)") }
        defer { close(dirfd) }
        var staged: [(temporary: String, unit: String)] = []
        defer { for (temporary, _) in staged { unlinkat(dirfd, temporary, 0) } }
        for (unit, text) in files {
            if lstatKind(path(unit)) == S_IFLNK {
                throw UnitifyError.failed("\(path(unit)) is a symbolic link: unitify does not write through links; remove it first")
            }
            let temporary = ".\(unit).unitify-\(getpid())"
            let fd = openat(dirfd, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw failure("create a file in \(directory)") }
            staged.append((temporary, unit))
            let file = FileDescriptor(rawValue: fd)
            do {
                try file.closeAfter {
                    _ = try file.writeAll(text.utf8)
                    try retryOnInterrupt { fchmod(file.rawValue, 0o644) }
                    try retryOnInterrupt { fsync(file.rawValue) }
                }
            } catch {
                throw UnitifyError.failed("cannot write \(path(unit)): \(error)")
            }
        }
        for (temporary, unit) in staged {
            guard renameat(dirfd, temporary, dirfd, unit) == 0 else { throw failure("write \(path(unit))") }
        }
        staged.removeAll()
        fsync(dirfd)
    }

    /// Removes a unit's file; a missing one is fine.
    public func remove(_ unit: String) throws {
        guard unlink(path(unit)) == 0 || errno == ENOENT else { throw failure("remove \(path(unit))") }
    }

    /// `mkdir -p`, refusing to create anything through a symbolic link.
    func makeDirectory() throws {
        var built = ""
        for part in directory.split(separator: "/") {
            built += "/" + part
            if mkdir(built, 0o755) != 0 && errno != EEXIST { throw failure("create \(built)") }
        }
        guard Environment.fileKind(directory) == .directory else {
            throw UnitifyError.failed("\(directory) is not a directory: move it away so unitify can create it")
        }
        if lstatKind(directory) == S_IFLNK {
            throw UnitifyError.failed("\(directory) is a symbolic link: unitify writes unit files only into a real directory")
        }
    }

    func failure(_ what: String) -> UnitifyError {
        UnitifyError.failed("cannot \(what): \(describe(errno: errno))")
    }
}

/// The names in a directory, without `.` and `..`; none when it cannot be read.
public func directoryEntries(_ directory: String) -> [String] {
    guard let dir = opendir(directory) else { return [] }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if name != "." && name != ".." { names.append(name) }
    }
    return names
}

/// The file type bits of `path` itself (not what a link points to); nil when it does not exist.
func lstatKind(_ path: String) -> mode_t? {
    var info = stat()
    guard lstat(path, &info) == 0 else { return nil }
    return info.st_mode & S_IFMT
}
