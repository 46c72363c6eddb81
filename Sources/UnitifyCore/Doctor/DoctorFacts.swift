// The facts `unitify doctor` judges, as plain values: gathered from the machine by UnitifyClient,
// built by hand in tests.

/// Whether the user's service manager can be reached, and if not, the first reason found.
public enum ManagerAccess: Sendable, Equatable {
    case reachable(socket: String, state: String?)
    /// `XDG_RUNTIME_DIR` is unset or empty, the classic state after `su` or `sudo -u`;
    /// `listeningAt` is `/run/user/UID` when a manager answers there anyway.
    case noRuntimeVariable(listeningAt: String?)
    /// No `/run/systemd/system`: systemd is not the init system, so no user manager exists.
    case notSystemd(runtimeVariableSet: Bool)
    case runtimeDirectoryMissing(String)
    /// The directory belongs to someone else: inherited through `su` or `sudo`.
    case runtimeDirectoryOfOtherUser(String, owner: UInt32)
    case noSocket(runtimeDirectory: String)
    case connectFailed(socket: String, reason: String, permissionDenied: Bool)
}

/// Who is asking: most fixes name the user or the uid.
public struct Caller: Sendable, Equatable {
    public var uid: UInt32
    public var user: String
    public init(uid: UInt32, user: String) {
        self.uid = uid
        self.user = user
    }

    public var runtimeDirectory: String { "/run/user/\(uid)" }
}

public enum JournalStorage: String, Sendable {
    /// `/var/log/journal`: survives reboots, and holds per-user files for uid >= 1000.
    case persistent
    /// `/run/log/journal`: lost at reboot, one system file readable by root and the journal groups.
    case volatile
    case none

    /// journald's rule: `auto` is persistent when `/var/log/journal` exists.
    public static func effective(configured: String?, varLogJournalExists: Bool) -> JournalStorage {
        switch configured?.lowercased() {
        case "persistent": .persistent
        case "volatile": .volatile
        case "none": .none
        default: varLogJournalExists ? .persistent : .volatile
        }
    }
}

/// What decides whether the caller can read its units' lines.
public struct JournalAccess: Sendable, Equatable {
    public var storage: JournalStorage
    /// The journal-reading groups (systemd-journal, adm, wheel) this process is in.
    public var groups: [String]
    /// Groups the user was added to after this login began: not effective until the next one.
    public var groupsAfterLogin: [String]
    /// Whether any journal file could be opened.
    public var readsFiles: Bool

    public init(storage: JournalStorage, groups: [String], groupsAfterLogin: [String], readsFiles: Bool) {
        self.storage = storage
        self.groups = groups
        self.groupsAfterLogin = groupsAfterLogin
        self.readsFiles = readsFiles
    }
}

/// How much disk the journal may take, and takes: journald deletes the oldest files of all past
/// its limit, so one noisy job costs every other job its history.
public struct JournalSpace: Sendable, Equatable {
    /// Bytes the journal may use (`SystemMaxUse=`, `RuntimeMaxUse=`, or journald's default).
    public var limit: UInt64
    /// Where the limit comes from, in words.
    public var source: String
    /// Bytes of every journal file.
    public var used: UInt64
    /// Bytes of the caller's own journal files (`user-UID.journal`: its user units' lines, with
    /// persistent storage and a uid of 1000 or more); nil when its lines go to the system's.
    public var yours: UInt64?

    public init(limit: UInt64, source: String, used: UInt64, yours: UInt64?) {
        (self.limit, self.source, self.used, self.yours) = (limit, source, used, yours)
    }
}

/// What logind says (or would say) about the caller.
public enum LogindState: Sendable, Equatable {
    /// logind answered on the system bus.
    case answered(linger: Bool)
    /// No system bus or no logind on it: linger cannot act, whatever the file says.
    case unreachable(reason: String)
}

public enum CgroupLayout: String, Sendable {
    /// cgroup v2 only: controllers can be delegated to user managers.
    case unified
    /// v1 controllers plus an empty v2 tree: nothing can be delegated.
    case hybrid
    case legacy
}

/// The session bus broker in `$XDG_RUNTIME_DIR/bus`.
public enum SessionBus: Sendable, Equatable {
    case answers(String)
    case missing(String)
    case refused(String, reason: String)
    case unknown
}

/// Everything `doctor` judges, gathered on one target (this machine, or another host over ssh)
/// and judged by the same `Check`s.
public struct DoctorFacts: Sendable {
    public var caller: Caller
    public var manager: ManagerAccess
    /// The manager's `Version` property, when it answered.
    public var systemdVersion: String?
    public var journal: JournalAccess
    public var logind: LogindState
    /// logind's KillUserProcesses=, from logind or its configuration; nil when neither says.
    public var killPolicy: LogindKillPolicy?
    /// Whether `/var/lib/systemd/linger/USER` exists.
    public var lingerFile: Bool
    public var cgroupLayout: CgroupLayout
    /// The controllers delegated to the manager's cgroup; nil when unknown.
    public var delegated: Set<String>?
    /// The session bus behind `run --wait`; nil where it is not checked (another host: `run
    /// --wait` works only here).
    public var sessionBus: SessionBus?
    /// The journal's limit and use; nil where it is not measured (another host).
    public var journalSpace: JournalSpace?
    /// The unitify that would hold a `--tty` job's terminal there; nil when there is none.
    public var terminalHolder: String?

    public init(caller: Caller, manager: ManagerAccess, systemdVersion: String?, journal: JournalAccess, logind: LogindState,
                killPolicy: LogindKillPolicy?, lingerFile: Bool, cgroupLayout: CgroupLayout, delegated: Set<String>?, sessionBus: SessionBus?) {
        self.caller = caller
        self.manager = manager
        self.systemdVersion = systemdVersion
        self.journal = journal
        self.logind = logind
        self.killPolicy = killPolicy
        self.lingerFile = lingerFile
        self.cgroupLayout = cgroupLayout
        self.delegated = delegated
        self.sessionBus = sessionBus
    }
}
