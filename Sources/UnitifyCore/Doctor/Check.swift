/// One finding of `unitify doctor`: what was checked, the verdict, what was seen, and the way out.
///
/// The decisions here are pure (facts in, verdict out) so that every wording can be tested
/// without a machine in that state; `Diagnosis` in UnitifyClient gathers the facts.
public struct Check: Sendable, Equatable, Encodable {
    public enum Verdict: String, Sendable, Encodable {
        /// Nothing to do.
        case ok
        /// unitify works, but something it offers will not (or may surprise).
        case warning
        /// unitify cannot work until this is fixed.
        case problem
    }

    /// A stable key for scripts: `manager`, `systemd`, `journal`, ...
    public var name: String
    public var title: String
    public var verdict: Verdict
    public var summary: String
    /// One line; nil when there is nothing to do.
    public var fix: String?

    public init(name: String, title: String, verdict: Verdict, summary: String, fix: String? = nil) {
        self.name = name
        self.title = title
        self.verdict = verdict
        self.summary = summary
        self.fix = fix
    }
}
