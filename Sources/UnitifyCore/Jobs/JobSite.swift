/// Where a job's command, directory and paths are looked up, as `run` reads them: the machine the
/// job will run on (this one, or another over ssh), its environment, directory and files. Tests
/// pass a fixed one.
public protocol JobSite {
    /// The caller's environment as `KEY=VALUE` strings, in order.
    var environment: [String] { get }
    var currentDirectory: String? { get }
    func fileKind(_ path: String) -> FileKind
    /// The text of a file, or an error naming the file and what went wrong.
    func readText(_ path: String) throws(UnitifyError) -> String
    /// The home directory of a user of this machine, for a line's `~USER`; nil when there is no
    /// such user.
    func homeDirectory(ofUser user: String) -> String?
    /// The unitify of that machine, which systemd runs before the program to hold a `--tty` job's
    /// terminal or to write its capped log files: a path that lasts, since it runs at every start.
    func unitifyExecutable() throws(UnitifyError) -> String
}

extension JobSite {
    /// A host that knows no other user: `~USER` in a line names no user.
    public func homeDirectory(ofUser user: String) -> String? { nil }

    /// A host with no unitify of its own.
    public func unitifyExecutable() throws(UnitifyError) -> String {
        throw UnitifyError.usage("--tty and log caps need unitify installed where the job runs")
    }

    public func value(_ name: String) -> String? {
        let prefix = name + "="
        return environment.last { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
    }
}
