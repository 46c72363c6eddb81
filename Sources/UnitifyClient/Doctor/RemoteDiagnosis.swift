import Systemd
import UnitifyCore

extension RemoteTarget {
    /// `doctor --host`: the facts of this host, for the user unitify logs in as there. They come
    /// over the connection already made (the manager's properties), its system bus (logind) and
    /// one short script (journal, groups, cgroups). The session bus is not checked: `run --wait`
    /// works only here.
    public func doctorFacts() -> DoctorFacts {
        let caller = Caller(uid: answer.uid, user: answer.user)
        let manager = jobs.manager
        let group = (try? manager.property("ControlGroup"))??.string ?? ""
        let facts = RemoteFacts.gather(RemoteShell(connection: connection), controlGroup: group)

        let logind: Logind
        do throws(SystemBusFailure) {
            let session = try connection.connectSystemBus()
            defer { session.end() }
            if let bus = session.bus {
                let state: LogindState = switch Logind.lingers(bus, uid: caller.uid) {
                case .success(let linger): .answered(linger: linger)
                case .failure(let error): .unreachable(reason: Logind.reason(error))
                }
                logind = Logind(state: state, killPolicy: try? Logind.killPolicy(bus))
            } else {
                logind = Logind(state: .unreachable(reason: "no system bus there"))
            }
        } catch {
            switch error {
            case .noBus: logind = Logind(state: .unreachable(reason: "no system bus there"))
            case .failed(let reason): logind = Logind(state: .unreachable(reason: reason))
            }
        }
        var doctorFacts = DoctorFacts(
            caller: caller, manager: .reachable(socket: answer.bus ?? "?", state: (try? manager.property("SystemState"))??.string),
            systemdVersion: (try? manager.property("Version"))??.string, journal: facts.journal, logind: logind.state,
            killPolicy: logind.killPolicy, lingerFile: answer.lingers, cgroupLayout: facts.layout, delegated: facts.delegated,
            sessionBus: nil)
        doctorFacts.terminalHolder = facts.unitify
        return doctorFacts
    }
}

/// What one script finds on another host, for `doctor --host`.
struct RemoteFacts {
    var journal: JournalAccess
    var layout: CgroupLayout
    var delegated: Set<String>?
    /// unitify on the login's PATH there, for `attach --host` and `run --tty --host`.
    var unitify: String?

    /// `KEY=value` lines: the journal-reading groups the login is in, journald's Storage= (the
    /// last one set, drop-ins after the main file), /var/log/journal, whether journalctl opened
    /// any file, the cgroup layout and the controllers delegated to the manager's cgroup ($1).
    static let script = """
        echo "groups=$(id -Gn)"
        echo "storage=$(cat /etc/systemd/journald.conf /usr/lib/systemd/journald.conf.d/*.conf /run/systemd/journald.conf.d/*.conf /etc/systemd/journald.conf.d/*.conf 2>/dev/null | sed -n 's/^[[:space:]]*Storage[[:space:]]*=[[:space:]]*//p' | tail -n 1)"
        [ -d /var/log/journal ] && echo varlog=yes
        journalctl --no-pager -n 0 2>&1 >/dev/null | grep -q 'No journal files were opened' || echo reads=yes
        if [ -e /sys/fs/cgroup/cgroup.controllers ]; then echo layout=unified; elif [ -d /sys/fs/cgroup/unified ]; then echo layout=hybrid; else echo layout=legacy; fi
        for root in /sys/fs/cgroup/unified /sys/fs/cgroup; do [ -r "$root$1/cgroup.controllers" ] && { echo "controllers=$(cat "$root$1/cgroup.controllers")"; break; }; done
        echo "unitify=$(command -v unitify)"
        true
        """

    static func gather(_ shell: RemoteShell, controlGroup: String) -> RemoteFacts {
        let text = (try? shell.check("look at the host", script, [controlGroup]))?.text ?? ""
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        let groups = (values["groups"] ?? "").split(separator: " ").map(String.init)
        let storage = JournalStorage.effective(configured: values["storage"].flatMap { $0.isEmpty ? nil : $0 }, varLogJournalExists: values["varlog"] == "yes")
        return RemoteFacts(
            journal: JournalAccess(storage: storage, groups: JournalFacts.readerGroups.filter(groups.contains), groupsAfterLogin: [],
                                   readsFiles: values["reads"] == "yes"),
            layout: CgroupLayout(rawValue: values["layout"] ?? "") ?? .legacy,
            delegated: values["controllers"].map { Set($0.split(separator: " ").map(String.init)) },
            unitify: values["unitify"].flatMap { $0.hasPrefix("/") ? $0 : nil })
    }
}
