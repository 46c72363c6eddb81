import Glibc
import Systemd
import UnitifyCore

/// Why the user's service manager cannot be reached, in one line, with the way out.
public struct ManagerUnreachable: Error, CustomStringConvertible {
    public var description: String
}

extension Manager {
    /// Connects to the calling user's service manager through `$XDG_RUNTIME_DIR`, explaining the
    /// usual ways this fails instead of surfacing a bare errno.
    ///
    /// - Parameter throughBroker: connect through the user bus rather than the manager's private
    ///   socket, for calls that need the broker's client tracking (`AddRef`).
    public static func user(throughBroker: Bool = false) throws(ManagerUnreachable) -> Manager {
        let location = ManagerLocation.current()
        if let obstacle = location.obstacle { throw ManagerUnreachable(obstacle) }
        let runtime = location.runtimeDirectory ?? ""
        do {
            if throughBroker, let bus = try? Bus.userBus(runtimeDirectory: runtime) { return Manager(bus: bus) }
            return Manager(bus: try Bus.userManager(runtimeDirectory: runtime))
        } catch {
            throw ManagerUnreachable(.connectFailed(
                socket: location.socket ?? runtime, reason: String(cString: strerror(error.errno)), permissionDenied: error.errno == EACCES))
        }
    }
}

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

    /// What a path is, for resolving programs and checking directories.
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

/// The calling process as `JobRequest` sees it.
public struct LiveHost: Host {
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

    public func fileKind(_ path: String) -> FileKind { Environment.fileKind(path) }

    public func readText(_ path: String) throws(InputError) -> String {
        guard let file = fopen(path, "r") else {
            throw InputError("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count <= 0 { break }
            bytes += chunk[..<count]
        }
        if ferror(file) != 0 { throw InputError("cannot read \(path): \(String(cString: strerror(errno)))") }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Manager {
    /// The system manager, for `--system` (root only): its private socket, as systemctl does, then
    /// the system bus (first, with `throughBroker`).
    public static func system(throughBroker: Bool = false) throws -> Manager {
        guard geteuid() == 0 else { throw InputError("--system needs root: run it with sudo, or leave --system out for your own user manager") }
        if throughBroker, access("/run/systemd/system", F_OK) == 0, let bus = try? Bus.system() { return Manager(bus: bus) }
        if let bus = try? Bus.connect(address: "unix:path=/run/systemd/private") { return Manager(bus: bus) }
        guard access("/run/systemd/system", F_OK) == 0, let bus = try? Bus.system() else {
            throw ManagerUnreachable(description: "cannot reach the system manager: systemd is not running as PID 1 on this machine; run 'unitify doctor' for details")
        }
        return Manager(bus: bus)
    }
}
