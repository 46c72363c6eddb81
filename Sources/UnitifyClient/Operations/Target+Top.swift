import UnitifyCore

extension Target {
    /// `top`: every job with its numbers, for one frame of every target's.
    public func sampleJobs(into report: inout TargetReport) throws {
        report.statuses = try jobs.allJobStatuses()
    }
}
