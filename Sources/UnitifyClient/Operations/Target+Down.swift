import UnitifyCore

extension Target {
    /// `down`: every job of `app` on the target stopped and removed, said in a line.
    public func down(_ app: String, quiet: Bool, into report: inout TargetReport) throws {
        let removed = try jobs.removeApp(app)
        guard !quiet else { return }
        report.lines.append(removed.isEmpty ? "\(app): no jobs to remove"
            : "\(app): removed " + removed.map { App.job(of: $0, app: app) }.joined(separator: ", "))
    }
}
