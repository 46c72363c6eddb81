import UnitifyCore

/// Another host as a target (the other is `ThisMachine`), reached by a fleet: its jobs over a bus
/// through ssh, what the prelude found there, and the connection, for the commands a bus does not
/// carry (journalctl, files).
public struct RemoteTarget {
    public let host: HostAddress
    public let jobs: Jobs
    public let answer: RemotePrelude.Answer
    public let connection: SSHConnection
    /// What the prelude said of the host's environment and paths, when `run` asked (`HostFacts`).
    public var facts: HostFacts.Answer? = nil
    /// Commands started there in advance (`Fleet.onEach(prefetching:)`).
    public var prefetched: PrefetchedCommands? = nil
}

extension RemoteTarget: Target {
    public var hostAddress: HostAddress? { host }

    public var storage: JobStorage { jobs.storage }

    public var options: TargetOptions { jobs.options }
}

extension RemoteTarget {
    /// Through the bridge the checker's file is the host's: read there, over one ssh channel (a
    /// job with a health check only; a host's own unitify reads it itself).
    public func healthState(of unit: String) -> HealthState? {
        let path = CheckedHealth.stateFile(runtimeDirectory: answer.managerRuntimeDirectory, unit: unit)
        let read = try? RemoteShell(connection: connection).run(#"exec cat -- "$1" 2>/dev/null"#, [path])
        guard let read, read.status == 0 else { return nil }
        return HealthState(parsing: read.text)
    }
}
