import Glibc
import SystemPackage
import UnitifyCore

/// Where the records of transient jobs live (`JobRecord`): `$XDG_RUNTIME_DIR/unitify/jobs`
/// (`/run/unitify/jobs` for the system manager), beside the manager, so every caller of one
/// manager finds the same records, and on the runtime tmpfs, so they go with a reboot as the
/// jobs do. The directories are 0700 and the files 0600 (a record holds the job's environment,
/// which may hold secrets); a record is written to a temporary name and renamed into place, so
/// it is whole or absent, and never through a symbolic link.
public struct JobRecordDirectory: Sendable {
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
        let bytes: [UInt8]
        do {
            let file = try FileDescriptor.open(FilePath(path(unit)), .readOnly, options: [.noFollow, .closeOnExec])
            bytes = try file.closeAfter { try file.readToEnd(chunk: 16_384) }
        } catch Errno.noSuchFileOrDirectory, Errno.notDirectory {
            return nil
        } catch {
            throw UnitifyError.cannot("read \(path(unit))", error)
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
        let opened = try OpenDirectory(directory)
        let name = record.spec.name
        let temporary = ".\(name).unitify-\(getpid())"
        let file: FileDescriptor
        do { file = try opened.createFile(temporary, permissions: .ownerReadWrite) } catch {
            throw UnitifyError.cannot("create a file in \(directory)", error)
        }
        var renamed = false
        defer { if !renamed { opened.removeIfPresent(temporary) } }
        do {
            try file.closeAfter {
                _ = try file.writeAll(record.encoded().utf8)
                try retryOnInterrupt { fsync(file.rawValue) }
            }
            // rename(2) replaces a symbolic link at the name rather than following it.
            try opened.rename(temporary, to: name)
        } catch {
            throw UnitifyError.cannot("write \(path(name))", error)
        }
        renamed = true
    }

    /// Forgets `unit`; a missing record is fine.
    public func remove(_ unit: String) throws {
        do {
            try removeFile(path(unit))
        } catch .notDirectory {
        } catch {
            throw UnitifyError.cannot("remove \(path(unit))", error)
        }
    }

    /// `directory` and its parent, 0700, refusing a symbolic link or a directory someone else owns.
    func makeDirectories() throws {
        let parent = String(directory[..<(directory.lastIndex(of: "/") ?? directory.startIndex)])
        for path in [parent, directory] where !path.isEmpty {
            let info: Stat
            do {
                try makeDirectory(path, permissions: .ownerReadWriteExecute)
                info = try Stat(FilePath(path), followTargetSymlink: false)
            } catch {
                throw UnitifyError.cannot("create \(path)", error)
            }
            guard info.type == .directory else {
                throw UnitifyError.failed("\(path) is not a directory: unitify keeps its job records only in a real directory; move it away")
            }
            guard info.userID.rawValue == geteuid() else {
                throw UnitifyError.failed("\(path) belongs to another user: unitify keeps its job records only in a directory of yours")
            }
        }
    }
}
