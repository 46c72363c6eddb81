import UnitifyCore

extension ReachedHost {
    /// The host as its ssh login sees it (`RemoteJobHost`): its environment, home and files.
    public func jobHost() throws(UnitifyError) -> any JobHost { try RemoteJobHost(connection) }

    /// Not read there yet: the cgroup files are that host's, and a warning from this machine's
    /// would be wrong; no warning rather than a wrong one.
    public func delegatedControllers() -> Set<String>? { nil }
}
