/// How a `--tty` job's command line reads in its unit: `unitify hold-terminal NAME PROGRAM --
/// ARGV…`. That process opens the terminal, leaves a holder of it behind in the job, and
/// becomes the program: systemd's main process is the program itself, so its pid, exit status
/// and signals are the job's.
public enum HeldTerminal {
    public static let verb = "hold-terminal"

    /// The words after the holder's path.
    public static func command(name: String, executable: String, argv: [String]) -> [String] {
        ["unitify", verb, name, executable, "--"] + argv
    }

    /// The program's own command in a unit's command line; nil when it is no terminal job's.
    public static func program(in argv: [String]) -> (name: String, executable: String, argv: [String])? {
        guard argv.count >= 6, argv[1] == verb, argv[4] == "--" else { return nil }
        return (argv[2], argv[3], Array(argv[5...]))
    }
}

/// The program of a unit's command line, beneath unitify's helpers: what the user asked to run.
public struct UnitCommand: Sendable, Equatable {
    public var executable: String
    public var argv: [String]
    /// The unitify that runs first (the command line's own path), when there is one.
    public var helper: String?
    public var tty = false
    public var logCap: LogCap?
    public var health: HealthCheck?

    public init(path: String, argv: [String]) {
        (executable, self.argv) = (path, argv)
        if let checked = CheckedHealth.program(in: self.argv) {
            (helper, health, executable, self.argv) = (path, checked.health, checked.executable, checked.argv)
        }
        if let capped = CappedLog.program(in: self.argv) {
            (helper, logCap, executable, self.argv) = (helper ?? executable, capped.cap, capped.executable, capped.argv)
        }
        if let held = HeldTerminal.program(in: self.argv) {
            (helper, tty, executable, self.argv) = (helper ?? executable, true, held.executable, held.argv)
        }
    }
}

extension HeldTerminal {
    /// A warning when the unitify at `path`, which runs at every start of a job with a terminal
    /// or a capped log, may be gone at a later start of a persistent one (after a reboot): a
    /// temporary directory, or a build's output. nil for an installed one.
    public static func lastingWarning(_ path: String) -> String? {
        let temporary = ["/tmp/", "/var/tmp/", "/dev/shm/", "/run/"].first { path.hasPrefix($0) }
        let build = path.contains("/.build/") || path.contains("/.build-")
        guard temporary != nil || build else { return nil }
        let why = temporary.map { "it is under \($0.dropLast())" } ?? "it is a build's output"
        return "warning: \(path) runs at every start of the job (it holds the terminal, or writes the capped log), and may be gone by the next one (\(why)): install unitify (the package puts it at /usr/bin/unitify) and run this again with it"
    }
}
