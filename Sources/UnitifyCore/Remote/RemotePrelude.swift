/// The POSIX sh that unitify runs on a remote host through ssh, with nothing of unitify's needed
/// there: it finds the user's manager and connects its own stdin and stdout to it with
/// `systemd-stdio-bridge`, after one line that tells unitify what it found (unless it hands the
/// command to the host's own unitify first: `delegation`).
///
/// - `XDG_RUNTIME_DIR` is unset after sudo or with sshd's `UsePAM=no`: `/run/user/UID` then.
/// - The user bus when the broker runs (dbus-user-session), else the manager's private socket,
///   which takes a direct (peer) connection, no `Hello`.
/// - Never `systemd-stdio-bridge --user`: in systemd 252 it connects to the system bus whatever
///   its manual says; `--bus-path` names the socket.
/// - Linger: without it the remote job dies when unitify's ssh session ends.
/// - What unitify keeps beside the manager, listed in the same line: the records of transient
///   jobs and the unit files unitify wrote, so that listing jobs costs no second ssh channel
///   (about 100 ms each through a warm master, measured).
public enum RemotePrelude {
    /// The first word of the line, and the version of its format.
    public static let marker = "unitify-remote 1"

    /// `UnitFile.markerSection` as an extended regular expression.
    static let markerPattern = UnitFile.markerSection.replacing("[", with: "\\[").replacing("]", with: "\\]")

    /// The line the prelude prints, alone, before it execs the host's own unitify
    /// (`delegation`): what follows is that unitify's output, not a bus.
    public static let delegatedLine = marker + " delegated"

    /// What the prelude asks a host's unitify before it hands it a command. Not `--version`: a
    /// unitify of the same version from before hosts could hand it commands would say the same,
    /// and then run `--host H` itself. One that does not know the question answers nothing on
    /// standard output.
    public static let delegationQuery = "--delegation-protocol"

    /// The answer of a unitify of `version` that serves another host's commands (`ServedClient`).
    public static func delegationAnswer(version: String) -> String {
        "unitify \(version) delegation 1"
    }

    /// The sh that hands the whole command to the host's own unitify, when one is on the login's
    /// PATH (an absolute path: `command -v` may answer a relative one for a relative PATH entry)
    /// and answers `delegationQuery` exactly as this one of `version` does, so that it takes the
    /// same options and prints the same lines: it prints `delegatedLine` and execs `unitify
    /// ARGUMENTS`, with `environment` (`NAME=VALUE` words, each quoted) before it. Else it does
    /// nothing and the prelude goes on.
    /// One channel and one exec then, as `ssh HOST systemctl …` costs, instead of the bus's
    /// handshake and calls through the bridge (BENCHMARKS.md, 2026-12-07).
    public static func delegation(version: String, arguments: [String], environment: [String]) -> String {
        let assignments = environment.map { word in
            let equals = word.firstIndex(of: "=") ?? word.endIndex
            return String(word[..<equals]) + "=" + ShellWords.quote(String(word[equals...].dropFirst()))
        }
        let run = (assignments + ["exec \"$u\""] + arguments.map(ShellWords.quote)).joined(separator: " ")
        return #"u=$(command -v unitify 2>/dev/null) && case $u in /*) [ "$("$u" \#(delegationQuery) 2>/dev/null)" = "# + ShellWords.quote(delegationAnswer(version: version))
            + #" ];; *) false;; esac && { echo "\#(delegatedLine)"; \#(run); }"#
    }

    /// The script, for `ssh HOST -- sh -c SCRIPT`; `facts`: a script whose lines go before the
    /// answer's (`HostFacts`), run once the manager and the bridge are found; `delegation`: the
    /// sh that runs the command by the host's own unitify instead, when it can (`delegation(…)`).
    /// `throughBroker`: the user bus first (what every command uses: `AddRef` needs the broker,
    /// and `Hello` costs no round trip of its own, going out with the first pipelined calls);
    /// else the manager's private socket first. Measured (BENCHMARKS.md, 2026-12-07), the private
    /// socket saved no round trip over ssh and cost the manager far more with many clients.
    public static func script(bridge: String = "systemd-stdio-bridge", facts: String? = nil, throughBroker: Bool = true, delegation: String? = nil) -> String {
        let first = throughBroker ? #"[ -S "$rt/bus" ]; then bus=$rt/bus client=yes"# : #"[ -S "$rt/systemd/private" ]; then bus=$rt/systemd/private client=no"#
        let second = throughBroker ? #"[ -S "$rt/systemd/private" ]; then bus=$rt/systemd/private client=no"# : #"[ -S "$rt/bus" ]; then bus=$rt/bus client=yes"#
        return (delegation.map { $0 + "\n" } ?? "") + """
        uid=$(id -u) user=$(id -un) rt=${XDG_RUNTIME_DIR:-/run/user/$(id -u)}
        [ -O "$rt" ] || rt=/run/user/$uid
        linger=no; [ -e "/var/lib/systemd/linger/$user" ] && linger=yes
        if \(first)
        elif \(second)
        else echo "\(marker) error=no-manager uid=$uid user=$user linger=$linger rt=$rt"; exit 3; fi
        command -v \(bridge) >/dev/null 2>&1 || { echo "\(marker) error=no-bridge uid=$uid user=$user linger=$linger rt=$rt"; exit 127; }
        jobs=$(cd "$rt/unitify/jobs" 2>/dev/null && for f in *.service; do [ -f "$f" ] && printf '%s,' "$f"; done)
        files=$(cd "${XDG_CONFIG_HOME:-$HOME/.config}/systemd/user" 2>/dev/null && grep -lE '^[[:space:]]*\(markerPattern)[[:space:]]*$' -- *.service 2>/dev/null | tr '\\n' ,)
        timers=$(cd "${XDG_CONFIG_HOME:-$HOME/.config}/systemd/user" 2>/dev/null && grep -lE '^[[:space:]]*\(markerPattern)[[:space:]]*$' -- *.timer 2>/dev/null | tr '\\n' ,)
        runtime=$(cd "$rt/systemd/user" 2>/dev/null && for f in *; do case $f in *[!A-Za-z0-9:_.@\\-]*) ;; *) [ -e "$f" ] || [ -L "$f" ] && printf '%s,' "$f";; esac; done)
        \(facts ?? ":")
        echo "\(marker) uid=$uid user=$user linger=$linger client=$client jobs=$jobs files=$files timers=$timers runtime=$runtime bus=$bus"
        exec \(bridge) --bus-path="unix:path=$bus"
        """
    }

    /// What the remote end found: the line before the bus traffic starts.
    public struct Answer: Sendable, Equatable {
        public enum Problem: String, Sendable {
            /// No socket of a manager in the runtime directory: no manager runs for the user.
            case noManager = "no-manager"
            /// `systemd-stdio-bridge` is not on the remote PATH.
            case noBridge = "no-bridge"
        }

        public var uid: UInt32
        public var user: String
        public var lingers: Bool
        /// The socket the bridge connects to.
        public var bus: String?
        /// Whether that socket is a broker's (a bus client says `Hello`) or the manager's own.
        public var throughBroker: Bool
        public var problem: Problem?
        public var runtimeDirectory: String?
        /// The units with a job record (`$rt/unitify/jobs`); nil when the line did not say.
        public var jobRecords: [String]? = nil
        /// The units of the files unitify wrote in `${XDG_CONFIG_HOME:-~/.config}/systemd/user`.
        public var generatedUnitFiles: [String]? = nil
        /// The timers of the files unitify wrote there, beside `generatedUnitFiles`' services.
        public var generatedTimers: [String]? = nil
        /// The names in the manager's runtime unit directory (`$rt/systemd/user`: exit hooks).
        public var runtimeUnitFiles: [String]? = nil

        /// The user's runtime directory, where the manager's socket is: `rt=` when the prelude
        /// found no manager, else the parent of the socket (`DIR/bus`, `DIR/systemd/private`).
        public var managerRuntimeDirectory: String? {
            if let runtimeDirectory { return runtimeDirectory }
            guard let bus else { return nil }
            for suffix in ["/systemd/private", "/bus"] where bus.hasSuffix(suffix) { return String(bus.dropLast(suffix.count)) }
            return nil
        }
    }

    /// The bytes of the names `runtime=` lists (`[A-Za-z0-9:_.@-]`); a name with any other is
    /// left out of it.
    public static func isListedNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: ":"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "@"), UInt8(ascii: "-"): true
        default: false
        }
    }

    /// Reads the prelude's line; nil when it is not one (another program's output, a MOTD).
    public static func parse(_ line: String) -> Answer? {
        guard line.hasPrefix(marker + " ") else { return nil }
        // KEY=value words; the path that ends the line (bus= or rt=) may hold spaces.
        var fields: [String: String] = [:]
        var rest = line.dropFirst(marker.count + 1)
        while !rest.isEmpty {
            guard let equals = rest.firstIndex(of: "=") else { return nil }
            let key = String(rest[..<equals])
            let valueStart = rest.index(after: equals)
            let end = key == "bus" || key == "rt" ? rest.endIndex : (rest[valueStart...].firstIndex(of: " ") ?? rest.endIndex)
            fields[key] = String(rest[valueStart..<end])
            rest = end == rest.endIndex ? "" : rest[rest.index(after: end)...]
        }
        guard let uidText = fields["uid"], let uid = UInt32(uidText), let user = fields["user"] else { return nil }
        var problem: Answer.Problem?
        if let error = fields["error"] {
            guard let known = Answer.Problem(rawValue: error) else { return nil }
            problem = known
        } else if fields["bus"] == nil {
            return nil
        }
        // Unit names hold no comma or space (systemd's unit_name_is_valid).
        func names(_ key: String) -> [String]? { fields[key].map { $0.split(separator: ",").map(String.init).sorted() } }
        return Answer(uid: uid, user: user, lingers: fields["linger"] == "yes", bus: fields["bus"],
                      throughBroker: fields["client"] == "yes", problem: problem, runtimeDirectory: fields["rt"],
                      jobRecords: names("jobs"), generatedUnitFiles: names("files"), generatedTimers: names("timers"), runtimeUnitFiles: names("runtime"))
    }
}
