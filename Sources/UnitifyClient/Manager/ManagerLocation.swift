import Glibc
import UnitifyCore

/// Where the caller's user manager should be listening, judged from `$XDG_RUNTIME_DIR` and the
/// file system before any connection is tried.
public struct ManagerLocation {
    public var runtimeDirectory: String?
    /// The socket to connect to: the manager's private one, else the user bus.
    public var socket: String?
    /// Why connecting is pointless, when a reason shows before trying.
    public var obstacle: ManagerAccess?

    /// Every command asks this before anything else; as in `Environment.fileKind`, its `stat`
    /// calls are libc's, checked, for the start-up cost of swift-system's `Stat`.
    public static func current() -> ManagerLocation {
        let caller = Caller.current
        let systemdBooted = pathExists("/run/systemd/system")
        guard let runtime = Environment.value("XDG_RUNTIME_DIR"), !runtime.isEmpty else {
            // After su, sudo -u, runuser or in cron nobody set the variable, yet the caller's own
            // manager may well be listening where logind puts it.
            if let own = ownManager(caller) { return own }
            return ManagerLocation(obstacle: systemdBooted ? .noRuntimeVariable(listeningAt: nil) : .notSystemd(runtimeVariableSet: false))
        }
        var location = ManagerLocation(runtimeDirectory: runtime)
        var info = stat()
        guard stat(runtime, &info) == 0 else {
            location.obstacle = systemdBooted ? .runtimeDirectoryMissing(runtime) : .notSystemd(runtimeVariableSet: true)
            return location
        }
        // Root may talk to another user's manager; anyone else is refused by it.
        if info.st_uid != caller.uid && caller.uid != 0 {
            // Inherited through su or sudo: the caller's own directory, when its manager listens.
            if let own = ownManager(caller) { return own }
            location.obstacle = .runtimeDirectoryOfOtherUser(runtime, owner: info.st_uid)
            return location
        }
        // A manager started outside logind (as in unitify's tests) is reachable through its
        // socket even where /run/systemd/system is missing: the socket decides, not the boot.
        for candidate in [runtime + "/systemd/private", runtime + "/bus"] where pathExists(candidate) {
            location.socket = candidate
            return location
        }
        location.obstacle = systemdBooted ? .noSocket(runtimeDirectory: runtime) : .notSystemd(runtimeVariableSet: true)
        return location
    }

    /// The caller's manager in `/run/user/UID`, where logind puts it, when the directory and the
    /// socket there belong to the caller: a socket of someone else's is never trusted.
    static func ownManager(_ caller: Caller) -> ManagerLocation? {
        let directory = caller.runtimeDirectory
        guard ownerOf(directory) == caller.uid else { return nil }
        for candidate in [directory + "/systemd/private", directory + "/bus"] where ownerOf(candidate) == caller.uid {
            return ManagerLocation(runtimeDirectory: directory, socket: candidate)
        }
        return nil
    }

    static func ownerOf(_ path: String) -> UInt32? {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_uid : nil
    }
}

extension Caller {
    /// The real uid of this process and its name in the user database.
    public static var current: Caller {
        let uid = getuid()
        let name = getpwuid(uid).flatMap { $0.pointee.pw_name.map { String(cString: $0) } }
        return Caller(uid: uid, user: name ?? Environment.value("USER") ?? "\(uid)")
    }
}
