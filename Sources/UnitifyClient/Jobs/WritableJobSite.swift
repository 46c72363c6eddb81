import UnitifyCore

/// The site a job is built for, as `run`, `restart` and `up` read it (`JobSite`: environment,
/// directory, paths, programs), which also writes a line's `echo $! > FILE` there.
public protocol WritableJobSite: JobSite {
    /// Writes `text` to the file as the shell's `>` or `>>` would.
    func write(_ text: String, to target: OutputTarget) throws(UnitifyError)
}

extension LocalJobSite: WritableJobSite {}

extension RemoteJobSite: WritableJobSite {}
