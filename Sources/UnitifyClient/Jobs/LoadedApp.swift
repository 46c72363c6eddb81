import UnitifyCore

/// A Procfile read and checked, before the host where its jobs run is asked.
public struct LoadedApp: Sendable {
    public var app: String
    public var procfile: Procfile
    public var absolutePath: String
    public var lines: [AppLine]
    public var dotEnv: [String]
    /// The first line's `PORT` (`App.basePort`): each line after gets 100 more.
    public var basePort = App.firstPort

    public init(app: String, procfile: Procfile, absolutePath: String, lines: [AppLine], dotEnv: [String]) {
        self.app = app
        self.procfile = procfile
        self.absolutePath = absolutePath
        self.lines = lines
        self.dotEnv = dotEnv
    }

    /// Every job of the file as `host` would run it, or the first problem as `FILE:LINE:`.
    public func jobs(host: some JobSite) throws(UnitifyError) -> [AppJob] {
        try App.jobs(lines, app: app, procfile: procfile, absolutePath: absolutePath, dotEnv: dotEnv, basePort: basePort, host: host)
    }
}
