// The verdicts of `unitify doctor`: each check judges facts (DoctorFacts.swift) gathered by
// UnitifyClient's Diagnosis, and says what to do about a warning or a problem.

extension Check {
    static let loginAdvice = "log in with 'machinectl shell USER@', ssh or a console rather than su or sudo -u"

    public static func manager(_ access: ManagerAccess, caller: Caller) -> Check {
        let login = loginAdvice.replacing("USER@", with: "\(caller.user)@")
        let linger = "or as root 'loginctl enable-linger \(caller.user)' to start it without a login"
        let (verdict, summary, fix): (Verdict, String, String?) =
            switch access {
            case .reachable(let socket, let state):
                (.ok, "reachable at \(socket)" + (state.map { " (\($0))" } ?? ""), nil)
            case .noRuntimeVariable(let listening?):
                (.problem, "XDG_RUNTIME_DIR is not set (usual after su or sudo -u)",
                 "export XDG_RUNTIME_DIR=\(listening) (your manager listens there), or \(login)")
            case .noRuntimeVariable(nil):
                (.problem, "XDG_RUNTIME_DIR is not set (usual after su or sudo -u) and no manager listens in \(caller.runtimeDirectory)",
                 "\(login): that starts your manager and sets XDG_RUNTIME_DIR=\(caller.runtimeDirectory)")
            case .notSystemd(let runtimeVariableSet):
                (.problem, "systemd is not running here (no /run/systemd/system), so there is no user manager"
                    + (runtimeVariableSet ? "" : " (and XDG_RUNTIME_DIR is not set)"),
                 "use a systemd host; here keep nohup or tmux, or start 'systemd --user' yourself as unitify's scripts/user-session does")
            case .runtimeDirectoryMissing(let path):
                (.problem, "XDG_RUNTIME_DIR=\(path) does not exist: logind creates it when you log in",
                 "\(login), \(linger)")
            case .runtimeDirectoryOfOtherUser(let path, let owner):
                (.problem, "XDG_RUNTIME_DIR=\(path) belongs to uid \(owner), not to you (uid \(caller.uid)): it came along through su or sudo",
                 "export XDG_RUNTIME_DIR=\(caller.runtimeDirectory), or \(login)")
            case .noSocket(let directory):
                (.problem, "no user manager is running for \(caller.user) (uid \(caller.uid)): \(directory) has neither systemd/private nor bus",
                 "\(login), \(linger); 'systemctl status user@\(caller.uid)' says why it is down")
            case .connectFailed(let socket, let reason, true):
                (.problem, "cannot connect to \(socket): \(reason)",
                 "that socket is another user's: export XDG_RUNTIME_DIR=\(caller.runtimeDirectory)")
            case .connectFailed(let socket, let reason, false):
                (.problem, "cannot connect to \(socket): \(reason)",
                 "the manager may have died: log in again, or as root 'systemctl restart user@\(caller.uid)'")
            }
        return Check(name: "manager", title: "user manager", verdict: verdict, summary: summary, fix: fix)
    }

    /// The one line every command prints when it cannot reach the manager.
    public static func unreachableMessage(_ access: ManagerAccess, caller: Caller) -> String {
        let check = manager(access, caller: caller)
        return "cannot reach your systemd user manager: \(check.summary); \(check.fix ?? "")"
            + "; 'unitify doctor' checks the rest"
    }

    /// A check that needs the manager, which could not be reached.
    static func notChecked(_ name: String, _ title: String, because why: String = "the user manager is unreachable") -> Check {
        Check(name: name, title: title, verdict: .warning, summary: "not checked: \(why)", fix: "fix the user manager first")
    }
}

extension Check {
    public static func systemdVersion(_ version: String?) -> Check {
        let name = "systemd", title = "systemd version"
        guard let version else { return notChecked(name, title) }
        guard let major = SystemdFeature.majorVersion(version) else {
            return Check(name: name, title: title, verdict: .warning, summary: "cannot read the version '\(version)'",
                         fix: "check 'systemctl --user --version': unitify needs \(SystemdFeature.floor), and \(SystemdFeature.allCases.map(\.version).max()!) for everything")
        }
        let missing = SystemdFeature.allCases.filter { !$0.isAvailable(on: major) }
        if let essential = missing.first(where: \.isEssential) {
            return Check(name: name, title: title, verdict: .problem,
                         summary: "systemd \(major) is too old: unitify needs \(SystemdFeature.floor) (\(essential.what))",
                         fix: "upgrade systemd, or use systemd-run --user on this machine")
        }
        guard !missing.isEmpty else {
            return Check(name: name, title: title, verdict: .ok, summary: "\(major): every unitify feature works")
        }
        return Check(name: name, title: title, verdict: .warning,
                     summary: "\(major) lacks " + missing.map { "\($0.what) (\($0.version))" }.joined(separator: "; "),
                     fix: "upgrade systemd to \(missing.map(\.version).max()!) or later for those")
    }
}

extension Check {
    public static func journal(_ access: JournalAccess, caller: Caller) -> Check {
        let name = "journal", title = "journal access"
        let storage = "storage \(access.storage.rawValue)"
        let fallback = "run jobs with --log-file FILE"
        if access.storage == .none {
            return Check(name: name, title: title, verdict: .warning,
                         summary: "journald keeps nothing (Storage=none): job output is lost",
                         fix: "set Storage=auto in /etc/systemd/journald.conf, or \(fallback)")
        }
        if !access.readsFiles && (caller.uid == 0 || !access.groups.isEmpty) {
            return Check(name: name, title: title, verdict: .warning,
                         summary: "there are no journal files to read (\(storage)): is systemd-journald running?",
                         fix: "start systemd-journald, or \(fallback)")
        }
        if caller.uid == 0 {
            return Check(name: name, title: title, verdict: .ok,
                         summary: "root reads every journal file (\(storage)); 'journalctl --user' shows nothing for root, 'unitify journal' does")
        }
        if let group = access.groups.first {
            return Check(name: name, title: title, verdict: .ok,
                         summary: "you read every journal file through the \(group) group (\(storage))")
        }
        if let group = access.groupsAfterLogin.first {
            return Check(name: name, title: title, verdict: .warning,
                         summary: "you are in the \(group) group, but not in this login, which began before you were added",
                         fix: "log out and in again (or run 'newgrp \(group)')")
        }
        if access.storage == .persistent && caller.uid >= 1000 {
            return Check(name: name, title: title, verdict: .ok,
                         summary: "your units' lines go to your own journal file (user-\(caller.uid).journal, \(storage))")
        }
        let why = access.storage == .volatile
            ? "with volatile storage every line goes to the system journal"
            : "uids below 1000 log into the system journal"
        return Check(name: name, title: title, verdict: .warning,
                     summary: "you cannot read your jobs' output: \(why), which only root and the systemd-journal and adm groups read",
                     fix: "as root 'usermod -aG systemd-journal \(caller.user)' and log in again, or \(fallback)")
    }
}

extension Check {
    /// - Parameter lingerFile: whether `/var/lib/systemd/linger/USER` exists.
    public static func linger(_ logind: LogindState, lingerFile: Bool, caller: Caller) -> Check {
        let name = "linger", title = "linger"
        switch logind {
        case .answered(true):
            return Check(name: name, title: title, verdict: .ok,
                         summary: "on: your manager starts at boot and outlives your last session, and so do your jobs")
        case .answered(false):
            return Check(name: name, title: title, verdict: .warning,
                         summary: "off: your jobs stop when your last session ends, and installed ones do not start at boot",
                         fix: "loginctl enable-linger \(caller.user)")
        case .unreachable(let reason):
            return Check(name: name, title: title, verdict: .warning,
                         summary: "logind is not reachable (\(reason)): linger (\(lingerFile ? "" : "no ")/var/lib/systemd/linger/\(caller.user))"
                            + " cannot act, your manager lives as long as whatever started it",
                         fix: "nothing to do on this machine; where logind runs: loginctl enable-linger \(caller.user)")
        }
    }
}

extension Check {
    /// nohup's jobs live in the login session and die with it under KillUserProcesses=yes;
    /// unitify's live in the user manager, which outlives sessions only with linger.
    public static func killUserProcesses(_ policy: LogindKillPolicy?, lingering: Bool?, caller: Caller) -> Check {
        let name = "kill_user_processes", title = "logout policy"
        guard let policy, let kills = policy.kills(caller.user) else {
            return Check(name: name, title: title, verdict: .warning,
                         summary: "cannot tell whether logind kills processes at logout (no KillUserProcesses= found)",
                         fix: "see 'systemd-analyze cat-config systemd/logind.conf'; with linger on, unitify's jobs survive either way")
        }
        let from = policy.source.isEmpty ? "" : " (\(policy.source))"
        guard kills else {
            let setting = policy.killUserProcesses == true ? "your user is exempt from KillUserProcesses=yes" : "KillUserProcesses=no"
            return Check(name: name, title: title, verdict: .ok,
                         summary: "\(setting)\(from): logind leaves a session's processes running at logout")
        }
        if lingering == false {
            return Check(name: name, title: title, verdict: .warning,
                         summary: "KillUserProcesses=yes\(from): logout kills what a session started (nohup too); unitify's jobs live in your manager, which stops too without linger",
                         fix: "loginctl enable-linger \(caller.user)")
        }
        return Check(name: name, title: title, verdict: .ok,
                     summary: "KillUserProcesses=yes\(from): logout kills what a session started (nohup too), not unitify's jobs, which live in your manager")
    }
}

extension Check {
    /// - Parameter delegated: the controllers in the manager's `cgroup.controllers`; nil when
    ///   the manager could not be asked.
    public static func controllers(layout: CgroupLayout, delegated: Set<String>?) -> Check {
        let name = "cgroup_controllers", title = "resource limits"
        guard let delegated else { return notChecked(name, title) }
        let missing = [("memory", "--memory-max"), ("cpu", "--cpu-quota")].filter { !delegated.contains($0.0) }
        guard !missing.isEmpty else {
            return Check(name: name, title: title, verdict: .ok,
                         summary: "memory and cpu are delegated to your manager: --memory-max and --cpu-quota take effect")
        }
        let options = missing.map(\.1).joined(separator: " and ")
        if layout != .unified {
            return Check(name: name, title: title, verdict: .warning,
                         summary: "\(options) do nothing here: with \(layout.rawValue) cgroups no controller is delegated to user managers (systemd #9641)",
                         fix: "boot with systemd.unified_cgroup_hierarchy=1 to use limits ('unitify run' warns when one is ignored)")
        }
        let have = delegated.isEmpty ? "none" : delegated.sorted().joined(separator: " ")
        return Check(name: name, title: title, verdict: .warning,
                     summary: "\(options) \(missing.count == 1 ? "does" : "do") nothing: \(missing.map(\.0).joined(separator: " and ")) \(missing.count == 1 ? "is" : "are") not delegated to your manager (delegated: \(have))",
                     fix: "as root put 'Delegate=cpu memory pids' under [Service] in /etc/systemd/system/user@.service.d/delegate.conf, then log in again")
    }
}

extension Check {
    public static func sessionBus(_ bus: SessionBus) -> Check {
        let name = "session_bus", title = "session bus"
        let fix = "install dbus-user-session (Debian, Ubuntu) or dbus-broker, then log in again"
        switch bus {
        case .answers(let path):
            return Check(name: name, title: title, verdict: .ok, summary: "the broker answers at \(path): 'run --wait' can hold its job")
        case .missing(let path):
            return Check(name: name, title: title, verdict: .warning,
                         summary: "no session bus at \(path): 'unitify run --wait' needs one to keep the job's exit status", fix: fix)
        case .refused(let path, let reason):
            return Check(name: name, title: title, verdict: .warning,
                         summary: "the session bus at \(path) does not answer (\(reason)): 'unitify run --wait' needs it", fix: fix)
        case .unknown:
            return notChecked(name, title, because: "XDG_RUNTIME_DIR is not set")
        }
    }

    /// Where a `--tty` job's terminal holder comes from: a unitify at a path that lasts.
    public static func terminalHolder(_ path: String?) -> Check {
        let name = "terminal", title = "job terminals"
        guard let path else {
            return Check(name: name, title: title, verdict: .warning, summary: "no unitify on the PATH here: 'run --tty', 'attach', 'send' and capped log files need it",
                         fix: "install the unitify package")
        }
        if let warning = HeldTerminal.lastingWarning(path) {
            return Check(name: name, title: title, verdict: .warning, summary: String(warning.dropFirst("warning: ".count)),
                         fix: "install the unitify package, and use its /usr/bin/unitify for --tty jobs")
        }
        return Check(name: name, title: title, verdict: .ok, summary: "\(path) holds the terminals of --tty jobs and writes capped log files")
    }

    /// The journal's limit, and how much of it is taken (and by the caller's own journal files).
    public static func journalSpace(_ space: JournalSpace) -> Check {
        let name = "journal_space", title = "journal space"
        let yours = space.yours.map { ", \(Format.bytes($0)) of it your own journal (your jobs' lines)" } ?? ""
        let summary = "the journal may use \(Format.bytes(space.limit)) (\(space.source)) and holds \(Format.bytes(space.used))\(yours)"
        guard space.used < space.limit / 10 * 9 else {
            return Check(name: name, title: title, verdict: .warning,
                         summary: summary + ": journald deletes the oldest lines of every job to stay under it",
                         fix: "give a noisy job --log-file FILE (rotated at 50M), or raise SystemMaxUse= in journald.conf")
        }
        return Check(name: name, title: title, verdict: .ok, summary: summary)
    }
}
