import UnitifyCore

/// The machine a job is built for, as `run`, `restart` and `up` read it (`Host`: environment,
/// directory, paths, programs), which also writes a line's `echo $! > FILE` there.
public protocol JobHost: Host {
    /// Writes `text` to the file as the shell's `>` or `>>` would.
    func write(_ text: String, to target: OutputTarget) throws(UnitifyError)
}

extension LiveHost: JobHost {}

extension RemoteJobHost: JobHost {}
