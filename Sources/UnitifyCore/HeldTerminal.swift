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

extension HeldTerminal {
    /// A warning when the unitify at `path` may be gone at a later start of a persistent job
    /// (after a reboot): a temporary directory, or a build's output. nil for an installed one.
    public static func lastingWarning(_ path: String) -> String? {
        let temporary = ["/tmp/", "/var/tmp/", "/dev/shm/", "/run/"].first { path.hasPrefix($0) }
        let build = path.contains("/.build/") || path.contains("/.build-")
        guard temporary != nil || build else { return nil }
        let why = temporary.map { "it is under \($0.dropLast())" } ?? "it is a build's output"
        return "warning: \(path) holds the job's terminal at every start, and may be gone by the next one (\(why)): install unitify (the package puts it at /usr/bin/unitify) and run this again with it"
    }
}
