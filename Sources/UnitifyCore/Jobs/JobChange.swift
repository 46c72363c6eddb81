/// `restart NAME [run's options]`: the job's own spec with the options given replacing what they
/// set, the command kept. An option restart cannot change (the command, the name, a schedule) is
/// refused in one line before anything is stopped.
public enum JobChange {
    /// The options of `request` that were given, laid over `spec`. Values are checked exactly as
    /// `run` checks them (the same `makeSpec`), relative to the caller's directory.
    ///
    /// - `-e`/`--env-file` add to the job's environment, replacing a variable of the same name.
    /// - `--restart` sets the policy and, unless given too, systemd's delay and start limit as
    ///   `run` would; `--restart-sec`, `--max-restarts`/`--within` alone change only themselves
    ///   (but `--restart-sec MIN..MAX` without `--max-restarts` lifts the start limit, as in `run`).
    /// - `--log-file`, `--stdout`, `--stderr`, `-C`, `--memory-max`, `--cpu-quota`, `--nice`,
    ///   `--on-exit`, `--on-failure` replace; `--tty` gives the job a terminal;
    ///   `--health` replaces the check, `--health-every`/`--health-failures` alone change the job's.
    public static func apply(_ request: JobRequest, to spec: UnitSpec, host: some JobSite) throws -> UnitSpec {
        let refused: [(Bool, String)] = [
            (!request.command.isEmpty, "a command"), (request.line != nil, "--line"), (request.shell != nil, "--shell"),
            (request.name != nil, "--name"), (request.onCalendar != nil, "--on-calendar"), (request.onActive != nil, "--on-active"),
            (request.keepEnvironment, "--keep-env"), (!request.carryPath, "--no-path"), (!request.unbuffered, "--buffered"),
        ]
        if let (_, what) = refused.first(where: \.0) {
            throw UnitifyError.usage("\(what) does not apply to restart, which keeps the job's command and name: use 'unitify run --replace --name \(UnitName.shortName(spec.name)) ...' for a new one")
        }
        var probe = request
        // The job's own program, by its absolute path: nothing to resolve against the caller's PATH.
        probe.command = [spec.executable] + spec.argv.dropFirst()
        probe.directory = request.directory ?? spec.workingDirectory
        probe.carryPath = false
        probe.unbuffered = false
        probe.name = spec.name
        // A backing-off --restart-sec needs a policy: the one given, else the job's own.
        probe.restart = request.restart ?? spec.restart
        // A new cap on the job's own files.
        if request.logMax != nil || request.logKeep != nil, request.logFile == nil, request.stdout == nil, request.stderr == nil {
            (probe.stdout, probe.stderr) = (spec.standardOutput.path, spec.standardError.path)
        }
        // A new pace or limit for the job's own check.
        if request.health == nil, request.healthEvery != nil || request.healthFailures != nil {
            guard let health = spec.health else {
                throw UnitifyError.usage("\(UnitName.shortName(spec.name)) has no health check: add --health CHECK")
            }
            probe.health = health.probe.description
            probe.healthEvery = request.healthEvery ?? health.every.description
            probe.healthFailures = request.healthFailures ?? "\(health.failures)"
        }
        let (given, _) = try probe.makeSpec(host: host)

        var changed = spec
        if request.directory != nil { changed.workingDirectory = given.workingDirectory }
        if !request.env.isEmpty || !request.envFiles.isEmpty {
            changed.environment = JobRequest.lastAssignmentWins(spec.environment + given.environment)
        }
        if request.restart != nil {
            changed.restart = given.restart
            changed.restartDelay = given.restartDelay
            changed.restartBackoff = given.restartBackoff
            if request.maxRestarts == nil { changed.startLimit = given.startLimit }
        }
        if request.restartDelay != nil {
            changed.restartDelay = given.restartDelay
            changed.restartBackoff = given.restartBackoff
            // Restarts that back off are never given up, unless --max-restarts says so.
            if given.restartBackoff != nil, request.maxRestarts == nil { changed.startLimit = given.startLimit }
        }
        if request.maxRestarts != nil { changed.startLimit = given.startLimit }
        if request.memoryMax != nil { changed.memoryMax = given.memoryMax }
        if request.cpuQuota != nil { changed.cpuQuota = given.cpuQuota }
        if request.nice != nil { changed.nice = given.nice }
        if request.logFile != nil || request.stdout != nil { changed.standardOutput = given.standardOutput }
        if request.logFile != nil || request.stderr != nil { changed.standardError = given.standardError }
        if request.onExit != nil { changed.hooks.onExit = given.hooks.onExit }
        if request.onFailure != nil { changed.hooks.onFailure = given.hooks.onFailure }
        if request.tty { changed.tty = true }
        if request.logMax != nil || request.logKeep != nil || request.logFile != nil || request.stdout != nil || request.stderr != nil {
            changed.logCap = given.logCap
        }
        if probe.health != nil { changed.health = given.health }
        if changed.tty || changed.logCap != nil || changed.health != nil { changed.helper = given.helper ?? spec.helper } else { changed.helper = nil }
        return changed
    }

    /// Whether `request` asks for any change at all: without one, restart only replaces the process.
    public static func isEmpty(_ request: JobRequest) -> Bool {
        request == JobRequest()
    }
}
