import Glibc
import SystemPackage
import UnitifyCore

/// The caller's environment, read without Foundation.
public enum Environment {
    public static func value(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    public static func currentDirectory() -> String? {
        guard let raw = getcwd(nil, 0) else { return nil }
        defer { free(raw) }
        return String(cString: raw)
    }

    /// What a path is, for resolving programs and checking directories. libc's `stat`, which
    /// cannot go unchecked here, rather than swift-system's `Stat`: `run` asks this first, and
    /// the first `Stat` costs about 90,000 instructions of generic metadata (`Result<stat, Errno>`).
    public static func fileKind(_ path: String) -> FileKind {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        if info.st_mode & S_IFMT == S_IFDIR { return .directory }
        return access(path, X_OK) == 0 ? .executable : .notExecutable
    }

    /// Microseconds since the epoch.
    public static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1_000
    }
}

/// This machine as a job's site (`JobSite`): the calling process's environment, directory and files.
public struct LocalJobSite: JobSite {
    public init() {}

    public var environment: [String] {
        var result: [String] = []
        var index = 0
        while let entry = environ[index] {
            result.append(String(cString: entry))
            index += 1
        }
        return result
    }

    public var currentDirectory: String? { Environment.currentDirectory() }

    /// This very unitify, by the path the kernel ran it from.
    public func unitifyExecutable() throws(UnitifyError) -> String {
        guard let path = symbolicLinkTarget("/proc/self/exe") else {
            throw UnitifyError.failed("cannot find unitify's own path (/proc/self/exe) to hold the terminal: \(Errno(rawValue: errno))")
        }
        return path
    }

    public func fileKind(_ path: String) -> FileKind { Environment.fileKind(path) }

    public func readText(_ path: String) throws(UnitifyError) -> String {
        do {
            let file = try FileDescriptor.open(FilePath(path), .readOnly, options: .closeOnExec)
            return String(decoding: try file.closeAfter { try file.readToEnd() }, as: UTF8.self)
        } catch {
            throw UnitifyError.usage("cannot read \(path): \(error)")
        }
    }

    public func homeDirectory(ofUser user: String) -> String? {
        var entry = passwd()
        var found: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        guard getpwnam_r(user, &entry, &buffer, buffer.count, &found) == 0, found != nil, let home = entry.pw_dir else { return nil }
        return String(cString: home)
    }

    /// Writes `text` to the file as the shell's `>` or `>>` would (a line's `echo $! > FILE`).
    public func write(_ text: String, to target: OutputTarget) throws(UnitifyError) {
        guard let path = target.path else { return }
        var options: FileDescriptor.OpenOptions = [.create, .closeOnExec]
        if case .append = target { options.insert(.append) } else { options.insert(.truncate) }
        do {
            let file = try FileDescriptor.open(FilePath(path), .writeOnly, options: options, permissions: [.ownerReadWrite, .groupReadWrite, .otherReadWrite])
            _ = try file.closeAfter { try file.writeAll(text.utf8) }
        } catch {
            throw UnitifyError.failed("cannot write \(path): \(error)")
        }
    }
}

/// Whether a path exists.
func pathExists(_ path: String) -> Bool {
    access(path, F_OK) == 0
}
