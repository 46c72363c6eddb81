import Testing
@testable import UnitifyCore

/// The decisions behind doctor's verdicts, tested without a machine in each state.
struct CheckTests {
    let root = Caller(uid: 0, user: "root")
    let alice = Caller(uid: 1000, user: "alice")

    @Test func managerAccessNamesTheCauseAndTheFix() {
        let afterSu = Check.manager(.noRuntimeVariable(listeningAt: "/run/user/1000"), caller: alice)
        #expect(afterSu.verdict == .problem)
        #expect(afterSu.fix?.hasPrefix("export XDG_RUNTIME_DIR=/run/user/1000") == true)
        #expect(afterSu.fix?.contains("machinectl shell alice@") == true)

        let inherited = Check.manager(.runtimeDirectoryOfOtherUser("/run/user/0", owner: 0), caller: alice)
        #expect(inherited.summary.contains("belongs to uid 0, not to you (uid 1000)"))
        #expect(inherited.fix?.contains("export XDG_RUNTIME_DIR=/run/user/1000") == true)

        let noManager = Check.manager(.noSocket(runtimeDirectory: "/run/user/1000"), caller: alice)
        #expect(noManager.fix?.contains("loginctl enable-linger alice") == true)

        #expect(Check.manager(.notSystemd(runtimeVariableSet: true), caller: alice).summary.contains("/run/systemd/system"))
        #expect(Check.manager(.reachable(socket: "/run/user/0/systemd/private", state: "running"), caller: root).verdict == .ok)

        let message = Check.unreachableMessage(.noRuntimeVariable(listeningAt: nil), caller: alice)
        #expect(!message.contains("\n"))
        #expect(message.hasPrefix("cannot reach your systemd user manager: XDG_RUNTIME_DIR is not set"))
        #expect(message.hasSuffix("'unitify doctor' checks the rest"))
    }

    @Test func systemdVersionsAndWhatTheyLimit() {
        #expect(SystemdFeature.majorVersion("252.39-1~deb12u2") == 252)
        #expect(SystemdFeature.majorVersion("v255-rc1") == 255)
        // 252 lacks only what unitify does another way: restarts that back off (254).
        let bookworm = Check.systemdVersion("252.39-1~deb12u2")
        #expect(bookworm.verdict == .warning)
        #expect(bookworm.summary == "252 lacks RestartSteps= for --restart-sec MIN..MAX (restarts that back off) (254)")
        #expect(bookworm.fix == "upgrade systemd to 254 or later for those")
        #expect(Check.systemdVersion("254.5").verdict == .ok)
        let bullseye = Check.systemdVersion("247.3-7")
        #expect(bullseye.verdict == .warning)
        #expect(bullseye.summary.contains("truncate:") && bullseye.summary.contains("(248)") && bullseye.summary.contains("(249)"))
        #expect(bullseye.fix == "upgrade systemd to 254 or later for those")
        #expect(Check.systemdVersion("257.9").verdict == .ok)
        #expect(Check.systemdVersion("239").verdict == .problem)
        #expect(Check.systemdVersion(nil).verdict == .warning)
    }

    @Test func journalAccess() {
        #expect(JournalStorage.effective(configured: nil, varLogJournalExists: true) == .persistent)
        #expect(JournalStorage.effective(configured: "auto", varLogJournalExists: false) == .volatile)
        #expect(JournalStorage.effective(configured: "volatile", varLogJournalExists: true) == .volatile)

        let volatileUser = Check.journal(JournalAccess(storage: .volatile, groups: [], groupsAfterLogin: [], readsFiles: false), caller: alice)
        #expect(volatileUser.verdict == .warning)
        #expect(volatileUser.fix?.contains("usermod -aG systemd-journal alice") == true)
        let persistentUser = Check.journal(JournalAccess(storage: .persistent, groups: [], groupsAfterLogin: [], readsFiles: true), caller: alice)
        #expect(persistentUser.verdict == .ok)
        let addedToday = Check.journal(JournalAccess(storage: .volatile, groups: [], groupsAfterLogin: ["systemd-journal"], readsFiles: false), caller: alice)
        #expect(addedToday.fix?.contains("log out and in again") == true)
        let rootReads = Check.journal(JournalAccess(storage: .volatile, groups: [], groupsAfterLogin: [], readsFiles: true), caller: root)
        #expect(rootReads.verdict == .ok && rootReads.summary.contains("journalctl --user"))
    }

    @Test func logindSettings() {
        let main = (path: "/etc/systemd/logind.conf", text: "[Login]\n#KillUserProcesses=no\n#KillExcludeUsers=root\n")
        let defaults = LogindKillPolicy.parse([main])
        #expect(defaults.killUserProcesses == false)
        #expect(defaults.source.contains("compile-time default"))

        let dropIn = (path: "/etc/systemd/logind.conf.d/kill.conf", text: "[Login]\nKillUserProcesses=yes\n")
        let killing = LogindKillPolicy.parse([main, dropIn])
        #expect(killing.kills("alice") == true)
        #expect(killing.kills("root") == false)
        #expect(Check.killUserProcesses(killing, lingering: false, caller: alice).fix == "loginctl enable-linger alice")
        #expect(Check.killUserProcesses(killing, lingering: true, caller: alice).verdict == .ok)

        let only = LogindKillPolicy.parse([(path: "x", text: "[Login]\nKillUserProcesses=yes\nKillOnlyUsers=bob\n")])
        #expect(only.kills("alice") == false)
        #expect(LogindKillPolicy.parse([(path: "x", text: "[Login]\n")]).kills("alice") == nil)

        #expect(Check.linger(.answered(linger: false), lingerFile: false, caller: alice).fix == "loginctl enable-linger alice")
        #expect(Check.linger(.unreachable(reason: "no system bus"), lingerFile: false, caller: alice).summary.contains("logind is not reachable"))
    }

    @Test func limitsAndTheBus() {
        #expect(Check.controllers(layout: .hybrid, delegated: []).summary.contains("#9641"))
        let partial = Check.controllers(layout: .unified, delegated: ["cpu", "pids"])
        #expect(partial.summary.hasPrefix("--memory-max does nothing: memory is not delegated"))
        #expect(partial.fix?.contains("Delegate=") == true)
        #expect(Check.controllers(layout: .unified, delegated: ["cpu", "memory"]).verdict == .ok)
        #expect(Check.sessionBus(.missing("/run/user/0/bus")).fix?.contains("dbus-user-session") == true)
    }
}
