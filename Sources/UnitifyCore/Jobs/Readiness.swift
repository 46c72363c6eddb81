/// `--ready`: what must be true before a job counts as started, so that the jobs that come
/// `--after` it wait for it.
///
/// It becomes the unit's `ExecStartPost=`, a loop that checks every 100 ms: systemd holds the
/// start job (and every unit ordered `After=` this one) until the loop ends, and fails the start
/// when `TimeoutStartSec=` runs out first. So the order holds at boot, with nobody watching, the
/// same as during `up`. The checks need nothing but `/bin/sh`, `grep` and `test`, which every
/// systemd host has.
public enum Readiness: Sendable, Equatable, CustomStringConvertible {
    /// Something listens on this TCP port (IPv4 or IPv6), as `/proc/net/tcp*` shows it.
    case tcp(UInt16)
    /// A unix socket exists at this path.
    case unixSocket(String)
    /// Anything exists at this path.
    case file(String)
    /// This shell command succeeds.
    case command(String)

    public static let usage = "give tcp:PORT, unix:PATH, file:PATH or 'cmd:COMMAND' (a bare number is a TCP port)"

    /// `tcp:8080` (or `8080`), `unix:/run/app.sock`, `file:ready.flag`, `cmd:curl -sf localhost:8080/health`.
    /// Relative paths are taken from `directory`, the job's own.
    public init(parsing text: String, directory: String) throws(UnitifyError) {
        func port(_ digits: Substring) throws(UnitifyError) -> UInt16 {
            guard let port = UInt16(digits), port > 0 else {
                throw UnitifyError.usage("--ready \(text): the port must be a number from 1 to 65535")
            }
            return port
        }
        func path(_ rest: Substring) throws(UnitifyError) -> String {
            guard !rest.isEmpty else { throw UnitifyError.usage("--ready \(text): the path is empty") }
            return ProgramResolver.absolute(String(rest), relativeTo: directory)
        }
        if text.first.map({ $0.isNumber }) == true {
            self = .tcp(try port(Substring(text)))
            return
        }
        guard let colon = text.firstIndex(of: ":") else { throw UnitifyError.usage("--ready \(text): \(Self.usage)") }
        let rest = text[text.index(after: colon)...]
        switch text[..<colon] {
        case "tcp": self = .tcp(try port(rest))
        case "unix": self = .unixSocket(try path(rest))
        case "file": self = .file(try path(rest))
        case "cmd":
            guard !String(rest).trimmingSpaces().isEmpty else { throw UnitifyError.usage("--ready \(text): the command is empty") }
            self = .command(String(rest))
        default: throw UnitifyError.usage("--ready \(text): \(Self.usage)")
        }
    }

    public var description: String {
        switch self {
        case .tcp(let port): "tcp:\(port)"
        case .unixSocket(let path): "unix:\(path)"
        case .file(let path): "file:\(path)"
        case .command(let command): "cmd:\(command)"
        }
    }

    /// The argv of the check loop: the checked value is passed as `$1`, never pasted into the
    /// script, so no quoting can go wrong.
    public var waitCommand: [String] {
        let (check, argument): (String, String) =
            switch self {
            // `  0: 00000000:1F90 00000000:0000 0A …`: the local port in hex, state 0A is LISTEN.
            case .tcp(let port): (#"grep -qs " [0-9A-F]*:$1 [0-9A-F]*:0000 0A " /proc/net/tcp /proc/net/tcp6"#, Self.hex(port))
            case .unixSocket(let path): (#"test -S "$1""#, path)
            case .file(let path): (#"test -e "$1""#, path)
            case .command(let command): (#"/bin/sh -c "$1" >/dev/null 2>&1"#, command)
            }
        return ["/bin/sh", "-c", "until \(check); do sleep 0.1; done", "unitify-ready", argument]
    }

    /// The check of a `waitCommand` read back from a unit; nil for any other command.
    public init?(waitCommand argv: [String]) {
        guard argv.count == 5, argv[3] == "unitify-ready" else { return nil }
        let argument = argv[4]
        for candidate in [Readiness.tcp(UInt16(argument, radix: 16) ?? 0), .unixSocket(argument), .file(argument), .command(argument)]
        where candidate.waitCommand == argv {
            self = candidate
            return
        }
        return nil
    }

    /// Four upper-case hex digits, as the kernel writes ports in `/proc/net/tcp`.
    static func hex(_ port: UInt16) -> String {
        let digits = Array("0123456789ABCDEF")
        return String((0..<4).reversed().map { digits[Int(port >> (UInt16($0) * 4) & 0xF)] })
    }
}
