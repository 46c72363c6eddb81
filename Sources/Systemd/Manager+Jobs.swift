extension Manager {
    /// Waits for `JobRemoved` of every one of `jobs` and returns each job's result (`done`,
    /// `failed`, `canceled`, `timeout`, `dependency`, `skipped`), by job path: jobs queued
    /// together end in whatever order the manager runs them. A job not ended by the deadline is
    /// absent. Subscribe before starting the jobs.
    public func waitForJobs(_ jobs: [String], timeoutMicroseconds: UInt64 = 120_000_000) throws(SystemdError) -> [String: String] {
        var pending = Set(jobs)
        var results: [String: String] = [:]
        let deadline = monotonicMicroseconds() + timeoutMicroseconds
        while !pending.isEmpty {
            let now = monotonicMicroseconds()
            guard now < deadline, let message = try bus.nextMessage(timeoutMicroseconds: deadline - now) else { break }
            guard message.isSignal(interface: Self.interface, member: "JobRemoved") else { continue }
            let fields = try message.readAll()  // u id, o job, s unit, s result
            if fields.count == 4, let job = fields[1].string, pending.remove(job) != nil {
                results[job] = fields[3].string ?? ""
            }
        }
        return results
    }
}
