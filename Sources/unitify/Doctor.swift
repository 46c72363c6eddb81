import ArgumentParser
import UnitifyClient
import UnitifyCore

struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check that unitify can work here, what limits it, and how to fix each thing.",
        discussion: """
            Checks the user manager (and why it cannot be reached), systemd's version, whether \
            you can read your jobs' journal lines, linger, logind's KillUserProcesses, the cgroup \
            controllers behind --memory-max and --cpu-quota, and the session bus behind run --wait. \
            Each check ends in ok, warning or problem, with the fix in one line. Exit status: 0 when \
            unitify can work here, 1 when a problem stops it.
            """
    )

    @Flag(help: "Print JSON: uid, user, systemd_version, can_work, and checks with name, title, verdict, summary and fix.")
    var json = false

    func run() throws {
        let diagnosis = Diagnosis.run()
        let out = Output.standard
        if json {
            out.line(JSON.encode(diagnosis))
        } else {
            render(diagnosis, to: out)
        }
        if !diagnosis.canWork { throw UnitifyError.exit(1) }
    }

    /// One line per check, the fix indented under it, then the verdict on the whole.
    func render(_ diagnosis: Diagnosis, to out: Output) {
        let titleWidth = diagnosis.checks.map(\.title.count).max() ?? 0
        let indent = String(repeating: " ", count: 9 + titleWidth + 2)
        for check in diagnosis.checks {
            let verdict = check.verdict.rawValue.padding(to: 9)
            out.line(paint(verdict, check.verdict, out) + check.title.padding(to: titleWidth + 2) + check.summary)
            if let fix = check.fix { out.line(indent + "fix: " + fix) }
        }
        let warnings = diagnosis.checks.filter { $0.verdict == .warning }.count
        let problems = diagnosis.checks.filter { $0.verdict == .problem }.count
        out.line()
        if problems > 0 {
            out.line("unitify cannot work here until the \(problems == 1 ? "problem" : "problems") above \(problems == 1 ? "is" : "are") fixed.")
        } else {
            out.line("unitify can work here" + (warnings == 0 ? "." : " (\(warnings) warning\(warnings == 1 ? "" : "s") above)."))
        }
    }

    func paint(_ text: String, _ verdict: Check.Verdict, _ out: Output) -> String {
        guard out.usesColour else { return text }
        let colour = switch verdict {
        case .ok: "\u{1B}[32m"
        case .warning: "\u{1B}[33m"
        case .problem: "\u{1B}[31m"
        }
        return colour + text + "\u{1B}[0m"
    }
}

private extension String {
    func padding(to width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
