import Glibc
import Systemd
import UnitifyCore

/// `unitify doctor`: gathers the facts from this machine and this process, and lets the pure
/// decisions of `Check` (UnitifyCore) judge them. Nothing here changes anything.
public struct Diagnosis: Encodable {
    public var uid: UInt32
    public var user: String
    /// The manager's `Version` property, when it answered.
    public var systemdVersion: String?
    public var checks: [Check]

    /// False when a check found a problem: unitify cannot start jobs here.
    public var canWork: Bool { !checks.contains { $0.verdict == .problem } }

    enum CodingKeys: String, CodingKey {
        case uid, user, checks, systemdVersion = "systemd_version", canWork = "can_work"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(uid, forKey: .uid)
        try container.encode(user, forKey: .user)
        try container.encode(systemdVersion, forKey: .systemdVersion)
        try container.encode(checks, forKey: .checks)
        try container.encode(canWork, forKey: .canWork)
    }

    /// Runs every check. Each one that needs the manager says so when it cannot be reached.
    public static func run() -> Diagnosis {
        let caller = Caller.current
        let location = ManagerLocation.current()
        var access = location.obstacle
        var jobs: Jobs?
        if access == nil, let socket = location.socket {
            do {
                let connected = Jobs(bus: try Bus.userManager(runtimeDirectory: location.runtimeDirectory ?? ""))
                jobs = connected
                access = .reachable(socket: socket, state: (try? connected.manager.property("SystemState"))??.string)
            } catch {
                access = .connectFailed(socket: socket, reason: describe(errno: error.errno), permissionDenied: error.errno == EACCES)
            }
        }
        let version = (try? jobs?.manager.property("Version"))??.string
        let logind = Logind.ask(caller: caller)
        let lingerFile = pathExists("/var/lib/systemd/linger/\(caller.user)")
        let lingering: Bool? = if case .answered(let linger) = logind.state { linger } else { nil }

        var checks: [Check] = []
        checks.append(Check.manager(access ?? .noSocket(runtimeDirectory: location.runtimeDirectory ?? ""), caller: caller))
        checks.append(Check.systemdVersion(version))
        checks.append(Check.journal(JournalFacts.gather(caller: caller), caller: caller))
        checks.append(Check.linger(logind.state, lingerFile: lingerFile, caller: caller))
        checks.append(Check.killUserProcesses(logind.killPolicy ?? LogindKillPolicy.parse(ConfigFiles.read("logind.conf")),
                                              lingering: lingering, caller: caller))
        checks.append(Check.controllers(layout: CgroupLayout.current, delegated: jobs?.delegatedControllers()))
        checks.append(Check.sessionBus(SessionBus.probe(location.runtimeDirectory)))
        return Diagnosis(uid: caller.uid, user: caller.user, systemdVersion: version, checks: checks)
    }
}

// MARK: logind

/// What logind says over the system bus, when it can be asked.
struct Logind {
    var state: LogindState
    var killPolicy: LogindKillPolicy?

    static let destination = "org.freedesktop.login1"
    static let path = "/org/freedesktop/login1"
    /// logind answers at once or not at all; a bus that activates it should not hold doctor up.
    static let timeout: UInt64 = 2_000_000

    static func ask(caller: Caller) -> Logind {
        let bus: Bus
        do {
            bus = try Bus.system()
        } catch {
            let reason = error.errno == ENOENT || error.errno == ECONNREFUSED
                ? "no system bus at /run/dbus/system_bus_socket" : "system bus: \(describe(errno: error.errno))"
            return Logind(state: .unreachable(reason: reason))
        }
        do {
            let policy = try killPolicy(bus)
            let linger = try lingers(bus, uid: caller.uid).get()
            return Logind(state: .answered(linger: linger), killPolicy: policy)
        } catch {
            return Logind(state: .unreachable(reason: reason(error)))
        }
    }

    /// Whether logind lets the user linger: its `Linger` property, false for a user logind does
    /// not track (only users with a session or linger are).
    static func lingers(_ bus: Bus, uid: UInt32) -> Result<Bool, SystemdError> {
        Result { () throws(SystemdError) in
            guard let userPath = try userObject(bus, uid: uid) else { return false }
            return try property(bus, path: userPath, interface: "org.freedesktop.login1.User", "Linger")?.bool ?? false
        }
    }

    /// A logind failure in words.
    static func reason(_ error: SystemdError) -> String {
        switch error.busErrorName {
        case "org.freedesktop.DBus.Error.ServiceUnknown": "logind is not running on the system bus"
        case "org.freedesktop.DBus.Error.AccessDenied", "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired":
            "logind says: \(error.busErrorMessage ?? "access denied")"
        default: "logind: \(error.busErrorMessage ?? describe(errno: error.errno))"
        }
    }

    static func userObject(_ bus: Bus, uid: UInt32) throws(SystemdError) -> String? {
        let message = try bus.methodCall(destination: destination, path: path, interface: "org.freedesktop.login1.Manager", member: "GetUser")
        try message.append(.uint32(uid))
        do {
            return try bus.call(message, timeoutMicroseconds: timeout).read()?.string
        } catch where error.busErrorName == "org.freedesktop.login1.NoSuchUser" {
            return nil
        }
    }

    static func killPolicy(_ bus: Bus) throws(SystemdError) -> LogindKillPolicy {
        let manager = "org.freedesktop.login1.Manager"
        return LogindKillPolicy(
            killUserProcesses: try property(bus, path: path, interface: manager, "KillUserProcesses")?.bool,
            killOnlyUsers: try property(bus, path: path, interface: manager, "KillOnlyUsers")?.stringArray ?? [],
            killExcludeUsers: try property(bus, path: path, interface: manager, "KillExcludeUsers")?.stringArray ?? [],
            source: "logind")
    }

    static func property(_ bus: Bus, path: String, interface: String, _ name: String) throws(SystemdError) -> BusValue? {
        try bus.property(destination: destination, path: path, interface: interface, name: name, timeoutMicroseconds: timeout)
    }
}

// MARK: The journal

enum JournalFacts {
    /// Groups whose members journald lets read every journal file (tmpfiles' ACLs add adm and wheel).
    static let readerGroups = ["systemd-journal", "adm", "wheel"]

    /// Where journald keeps entries, as its configuration says.
    static var storage: JournalStorage {
        let configured = ConfigFiles.read("journald.conf").compactMap { UnitFileText.lastValue(of: "Storage", in: $0.text) }.last
        return JournalStorage.effective(configured: configured, varLogJournalExists: pathExists("/var/log/journal"))
    }

    static func gather(caller: Caller) -> JournalAccess {
        let storage = Self.storage
        var effective: [String] = []
        var later: [String] = []
        let mine = processGroups()
        let primary = getpwuid(caller.uid)?.pointee.pw_gid
        for name in readerGroups {
            guard let group = getgrnam(name)?.pointee else { continue }
            if mine.contains(group.gr_gid) {
                effective.append(name)
            } else if primary == group.gr_gid || members(group).contains(caller.user) {
                later.append(name)
            }
        }
        let readsFiles = (try? Journal(flags: .localOnly))?.hasFiles ?? false
        return JournalAccess(storage: storage, groups: effective, groupsAfterLogin: later, readsFiles: readsFiles)
    }

    static func processGroups() -> Set<gid_t> {
        let count = getgroups(0, nil)
        var groups = [gid_t](repeating: 0, count: Int(max(count, 0)))
        let read = getgroups(count, &groups)
        return Set(groups.prefix(Int(max(read, 0)))).union([getegid()])
    }

    static func members(_ group: group) -> [String] {
        var names: [String] = []
        var index = 0
        while let member = group.gr_mem?[index] {
            names.append(String(cString: member))
            index += 1
        }
        return names
    }
}

// MARK: Configuration files

/// systemd's configuration files: `/etc/systemd/NAME` (else the vendor copy), then drop-ins
/// from `NAME.d` directories sorted by file name, a file in `/etc` hiding one of the same name
/// below `/run` and `/usr` (systemd.syntax(7), "drop-ins").
enum ConfigFiles {
    static let directories = ["/etc/systemd", "/run/systemd", "/usr/local/lib/systemd", "/usr/lib/systemd"]

    static func read(_ name: String) -> [(path: String, text: String)] {
        var files: [(path: String, text: String)] = []
        if let main = directories.lazy.map({ $0 + "/" + name }).first(where: pathExists), let text = try? LiveHost().readText(main) {
            files.append((main, text))
        }
        var dropIns: [String: String] = [:]
        for directory in directories.reversed() {
            for file in directoryEntries(directory + "/" + name + ".d") where file.hasSuffix(".conf") {
                dropIns[file] = directory + "/" + name + ".d/" + file
            }
        }
        for file in dropIns.keys.sorted() {
            if let path = dropIns[file], let text = try? LiveHost().readText(path) { files.append((path, text)) }
        }
        return files
    }
}

// MARK: cgroups and the session bus

extension CgroupLayout {
    static var current: CgroupLayout {
        if pathExists("/sys/fs/cgroup/cgroup.controllers") { return .unified }
        return pathExists("/sys/fs/cgroup/unified") ? .hybrid : .legacy
    }
}

extension SessionBus {
    static func probe(_ runtimeDirectory: String?) -> SessionBus {
        guard let runtimeDirectory else { return .unknown }
        let path = runtimeDirectory + "/bus"
        guard pathExists(path) else { return .missing(path) }
        do {
            _ = try Bus.userBus(runtimeDirectory: runtimeDirectory)
            return .answers(path)
        } catch {
            return .refused(path, reason: describe(errno: error.errno))
        }
    }
}

/// Whether a path exists.
func pathExists(_ path: String) -> Bool {
    access(path, F_OK) == 0
}
