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

    /// The file's text, or nil when there is none; an error when it is there but cannot be read.
    public func read(_ unit: String) throws(UnitifyError) -> String? {
        guard Environment.fileKind(path(unit)) != .missing else { return nil }
        do throws(UnitifyError) { return try LocalJobSite().readText(path(unit)) } catch { throw UnitifyError.failed(error.message) }
    }

    /// The units of the files unitify wrote here, by name.
    public func generatedUnits() throws(UnitifyError) -> [String] {
        var units: [String] = []
        for name in directoryEntries(directory) where name.hasSuffix(".service") {
            if let text = try read(name), UnitFile.isGeneratedByUnitify(text) { units.append(name) }
        }
        return units.sorted()
    }

    /// Writes every file or none of the new ones: each goes to a temporary name first, and only
    /// when all are on disk are they renamed into place.
    public func write(_ files: [(unit: String, text: String)]) throws {
        try makeDirectory()
        let opened = try OpenDirectory(directory)
        var staged: [(temporary: String, unit: String)] = []
        defer { for (temporary, _) in staged { opened.removeIfPresent(temporary) } }
        for (unit, text) in files {
            if fileType(atPath: path(unit)) == .symbolicLink {
                throw UnitifyError.failed("\(path(unit)) is a symbolic link: unitify does not write through links; remove it first")
            }
            let temporary = ".\(unit).unitify-\(getpid())"
            let file: FileDescriptor
            do { file = try opened.createFile(temporary, permissions: [.ownerReadWrite, .groupRead, .otherRead]) } catch {
                throw UnitifyError.cannot("create a file in \(directory)", error)
            }
            staged.append((temporary, unit))
            do {
                try file.closeAfter {
                    _ = try file.writeAll(text.utf8)
                    // The mode asked for at creation, whatever the umask took away.
                    try retryOnInterrupt { fchmod(file.rawValue, 0o644) }
                    try retryOnInterrupt { fsync(file.rawValue) }
                }
            } catch {
                throw UnitifyError.cannot("write \(path(unit))", error)
            }
        }
        for (temporary, unit) in staged {
            do { try opened.rename(temporary, to: unit) } catch { throw UnitifyError.cannot("write \(path(unit))", error) }
        }
        staged.removeAll()
        try opened.advanceModificationTime()
        opened.sync()
    }

    public func advanceModificationTime() throws {
        try OpenDirectory(directory).advanceModificationTime()
    }

    /// Removes a unit's file; a missing one is fine.
    public func remove(_ unit: String) throws {
        do { try removeFile(path(unit)) } catch { throw UnitifyError.cannot("remove \(path(unit))", error) }
    }

    /// `mkdir -p`, refusing to create anything through a symbolic link.
    func makeDirectory() throws {
        var built = ""
        for part in directory.split(separator: "/") {
            built += "/" + part
            do { try UnitifyClient.makeDirectory(built, permissions: [.ownerReadWriteExecute, .groupReadExecute, .otherReadExecute]) } catch {
                throw UnitifyError.cannot("create \(built)", error)
            }
        }
        guard Environment.fileKind(directory) == .directory else {
            throw UnitifyError.failed("\(directory) is not a directory: move it away so unitify can create it")
        }
        if fileType(atPath: directory) == .symbolicLink {
            throw UnitifyError.failed("\(directory) is a symbolic link: unitify writes unit files only into a real directory")
        }
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
