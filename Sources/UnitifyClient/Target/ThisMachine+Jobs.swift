import UnitifyCore

extension ThisMachine {
    /// The caller's own environment, directory and files.
    public func jobSite() -> any WritableJobSite { LocalJobSite() }

    /// Those of the user manager's cgroup; none asked of the system manager, which has them all.
    public func delegatedControllers() throws(UnitifyError) -> Set<String>? {
        scope.isSystem ? nil : try jobs.delegatedControllers()
    }
}
