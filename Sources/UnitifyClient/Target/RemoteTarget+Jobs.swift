import UnitifyCore

extension RemoteTarget {
    /// The host as its ssh login sees it (`RemoteJobSite`): its environment, home and files.
    public func jobSite() throws(UnitifyError) -> any WritableJobSite {
        if let facts, let environment = facts.environment { return RemoteJobSite(connection, environment: environment, kinds: facts.kinds) }
        return try RemoteJobSite(connection)
    }

    /// Those of the user manager's cgroup there, read there.
    public func delegatedControllers() -> Set<String>? { jobs.delegatedControllers() }
}
