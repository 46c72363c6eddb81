/// The options of `run` as the user gave them, before anything is checked: turned into a
/// `UnitSpec` by `makeSpec`, which is where every option is validated.
public struct JobRequest: Sendable, Equatable {
    public var command: [String] = []
    /// A nohup-style shell line (`--line`), translated without a shell.
    public var line: String?
    /// A line for `/bin/sh -c` (`--shell`).
    public var shell: String?
    public var name: String?
    public var restart: RestartPolicy?
    public var restartDelay: String?
    public var maxRestarts: String?
    public var within: String?
    public var env: [String] = []
    public var envFiles: [String] = []
    /// Assignments every option overrides: an app's `.env`, beneath the line's own `--env-file` and `-e`.
    public var baseEnvironment: [String] = []
    public var keepEnvironment = false
    public var carryPath = true
    public var unbuffered = true
    public var directory: String?
    public var memoryMax: String?
    public var cpuQuota: String?
    public var nice: String?
    public var logFile: String?
    public var stdout: String?
    public var stderr: String?
    public var onCalendar: String?
    public var onActive: String?
    /// Shell commands for when the job ends (`--on-exit`) or fails (`--on-failure`).
    public var onExit: String?
    public var onFailure: String?
    /// Run the program on a terminal unitify holds (`--tty`), for `attach` and `send`.
    public var tty = false
    /// `--log-max`, `--log-keep`: the cap on each output file, and how many older parts are kept.
    public var logMax: String?
    public var logKeep: String?
    /// `--health`, `--health-every`, `--health-failures`: a check that restarts the job when it
    /// keeps failing (`HealthCheck`).
    public var health: String?
    public var healthEvery: String?
    public var healthFailures: String?

    public init() {}

    /// Variables of the caller's environment that describe the caller's shell, not the job's world.
    static let shellOnly: Set<String> = ["PWD", "OLDPWD", "SHLVL", "_"]

    /// Notes for the user that are not errors (a dropped `nohup`, a limit with no effect...).
    public typealias Notes = [String]

    /// Validates every option and builds the unit; the first problem is thrown as one line.
    public func makeSpec(host: some JobSite) throws(UnitifyError) -> (UnitSpec, Notes) {
        var notes: Notes = []
        let sources = [!command.isEmpty, line != nil, shell != nil].filter { $0 }.count
        guard sources == 1 else {
            throw UnitifyError.usage(sources == 0
                ? "no command given: put it after --, e.g. unitify run -- ./server --port 8080, or use --line 'nohup …'"
                : "give the command one way only: after --, with --line, or with --shell")
        }
        guard let callerDirectory = host.currentDirectory else {
            throw UnitifyError.usage("the current directory no longer exists: cd somewhere that does, or give -C DIR")
        }

        var argv = command
        var lineEnvironment: [String] = []
        var lineDirectory: String?
        var output: OutputTarget = .journal
        var error: OutputTarget = .journal
        var input: String?
        var pidFile: ShellLine.Redirection?
        var description: String?
        if let line {
            let parsed = try ShellLine.parse(line, in: host)
            argv = parsed.argv
            pidFile = parsed.pidFile
            notes += parsed.dropped.compactMap(Self.note)
            lineEnvironment = parsed.environment
            lineDirectory = parsed.workingDirectory
            output = parsed.standardOutput.map(Self.target) ?? .journal
            error = parsed.standardError.map(Self.target) ?? .journal
            input = parsed.standardInput
            description = line
        } else if let shell {
            guard !shell.trimmingSpaces().isEmpty else { throw UnitifyError.usage("--shell needs a command line, e.g. --shell 'make 2>&1 | tee build.log'") }
            argv = ["/bin/sh", "-c", shell]
            description = shell
        } else if argv.first == "nohup" {
            argv.removeFirst()
            notes.append("dropped 'nohup': systemd already keeps the job running after you log out")
            guard !argv.isEmpty else { throw UnitifyError.usage("no command after nohup: put the program to run after --") }
        }

        var directory = callerDirectory
        for given in [lineDirectory, self.directory].compactMap({ $0 }) {
            directory = ProgramResolver.absolute(given, relativeTo: directory)
        }
        switch host.fileKind(directory) {
        case .directory: break
        case .missing: throw UnitifyError.usage("working directory \(directory) does not exist: create it or give another with -C")
        default: throw UnitifyError.usage("\(directory) is not a directory: give a directory with -C")
        }

        let callerPath = host.value("PATH") ?? "/usr/local/bin:/usr/bin:/bin"
        let executable = try ProgramResolver.resolve(argv[0], searchPath: callerPath, workingDirectory: directory, probe: host.fileKind)

        var environment: [String] = []
        if keepEnvironment {
            environment += host.environment.filter { !Self.shellOnly.contains(Self.key($0)) && (carryPath || Self.key($0) != "PATH") }
        }
        if carryPath { environment.append("PATH=\(callerPath)") }
        if unbuffered { environment.append("PYTHONUNBUFFERED=1") }
        environment += baseEnvironment
        for file in envFiles {
            let path = ProgramResolver.absolute(file, relativeTo: callerDirectory)
            environment += try EnvironmentFile.parse(try host.readText(path), path: path)
        }
        environment += lineEnvironment
        for assignment in env {
            environment.append(try Self.assignment(assignment, host: host))
        }

        environment = Self.lastAssignmentWins(environment)
        // systemd drops, with a log line nobody reads, an assignment whose value holds a control
        // character other than tab and newline (env_value_is_valid).
        if let bad = environment.first(where: { $0.unicodeScalars.contains { $0.value < 0x20 && $0 != "\t" && $0 != "\n" || $0.value == 0x7F } }) {
            throw UnitifyError.usage("the value of \(Self.key(bad)) contains a control character, which systemd does not accept in the environment")
        }

        let policy = restart ?? .no
        var delay: TimeSpan?, backoff: RestartBackoff?
        if let restartDelay {
            let delays = try Self.restartDelays(restartDelay)
            (delay, backoff) = (delays.0, delays.1)
            if backoff != nil, policy == .no {
                throw UnitifyError.usage("--restart-sec \(restartDelay) is how restarts back off, and this job is never restarted: add --restart on-failure (or always)")
            }
        }
        var unit = UnitSpec(
            name: try UnitName.normalize(name ?? UnitName.derive(from: shell.map(Self.roughWords) ?? argv)),
            argv: argv, executable: executable, workingDirectory: directory, environment: environment,
            restart: policy,
            // systemd's own 100 ms with its 5-starts-in-10 s limit ends a crash loop in half a second.
            restartDelay: delay ?? (policy == .no ? nil : .seconds(1)),
            description: description)
        unit.restartBackoff = backoff
        unit.startLimit = try startLimit(policy: policy, backsOff: backoff != nil)
        unit.memoryMax = try memoryMax.map { text throws(UnitifyError) in try MemoryLimit(parsing: text) }
        unit.cpuQuota = try cpuQuota.map { text throws(UnitifyError) in try CPUQuota(parsing: text) }
        unit.nice = try nice.map { text throws(UnitifyError) in try parseNice(text) }

        if let logFile {
            guard stdout == nil, stderr == nil else { throw UnitifyError.usage("--log-file sets both streams: use it alone, or --stdout and --stderr") }
            output = .append(ProgramResolver.absolute(logFile, relativeTo: directory))
            error = output
        }
        if let stdout { output = .append(ProgramResolver.absolute(stdout, relativeTo: directory)) }
        if let stderr { error = .append(ProgramResolver.absolute(stderr, relativeTo: directory)) }
        output = Self.absolute(output, relativeTo: directory)
        error = Self.absolute(error, relativeTo: directory)
        for path in [output, error].compactMap(\.path) { try Self.checkWritable(path, host: host) }
        unit.standardOutput = output
        unit.standardError = error
        if let pidFile {
            guard onCalendar == nil && onActive == nil else {
                throw UnitifyError.usage("'echo $! > FILE' keeps the pid of a job that starts now, and a timer starts it later: leave it out, and see the pid with 'unitify status NAME'")
            }
            // Where the shell's `echo` would have run: the caller's directory, not the job's.
            let target = Self.absolute(Self.target(pidFile), relativeTo: callerDirectory)
            try Self.checkWritable(target.path!, host: host)
            unit.pidFile = target
        }
        unit.standardInput = input.map { ProgramResolver.absolute($0, relativeTo: directory) }
        if tty {
            guard input == nil else {
                throw UnitifyError.usage("--tty gives the job a terminal to read from: leave out the line's '< \(input!)', or --tty")
            }
            unit.tty = true
        }
        unit.logCap = try logCap(outputs: [output, error], ownFiles: logFile != nil || stdout != nil || stderr != nil)
        if let health {
            unit.health = try HealthCheck(check: health, every: healthEvery, failures: healthFailures, directory: directory)
        } else if healthEvery != nil || healthFailures != nil {
            throw UnitifyError.usage("\(healthEvery != nil ? "--health-every" : "--health-failures") goes with a check: add --health CHECK (tcp:PORT, unix:PATH, file:PATH, 'cmd:COMMAND' or http:URL)")
        }
        if unit.tty || unit.logCap != nil || unit.health != nil {
            do {
                unit.helper = try host.unitifyExecutable()
            } catch where unit.health != nil {
                throw UnitifyError.usage("--health needs unitify installed where the job runs: its checker runs in the job")
            } catch where !tty && logMax == nil && logKeep == nil {
                // The standard cap, where no unitify can write it: the file grows as nohup's would.
                unit.logCap = nil
                notes.append("the log file is not capped: that needs unitify installed where the job runs")
            }
        }
        if let path = unit.standardInput, host.fileKind(path) == .missing {
            throw UnitifyError.usage("input file \(path) does not exist")
        }

        if onCalendar != nil || onActive != nil {
            if let spec = onCalendar, spec.trimmingSpaces().isEmpty {
                throw UnitifyError.usage("--on-calendar needs a calendar spec, e.g. 'daily' or '*-*-* 03:00:00' (see systemd.time(7))")
            }
            unit.timer = TimerSpec(
                onCalendar: onCalendar, onActive: try onActive.map { text throws(UnitifyError) in try TimeSpan(parsing: text) })
        }
        for (flag, command) in [("--on-exit", onExit), ("--on-failure", onFailure)] where command?.trimmingSpaces().isEmpty == true {
            throw UnitifyError.usage("\(flag) needs a shell command, e.g. \(flag) 'echo \"$MONITOR_UNIT ended: $MONITOR_SERVICE_RESULT\" >> ~/jobs.log'")
        }
        unit.hooks = ExitHooks(onExit: onExit, onFailure: onFailure)
        return (unit, notes)
    }

    /// The cap on the job's output files: `--log-max`/`--log-keep` as given, else `LogCap.standard`
    /// for the files of `--log-file`, `--stdout` and `--stderr` (`ownFiles`); a line's own `>`
    /// files are capped only when asked. nil: nothing capped.
    func logCap(outputs: [OutputTarget], ownFiles: Bool) throws(UnitifyError) -> LogCap? {
        let toFiles = outputs.contains { $0.path != nil }
        guard toFiles else {
            if logMax != nil || logKeep != nil {
                throw UnitifyError.usage("--log-max and --log-keep cap the files of --log-file, --stdout and --stderr: give one of them (the journal has limits of its own, which 'unitify doctor' shows)")
            }
            return nil
        }
        if let logMax, LogCap.isOff(logMax) {
            guard logKeep == nil else { throw UnitifyError.usage("--log-keep keeps the older parts of a capped file: leave it out with --log-max \(logMax)") }
            return nil
        }
        guard logMax != nil || logKeep != nil || ownFiles else { return nil }
        var cap = LogCap.standard
        if let logMax { cap.maxBytes = try LogCap.parseSize(logMax) }
        if let logKeep { cap.keep = try LogCap.parseKeep(logKeep) }
        return cap
    }

    /// A file the job's output or its pid goes to: its directory exists, and it is no directory.
    static func checkWritable(_ path: String, host: some JobSite) throws(UnitifyError) {
        let parent = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        guard host.fileKind(parent.isEmpty ? "/" : parent) == .directory else {
            throw UnitifyError.usage("cannot write \(path): directory \(parent) does not exist")
        }
        guard host.fileKind(path) != .directory else { throw UnitifyError.usage("cannot write \(path): it is a directory") }
    }

    /// What a line's dropped `setsid` or `disown` did, said once; `nohup` is what `--line` is for.
    static func note(_ detachment: ShellLine.Detachment) -> String? {
        switch detachment {
        case .nohup: nil
        case .setsid: "dropped 'setsid': systemd already starts the job in a session of its own, where setsid would fork and the unit take the job for exited"
        case .disown: "dropped 'disown': the job is a unit, detached from your terminal already"
        }
    }

    func startLimit(policy: RestartPolicy, backsOff: Bool = false) throws(UnitifyError) -> StartLimit? {
        guard let maxRestarts else {
            if within != nil { throw UnitifyError.usage("--within goes with --max-restarts: e.g. --max-restarts 5 --within 1min") }
            // Without a limit `always` means always, as with pm2; and restarts that back off are
            // never given up: the delay, not a count, is what keeps a crash loop cheap.
            return policy == .always || backsOff ? .unlimited : nil
        }
        guard let burst = UInt32(maxRestarts), burst > 0 else {
            throw UnitifyError.usage("invalid --max-restarts '\(maxRestarts)': give a whole number of restarts, 1 or more")
        }
        let interval = try within.map { text throws(UnitifyError) in try TimeSpan(parsing: text) } ?? .seconds(10)
        guard interval.microseconds > 0 else { throw UnitifyError.usage("--within must be longer than 0") }
        return .limit(burst: burst, interval: interval)
    }

    /// `--restart-sec DURATION`, a fixed delay, or `MIN..MAX`: restarts that back off from MIN to
    /// MAX (`RestartBackoff`).
    static func restartDelays(_ text: String) throws(UnitifyError) -> (TimeSpan, RestartBackoff?) {
        let parts = text.split(separator: "..", omittingEmptySubsequences: false).map { String($0).trimmingSpaces() }
        guard parts.count > 1 else { return (try TimeSpan(parsing: text), nil) }
        func invalid(_ why: String) -> UnitifyError { UnitifyError.usage("invalid --restart-sec '\(text)': \(why)") }
        guard parts.count == 2 else { throw invalid("give one duration, or two as MIN..MAX, e.g. --restart-sec 1s..5min") }
        guard !parts[0].isEmpty, !parts[1].isEmpty else {
            throw invalid("MIN..MAX needs both durations, e.g. --restart-sec 1s..5min (or one duration for a fixed delay)")
        }
        var spans: [TimeSpan] = []
        for part in parts {
            guard let span = try? TimeSpan(parsing: part) else {
                throw invalid("'\(part)' is not a duration: write MIN..MAX with units, e.g. --restart-sec 500ms..30s")
            }
            spans.append(span)
        }
        let (min, max) = (spans[0], spans[1])
        guard max != .infinity else { throw invalid("MAX must be a finite duration, e.g. --restart-sec \(parts[0])..1h") }
        guard min.microseconds > 0 else {
            throw invalid("MIN must be longer than 0, or systemd never lengthens the delay: e.g. --restart-sec 100ms..\(parts[1])")
        }
        guard min < max else {
            throw invalid(min == max
                ? "MIN must be shorter than MAX; for a fixed delay give one duration: --restart-sec \(parts[0])"
                : "MIN \(parts[0]) is longer than MAX \(parts[1]): put the shorter first, --restart-sec \(parts[1])..\(parts[0])")
        }
        return (min, RestartBackoff(from: min, to: max))
    }

    /// `-e KEY=VALUE`, or `-e KEY` to copy the caller's value.
    static func assignment(_ text: String, host: some JobSite) throws(UnitifyError) -> String {
        let key = Self.key(text)
        guard EnvironmentFile.validateName(key) else {
            throw UnitifyError.usage("invalid -e '\(text)': the name must be letters, digits and _, not starting with a digit (KEY=VALUE)")
        }
        if text.contains("=") { return text }
        guard let value = host.value(key) else {
            throw UnitifyError.usage("-e \(key): \(key) is not set in your environment; give a value with -e \(key)=VALUE")
        }
        return "\(key)=\(value)"
    }

    /// One assignment per variable, the last one given: systemd refuses an environment that
    /// sets a variable twice.
    static func lastAssignmentWins(_ assignments: [String]) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for assignment in assignments.reversed() where seen.insert(key(assignment)).inserted {
            result.append(assignment)
        }
        return result.reversed()
    }

    static func key(_ assignment: String) -> String {
        String(assignment.prefix { $0 != "=" })
    }

    static func absolute(_ target: OutputTarget, relativeTo directory: String) -> OutputTarget {
        switch target {
        case .journal: .journal
        case .truncate(let path): .truncate(ProgramResolver.absolute(path, relativeTo: directory))
        case .append(let path): .append(ProgramResolver.absolute(path, relativeTo: directory))
        }
    }

    static func target(_ target: ShellLine.Redirection) -> OutputTarget {
        switch target {
        case .truncate(let path): .truncate(path)
        case .append(let path): .append(path)
        }
    }

    /// Words of a shell line good enough to name the job after its first command.
    static func roughWords(_ line: String) -> [String] {
        var words = line.split(whereSeparator: { " \t|;&<>()'\"".contains($0) }).map(String.init)[...]
        while let first = words.first, first == "nohup" || first == "cd" || first.contains("=") {
            words = words.dropFirst(first == "cd" ? 2 : 1)
        }
        return Array(words)
    }
}
