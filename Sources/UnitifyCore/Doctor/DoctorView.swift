/// Renders doctor's checks for people: one line per check, its fix indented under it, then the
/// verdict on the whole. (`doctor --json` writes the checks themselves.)
public enum DoctorView {
    public static func lines(_ checks: [Check], colour: Bool) -> [String] {
        let titleWidth = checks.map(\.title.count).max() ?? 0
        let indent = String(repeating: " ", count: 9 + titleWidth + 2)
        var lines: [String] = []
        for check in checks {
            let verdict = padded(check.verdict.rawValue, to: 9)
            lines.append(paint(verdict, check.verdict, colour) + padded(check.title, to: titleWidth + 2) + check.summary)
            if let fix = check.fix { lines.append(indent + "fix: " + fix) }
        }
        let warnings = checks.filter { $0.verdict == .warning }.count
        let problems = checks.filter { $0.verdict == .problem }.count
        lines.append("")
        if problems > 0 {
            lines.append("unitify cannot work here until the \(problems == 1 ? "problem" : "problems") above \(problems == 1 ? "is" : "are") fixed.")
        } else {
            lines.append("unitify can work here" + (warnings == 0 ? "." : " (\(warnings) warning\(warnings == 1 ? "" : "s") above)."))
        }
        return lines
    }

    static func paint(_ text: String, _ verdict: Check.Verdict, _ colour: Bool) -> String {
        guard colour else { return text }
        let code = switch verdict {
        case .ok: "\u{1B}[32m"
        case .warning: "\u{1B}[33m"
        case .problem: "\u{1B}[31m"
        }
        return code + text + "\u{1B}[0m"
    }

    /// `text` and at least one space, padded to `width`.
    static func padded(_ text: String, to width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
