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

    /// Every check, judged on the facts `target` gathers: the same `Check`s here and on another
    /// host. Each one that needs the manager says so when it cannot be reached.
    public static func run(on target: any Target) -> Diagnosis {
        judge(target.doctorFacts())
    }

    /// The checks, in the order they are printed.
    public static func judge(_ facts: DoctorFacts) -> Diagnosis {
        let caller = facts.caller
        let lingering: Bool? = if case .answered(let linger) = facts.logind { linger } else { nil }
        var checks: [Check] = []
        checks.append(Check.manager(facts.manager, caller: caller))
        checks.append(Check.systemdVersion(facts.systemdVersion))
        checks.append(Check.journal(facts.journal, caller: caller))
        if let space = facts.journalSpace { checks.append(Check.journalSpace(space)) }
        checks.append(Check.linger(facts.logind, lingerFile: facts.lingerFile, caller: caller))
        checks.append(Check.killUserProcesses(facts.killPolicy, lingering: lingering, caller: caller))
        checks.append(Check.controllers(layout: facts.cgroupLayout, delegated: facts.delegated))
        if let bus = facts.sessionBus { checks.append(Check.sessionBus(bus)) }
        checks.append(Check.terminalHolder(facts.terminalHolder))
        return Diagnosis(uid: caller.uid, user: caller.user, systemdVersion: facts.systemdVersion, checks: checks)
    }
}

extension ThisMachine {
    /// This machine's facts, from this process: the manager found as `Jobs.connect` finds it (with
    /// the reason it cannot be reached), logind on the system bus, journald's and logind's
    /// configuration, the cgroup tree and the session bus.
    public func doctorFacts() -> DoctorFacts {
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
                access = .connectFailed(socket: socket, reason: UnitifyClient.describe(errno: error.errno), permissionDenied: error.errno == EACCES)
            }
        }
        let logind = Logind.ask(caller: caller)
        var facts = DoctorFacts(
            caller: caller, manager: access ?? .noSocket(runtimeDirectory: location.runtimeDirectory ?? ""),
            systemdVersion: (try? jobs?.manager.property("Version"))??.string,
            journal: JournalFacts.gather(caller: caller), logind: logind.state,
            killPolicy: logind.killPolicy ?? LogindKillPolicy.parse(ConfigFiles.read("logind.conf")),
            lingerFile: pathExists("/var/lib/systemd/linger/\(caller.user)"),
            cgroupLayout: CgroupLayout.current, delegated: jobs?.delegatedControllers(),
            sessionBus: SessionBus.probe(location.runtimeDirectory))
        facts.terminalHolder = try? LocalJobSite().unitifyExecutable()
        facts.journalSpace = JournalFacts.space(caller: caller)
        return facts
    }
}

// MARK: The journal

enum JournalFacts {
    /// Groups whose members journald lets read every journal file (tmpfiles' ACLs add adm and wheel).
    static let readerGroups = ["systemd-journal", "adm", "wheel"]

    /// Where journald keeps entries, as its configuration says.
    static var storage: JournalStorage {
        let configured = ConfigFiles.read("journald.conf").compactMap { UnitFile.lastValue(of: "Storage", in: $0.text) }.last
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

    /// journald's limit for where it stores (its `SystemMaxUse=`/`RuntimeMaxUse=`, else 10% of
    /// the file system, at most 4G), and the sizes of the journal files there.
    static func space(caller: Caller) -> JournalSpace? {
        let storage = Self.storage
        guard storage != .none else { return nil }
        let (directory, setting) = storage == .persistent ? ("/var/log/journal", "SystemMaxUse") : ("/run/log/journal", "RuntimeMaxUse")
        var filesystem = statvfs()
        guard statvfs(directory, &filesystem) == 0 else { return nil }
        let capacity = UInt64(filesystem.f_blocks) * UInt64(filesystem.f_frsize)
        let configured = ConfigFiles.read("journald.conf").compactMap { UnitFile.lastValue(of: setting, in: $0.text) }.last
        var limit = min(capacity / 10, 4 << 30)
        var source = "10% of its file system, at most 4G: journald's default"
        if let configured {
            if configured.hasSuffix("%"), let percent = UInt64(configured.dropLast()), percent <= 100 {
                (limit, source) = (capacity / 100 * percent, "\(setting)=\(configured)")
            } else if let bytes = try? LogCap.parseSize(configured) {
                (limit, source) = (bytes, "\(setting)=\(configured)")
            }
        }
        var used: UInt64 = 0
        var yours: UInt64 = 0
        let own = "user-\(caller.uid)"
        for machine in directoryEntries(directory) {
            for file in directoryEntries(directory + "/" + machine) where file.hasSuffix(".journal") || file.hasSuffix(".journal~") {
                var info = stat()
                guard stat(directory + "/" + machine + "/" + file, &info) == 0 else { continue }
                let bytes = UInt64(info.st_blocks) * 512
                used += bytes
                if file.hasPrefix(own + ".journal") || file.hasPrefix(own + "@") { yours += bytes }
            }
        }
        let ownFiles = storage == .persistent && caller.uid >= 1000
        return JournalSpace(limit: limit, source: source, used: used, yours: ownFiles ? yours : nil)
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
