/// How a process ended, from systemd's `ExecMainCode` (a `CLD_*` code) and `ExecMainStatus`.
public struct ProcessExit: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case exited, killed, dumped
    }

    public var kind: Kind
    /// The exit code, or the signal number for `killed`/`dumped`.
    public var status: Int32

    public init(kind: Kind, status: Int32) {
        self.kind = kind
        self.status = status
    }

    /// From `ExecMainCode`/`ExecMainStatus`; nil when the process has not ended (code 0).
    public init?(code: Int32, status: Int32) {
        switch code {
        case 1: self.init(kind: .exited, status: status)  // CLD_EXITED
        case 2: self.init(kind: .killed, status: status)  // CLD_KILLED
        case 3: self.init(kind: .dumped, status: status)  // CLD_DUMPED
        default: return nil
        }
    }

    public var isSuccess: Bool { kind == .exited && status == 0 }

    /// The shell's convention for `--wait`: the exit code, or 128 + the signal number.
    public var shellStatus: Int32 { kind == .exited ? status : 128 + status }

    /// Short, for tables: `0`, `3`, `SIGKILL`, `203/EXEC`, `SIGSEGV (core)`.
    public var short: String {
        switch kind {
        case .exited: Self.systemdExitCodes[status].map { "\(status)/\($0.0)" } ?? "\(status)"
        case .killed: Self.signalName(status)
        case .dumped: Self.signalName(status) + " (core)"
        }
    }

    /// In words, for a person: `exited with status 3`, `was killed by SIGKILL`,
    /// `exited with 203/EXEC: the program could not be executed`.
    public var words: String {
        switch kind {
        case .exited:
            if let (name, meaning) = Self.systemdExitCodes[status] { return "exited with \(status)/\(name): \(meaning)" }
            return "exited with status \(status)"
        case .killed: return "was killed by \(Self.signalName(status))"
        case .dumped: return "was killed by \(Self.signalName(status)) and dumped core"
        }
    }

    static let signals = [
        1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT", 7: "SIGBUS",
        8: "SIGFPE", 9: "SIGKILL", 10: "SIGUSR1", 11: "SIGSEGV", 12: "SIGUSR2", 13: "SIGPIPE",
        14: "SIGALRM", 15: "SIGTERM", 16: "SIGSTKFLT", 17: "SIGCHLD", 18: "SIGCONT", 19: "SIGSTOP",
        20: "SIGTSTP", 21: "SIGTTIN", 22: "SIGTTOU", 23: "SIGURG", 24: "SIGXCPU", 25: "SIGXFSZ",
        26: "SIGVTALRM", 27: "SIGPROF", 28: "SIGWINCH", 29: "SIGIO", 30: "SIGPWR", 31: "SIGSYS",
    ] as [Int32: String]

    public static func signalName(_ number: Int32) -> String {
        signals[number] ?? "signal \(number)"
    }

    /// The exit codes systemd itself uses when it fails to set up a process (systemd.exec(5),
    /// "PROCESS EXIT CODES").
    static let systemdExitCodes: [Int32: (String, String)] = [
        200: ("CHDIR", "the working directory could not be entered: does it exist?"),
        201: ("NICE", "the nice level could not be set"),
        202: ("FDS", "file descriptors could not be closed or passed"),
        203: ("EXEC", "the program could not be executed: check that it exists, is executable and has a valid #! line"),
        204: ("MEMORY", "out of memory while setting up the process"),
        205: ("LIMITS", "resource limits could not be set"),
        206: ("OOM_ADJUST", "the OOM score could not be adjusted"),
        207: ("SIGNAL_MASK", "the signal mask could not be set"),
        208: ("STDIN", "standard input could not be set up: does the input file exist?"),
        209: ("STDOUT", "standard output could not be set up: is the log file's directory writable?"),
        210: ("CHROOT", "the root directory could not be changed"),
        211: ("IOPRIO", "the I/O priority could not be set"),
        212: ("TIMERSLACK", "the timer slack could not be set"),
        213: ("SECUREBITS", "the secure bits could not be set"),
        214: ("SETSCHEDULER", "the scheduling policy could not be set"),
        215: ("CPUAFFINITY", "the CPU affinity could not be set"),
        216: ("GROUP", "the group could not be set"),
        217: ("USER", "the user could not be set"),
        218: ("CAPABILITIES", "capabilities could not be set"),
        219: ("CGROUP", "the control group could not be set up"),
        220: ("SETSID", "a new session could not be created"),
        222: ("STDERR", "standard error could not be set up: is the log file's directory writable?"),
        224: ("PAM", "PAM session setup failed"),
        226: ("NAMESPACE", "the file system namespace could not be set up"),
        227: ("NO_NEW_PRIVILEGES", "no_new_privileges could not be set"),
        228: ("SECCOMP", "the seccomp filter could not be installed"),
        233: ("RUNTIME_DIRECTORY", "the runtime directory could not be created"),
        238: ("STATE_DIRECTORY", "the state directory could not be created"),
        243: ("CREDENTIALS", "credentials could not be set up"),
    ]
}
