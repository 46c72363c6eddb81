import UnitifyCore

extension ReachedHost {
    /// The host as its ssh login sees it (`RemoteJobHost`): its environment, home and files.
    public func jobHost() throws(UnitifyError) -> any JobHost {
        if let facts, let environment = facts.environment { return RemoteJobHost(connection, environment: environment, kinds: facts.kinds) }
        return try RemoteJobHost(connection)
    }

    /// Those of the user manager's cgroup there, read there.
    public func delegatedControllers() -> Set<String>? { jobs.delegatedControllers() }
}
