/// What `run --host` would otherwise ask another host one ssh channel at a time (its login
/// environment, then the kind of each path it looks at: the directory, each directory of PATH
/// for the program, a log file's directory), asked in the prelude's own channel instead, before
/// its answer line: a round trip or two in all rather than three per question.
///
/// The paths are the ones `JobRequest.makeSpec` will look at as far as they can be told before
/// the host's environment is known: absolute paths, paths under the login's `$HOME` (where a
/// job runs unless `-C` says otherwise), and a program's name on each directory of `$PATH`. A
/// path asked later that is not among them is probed then, as before: the answers are a cache,
/// never a guess.
public enum HostFacts {
    /// One path to look at there.
    public enum Probe: Sendable, Equatable {
        /// An absolute path.
        case absolute(String)
        /// A path under `$HOME` there, without `.` or `..` components ("" for `$HOME` itself).
        case home(String)
        /// A program's name in each absolute directory of `$PATH` there.
        case onPath(String)
        /// The record of a transient job (`$rt/unitify/jobs/UNIT`), its text when there is one.
        case record(String)
        /// The records of the transient jobs the manager has no unit of now (no file in
        /// `$rt/systemd/transient`): the stopped ones, whose record is all a table has of them.
        case unloadedRecords
    }

    /// The first byte of each line the facts add before the prelude's answer: no environment
    /// variable's name and no login script's output starts with it.
    public static let lead: Character = "\u{1F}"

    /// The sh that prints the facts: `\x1F=NAME=VALUE` per line of `env` (a value's continuation
    /// lines too, each a line of `env` as its reader (`RemoteJobSite`) always took them), then `\x1F?K PATH` per path
    /// (K: d directory, x executable file, f other, m missing).
    public static func script(_ probes: [Probe]) -> String {
        var lines = ["u=$(printf '\\037')"]
        // The environment and the kinds of paths are `run`'s (`jobSite`); records alone need neither.
        if probes.contains(where: { if case .record = $0 { false } else { true } }) {
            lines += [
                #"k() { if [ -d "$1" ]; then t=d; elif [ -f "$1" ] && [ -x "$1" ]; then t=x; elif [ -e "$1" ]; then t=f; else t=m; fi; printf '%s?%s %s\n' "$u" "$t" "$1"; }"#,
                #"env | sed "s/^/$u=/""#,
            ]
        }
        for probe in probes {
            switch probe {
            case .absolute(let path): lines.append("k " + ShellWords.quote(path))
            case .home(let path): lines.append(path.isEmpty ? #"k "$HOME""# : #"k "$HOME"/"# + ShellWords.quote(path))
            case .onPath(let program):
                lines.append(#"(set -f; IFS=:; for d in $PATH; do case $d in /*) k "${d%/}"/"# + ShellWords.quote(program) + ";; esac; done)")
            case .unloadedRecords:
                lines.append(#"for f in "$rt"/unitify/jobs/*.service; do n=${f##*/}; [ -f "$f" ] && [ -r "$f" ] && [ ! -e "$rt/systemd/transient/$n" ] || continue; printf '%s#%s\n' "$u" "$n"; awk -v u="$u" '{ print u "|" $0 }' "$f"; done"#)
            case .record(let unit):
                // Its name, then each line after `|`; the prelude's `rt` is the runtime directory.
                let file = "\"$rt/unitify/jobs/\"" + ShellWords.quote(unit)
                lines.append("[ -f \(file) ] && [ -r \(file) ] && { printf '%s#%s\\n' \"$u\" \(ShellWords.quote(unit)); awk -v u=\"$u\" '{ print u \"|\" $0 }' \(file); }")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// What the facts said: the environment as `env` printed it, each path's kind, and the
    /// records' texts (of those asked that have one).
    public struct Answer: Sendable, Equatable {
        /// Nil when it was not asked (only records were).
        public var environment: [String]? = nil
        public var kinds: [String: FileKind] = [:]
        public var records: [String: String] = [:]

        public init() {}
    }

    /// Reads the facts' lines (each after `lead`); a line without it is the rest of a path with a
    /// newline, and is left out. Nil when the first line is not a fact: another program's output.
    public static func parse(_ lines: [Substring]) -> Answer? {
        var answer = Answer()
        var record: String?
        for (index, line) in lines.enumerated() {
            guard line.first == lead else {
                if index == 0 { return nil }
                continue
            }
            let rest = line.dropFirst()
            if rest.first == "#" {
                record = String(rest.dropFirst())
                answer.records[record!] = ""
            } else if rest.first == "|", let record {
                answer.records[record]! += rest.dropFirst() + "\n"
            } else if rest.first == "=" {
                answer.environment = (answer.environment ?? []) + [String(rest.dropFirst())]
            } else if rest.first == "?", rest.count > 3 {
                let kind: FileKind = switch rest.dropFirst().first {
                case "d": .directory
                case "x": .executable
                case "f": .notExecutable
                default: .missing
                }
                answer.kinds[String(rest.dropFirst(3))] = kind
            }
        }
        return answer
    }
}

extension JobRequest {
    /// The paths `makeSpec` will look at, as far as they can be named before the host's
    /// environment is known (`HostFacts`); none for a `--line`, whose words are expanded with
    /// that environment.
    public var likelyProbes: [HostFacts.Probe] {
        var probes: [HostFacts.Probe] = []
        /// `path` against the job's directory (`base`): absolute, or under $HOME when it can be
        /// written so (no `..`), else nil.
        func resolve(_ path: String, against base: HostFacts.Probe) -> HostFacts.Probe? {
            if path.hasPrefix("/") { return .absolute(ProgramResolver.absolute(path, relativeTo: "/")) }
            switch base {
            case .absolute(let directory): return .absolute(ProgramResolver.absolute(path, relativeTo: directory))
            case .home(let directory):
                var parts = directory.isEmpty ? [] : directory.split(separator: "/").map(String.init)
                for part in path.split(separator: "/") where part != "." {
                    guard part != ".." else { return nil }
                    parts.append(String(part))
                }
                var joined = ""
                for part in parts { joined += joined.isEmpty ? part : "/" + part }
                return .home(joined)
            case .onPath, .record, .unloadedRecords: return nil
            }
        }
        func parent(_ probe: HostFacts.Probe) -> HostFacts.Probe? {
            switch probe {
            case .absolute(let path):
                let cut = path[..<(path.lastIndex(of: "/") ?? path.startIndex)]
                return .absolute(cut.isEmpty ? "/" : String(cut))
            case .home(let path):
                guard !path.isEmpty else { return nil }
                return .home(String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]))
            case .onPath, .record, .unloadedRecords: return nil
            }
        }
        guard line == nil else { return [.home("")] }
        probes.append(.home(""))
        var base = HostFacts.Probe.home("")
        if let directory {
            guard let resolved = resolve(directory, against: base) else { return probes }
            base = resolved
            probes.append(base)
        }
        var program = shell == nil ? command.first : "/bin/sh"
        if program == "nohup" { program = command.dropFirst().first }
        if let program, !program.isEmpty {
            if program.contains("/") {
                if let path = resolve(program, against: base) { probes.append(path) }
            } else {
                probes.append(.onPath(program))
            }
        }
        for file in [logFile, stdout, stderr].compactMap({ $0 }) {
            guard let path = resolve(file, against: base) else { continue }
            if let directory = parent(path) { probes.append(directory) }
            probes.append(path)
        }
        return probes
    }
}
