import FoundationEssentials
import Glibc
import Testing
import UnitifyCore

/// The decisions behind doctor's verdicts, tested without a machine in each state, and
/// `unitify doctor` itself on the real user manager.
struct DoctorTests {
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
        #expect(Check.systemdVersion("252.39-1~deb12u2").verdict == .ok)
        let bullseye = Check.systemdVersion("247.3-7")
        #expect(bullseye.verdict == .warning)
        #expect(bullseye.summary.contains("truncate:") && bullseye.summary.contains("(248)") && bullseye.summary.contains("(249)"))
        #expect(bullseye.fix == "upgrade systemd to 249 or later for those")
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

    /// `unitify doctor` on the real user manager, and in the state a newcomer meets after `su`.
    @Suite(.enabled(if: Live.enabled, Live.reason))
    struct OnTheRealManager {
        static let titles = ["user manager", "systemd version", "journal access", "linger", "logout policy", "resource limits", "session bus"]
        static let names = ["manager", "systemd", "journal", "linger", "kill_user_processes", "cgroup_controllers", "session_bus"]

        /// Runs unitify with `XDG_RUNTIME_DIR` removed from its environment, as after `su`.
        func unitifyWithoutRuntimeDirectory(_ arguments: [String]) -> Completed {
            run(["env", "-u", "XDG_RUNTIME_DIR", unitifyBinary] + arguments)
        }

        @Test func passesAgainstTheRealManager() {
            let result = unitify(["doctor"])
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            let lines = result.stdout.split(separator: "\n")
            for title in Self.titles {
                #expect(lines.contains { $0.dropFirst(9).hasPrefix(title) }, "no line for \(title) in:\n\(result.stdout)")
            }
            #expect(lines.contains { $0.hasPrefix("ok       user manager") && $0.contains("reachable at ") })
            #expect(lines.contains { $0.hasPrefix("ok       systemd version") })
            #expect(!lines.contains { $0.hasPrefix("problem") })
            #expect(result.stdout.contains("unitify can work here"))
            #expect(result.stderr.isEmpty)
        }

        @Test func explainsAMissingRuntimeDirectoryAndFails() {
            let result = unitifyWithoutRuntimeDirectory(["doctor"])
            #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
            let manager = result.stdout.split(separator: "\n").first { $0.hasPrefix("problem  user manager") }
            #expect(manager?.contains("XDG_RUNTIME_DIR is not set") == true, "\(result.stdout)")
            #expect(result.stdout.contains("fix: ") && result.stdout.contains("machinectl shell"))
            #expect(result.stdout.contains("unitify cannot work here"))
        }

        @Test func jsonCarriesEveryCheck() throws {
            struct Report: Decodable {
                struct Finding: Decodable {
                    var name: String
                    var title: String
                    var verdict: String
                    var summary: String
                    var fix: String?
                }
                var uid: UInt32
                var user: String
                var systemd_version: String?
                var can_work: Bool
                var checks: [Finding]
            }
            let result = unitify(["doctor", "--json"])
            #expect(result.status == 0, "\(result.stderr)")
            let report = try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
            #expect(report.can_work)
            #expect(report.uid == getuid())
            #expect(report.checks.map(\.name) == Self.names)
            #expect(report.checks.map(\.title) == Self.titles)
            #expect(report.checks.allSatisfy { ["ok", "warning", "problem"].contains($0.verdict) && !$0.summary.isEmpty })
            #expect(report.checks.allSatisfy { ($0.verdict == "ok") == ($0.fix == nil) })
            #expect(SystemdFeature.majorVersion(report.systemd_version ?? "") ?? 0 >= 240)

            let broken = unitifyWithoutRuntimeDirectory(["doctor", "--json"])
            #expect(broken.status == 1)
            let brokenReport = try JSONDecoder().decode(Report.self, from: Data(broken.stdout.utf8))
            #expect(!brokenReport.can_work)
            #expect(brokenReport.checks.first?.verdict == "problem")
            #expect(brokenReport.systemd_version == nil)
        }

        /// Every command that needs the manager says why in one line and points to doctor.
        @Test func commandsExplainAnUnreachableManagerInOneLine() {
            for arguments in [["status"], ["status", "x"], ["stop", "x"], ["run", "--", "true"]] {
                let result = unitifyWithoutRuntimeDirectory(arguments)
                #expect(result.status == 1, "\(arguments): \(result.stderr)")
                #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
                #expect(result.stderr.hasPrefix("unitify: cannot reach your systemd user manager: XDG_RUNTIME_DIR is not set"))
                #expect(result.stderr.contains("'unitify doctor'"))
            }
        }
    }
}
