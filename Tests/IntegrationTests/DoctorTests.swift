import FoundationEssentials
import Glibc
import Testing
import UnitifyCore

/// `unitify doctor` itself on the real user manager (its verdicts alone: CheckTests in UnitifyCoreTests).
struct DoctorTests {
    /// `unitify doctor` on the real user manager, and in the state a newcomer meets after `su`.
    @Suite(.enabled(if: Live.enabled, Live.reason))
    struct OnTheRealManager {
        static let titles = ["user manager", "systemd version", "journal access", "journal space", "linger", "logout policy", "resource limits", "session bus", "job terminals"]
        static let names = ["manager", "systemd", "journal", "journal_space", "linger", "kill_user_processes", "cgroup_controllers", "session_bus", "terminal"]

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
            // Before 254 (the private manager's 252) a warning for what unitify does another way.
            #expect(lines.contains { $0.hasPrefix("ok       systemd version") || $0.hasPrefix("warning  systemd version") && $0.contains("lacks RestartSteps=") },
                    "\(result.stdout)")
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
