import UnitifyCore

extension Target {
    /// Watches a job that just started for `check`'s window. One that does not stay up is
    /// reported as nohup would hide it: how it ended, its last lines and where to look, in the
    /// notes; the part then ends with status 1 (no summary, no hints). Else its status after
    /// the window. A timer, or `--check 0` ("0 to skip"), is not watched, and not judged even
    /// when its first status shows it already ended.
    public func settle(_ started: StartedJob, _ status: UnitStatus, check: StartCheck, into report: inout TargetReport) throws -> UnitStatus {
        guard started.timer == nil, check.window.microseconds > 0 else { return status }
        let settled = try jobs.settle(started.unit, within: check.window)
        guard settled.looksCrashed else { return settled }
        let short = UnitName.shortName(started.unit)
        report.notes.append(check.crashHeadline(settled, short: short))
        noteLastLines(of: settled, into: &report)
        report.continueNotes([check.crashPointer(settled, short: short, options: options)])
        throw UnitifyError.exit(1)
    }

    /// A job's last lines after `last lines of its log:`, indented, continuing the note before;
    /// when they cannot be read (a journal closed to the user, a log file gone), why, in a note
    /// of its own: they are an extra, and must not be missing without a word.
    func noteLastLines(of status: UnitStatus, into report: inout TargetReport) {
        report.continueNotes(["last lines of its log:"])
        do {
            report.continueNotes(try lastLines(of: status, 10).map { "  " + $0 })
        } catch {
            report.notes.append(error.message)
        }
    }
}

extension TargetReport {
    /// Notes that continue the note before them: a crash's last lines, say.
    public mutating func continueNotes(_ lines: [String]) {
        for line in lines {
            continuedNotes.insert(notes.count)
            notes.append(line)
        }
    }
}
