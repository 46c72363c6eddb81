import Glibc
import Systemd
import UnitifyCore

/// Short POSIX sh scripts on another host, one ssh channel each over the host's master: how
/// unitify reads and writes the files of a remote manager's jobs with nothing of its own there.
struct RemoteShell: Sendable {
    let connection: SSHConnection

    /// What a script printed and how it ended.
    struct Outcome {
        var status: Int32?
        var output: [UInt8]
        var errors: String
        var text: String { String(decoding: output, as: UTF8.self) }
    }

    /// Runs `script` there with `arguments` as $1..., `input` on its stdin (none: end of file).
    func run(_ script: String, _ arguments: [String] = [], input: [UInt8] = []) throws(UnitifyError) -> Outcome {
        let session = try connection.command(["sh", "-c", script, "sh"] + arguments)
        try session.send(input)
        let output = session.readToEnd(timeoutSeconds: connection.timeout + 5)
        let status = session.waitForExit(seconds: connection.timeout + 5, killAfter: true)
        return Outcome(status: status, output: output, errors: session.errorText())
    }

    /// `run`, failing in words unless the script exited 0 (or one of `accepting`).
    func check(_ what: String, _ script: String, _ arguments: [String] = [], input: [UInt8] = [], accepting: Set<Int32> = []) throws(UnitifyError) -> Outcome {
        let outcome = try run(script, arguments, input: input)
        try judge(what, outcome, accepting: accepting)
        return outcome
    }

    /// Fails in words unless the script exited 0 (or one of `accepting`).
    func judge(_ what: String, _ outcome: Outcome, accepting: Set<Int32>) throws(UnitifyError) {
        guard let status = outcome.status, status == 0 || accepting.contains(status) else {
            // 255 is ssh's own failure; anything else the script's, which says why on stderr.
            let said = outcome.errors.split(separator: "\n").last.map(String.init)
            let reason = outcome.status == 255 || said == nil
                ? SSHFailure.explain(status: outcome.status, stderr: outcome.errors, host: connection.host, unexpectedLine: nil, busError: nil)
                : said!
            throw UnitifyError.remote(connection.host, "cannot \(what): \(reason)")
        }
    }

    /// Lists a directory there: the names, without dot files; none when it does not exist, an
    /// error when it could not be listed.
    func list(_ directory: String) throws(UnitifyError) -> [String] {
        let script = #"[ -e "$1" ] || exit 0; cd -- "$1" || exit 3; for f in * .[!.]*; do [ -e "$f" ] || [ -L "$f" ] && printf '%s\n' "$f"; done; exit 0"#
        return try check("list \(directory)", script, [directory]).text.split(separator: "\n").map(String.init)
    }

    /// A file's text there; nil when it is missing.
    func read(_ path: String) throws(UnitifyError) -> String? {
        let outcome = try check("read \(path)", #"[ -e "$1" ] || exit 4; exec cat -- "$1""#, [path], accepting: [4])
        return outcome.status == 4 ? nil : outcome.text
    }

    /// The texts of the files of `paths` there that can be read, in one channel: each after a
    /// line that names it (a record separator first, which no unit file holds). An error when
    /// the host could not be asked.
    func readAll(_ paths: [String]) throws(UnitifyError) -> [String: String] {
        guard !paths.isEmpty else { return [:] }
        let script = #"for f; do [ -f "$f" ] && [ -r "$f" ] && printf '\036%s\n' "$f" && cat -- "$f"; done; exit 0"#
        let outcome = try check("read \(paths.joined(separator: ", "))", script, paths)
        var texts: [String: String] = [:]
        for file in outcome.text.split(separator: "\u{1E}") {
            guard let newline = file.firstIndex(of: "\n") else { continue }
            texts[String(file[..<newline])] = String(file[file.index(after: newline)...])
        }
        return texts
    }

    /// Whether anything is at `path` there, a dangling link too; an error when the host could
    /// not be asked.
    func exists(_ path: String) throws(UnitifyError) -> Bool {
        try check("look at \(path)", #"[ -e "$1" ] || [ -L "$1" ] || exit 4"#, [path], accepting: [4]).status == 0
    }

    func remove(_ path: String) throws(UnitifyError) {
        _ = try check("remove \(path)", #"exec rm -f -- "$1""#, [path])
    }

    /// Writes `text` to `path` there, atomically (a temporary file beside it, renamed over it),
    /// never through a symbolic link at `path`. `privateDirectory`: the directory is made 0700
    /// and must belong to the user, as job records' is here. `advancingTime`: the directory's
    /// modification time is then moved on (`UnitFileStore.advanceModificationTime`).
    func write(_ path: String, _ text: String, mode: String, privateDirectory: Bool = false, advancingTime: Bool = false) throws(UnitifyError) {
        let (script, arguments) = try writing(path, mode: mode, privateDirectory: privateDirectory, advancingTime: advancingTime, showing: false)
        _ = try check("write \(path)", script, arguments, input: Array(text.utf8))
    }

    /// `write`'s script and arguments; `showing`: it prints the text it replaces first, after a
    /// record separator (nothing when there was no file).
    private func writing(_ path: String, mode: String, privateDirectory: Bool, advancingTime: Bool, showing: Bool) throws(UnitifyError) -> (String, [String]) {
        guard let slash = path.lastIndex(of: "/"), path.hasPrefix("/") else {
            throw UnitifyError.remote(connection.host, "'\(path)' is not an absolute path")
        }
        let script = """
            set -e; d=$1; f=$2; m=$3
            if [ "$4" = private ]; then umask 077; mkdir -p -- "$d"; [ -O "$d" ] && [ ! -L "$d" ] || { echo "$d is not a directory of yours" >&2; exit 3; }
            else umask 022; mkdir -p -- "$d"; fi
            if [ -L "$d/$f" ]; then echo "$d/$f is a symbolic link: unitify does not write through it" >&2; exit 3; fi
            t=$(mktemp "$d/.$f.XXXXXX"); trap 'rm -f -- "$t"' EXIT
            cat > "$t"; chmod "$m" "$t"
            if [ "$6" = show ] && [ -f "$d/$f" ]; then printf '\\036'; cat -- "$d/$f"; fi
            mv -f -- "$t" "$d/$f"; trap - EXIT
            [ "$5" != advance ] || { \(Self.advanceTime) }
            """
        return (script, [String(path[..<slash]), String(path[path.index(after: slash)...]), mode, privateDirectory ? "private" : "shared",
                         advancingTime ? "advance" : "keep", showing ? "show" : "quiet"])
    }

    /// A `write` under way: its channel started and its text sent, not waited for.
    struct PendingWrite {
        let shell: RemoteShell
        let path: String
        let session: RemoteSession

        /// Waits for the write; the text it replaced (nil: there was no file), or its failure.
        func finish() throws(UnitifyError) -> String? {
            let output = session.readToEnd(timeoutSeconds: shell.connection.timeout + 5)
            let status = session.waitForExit(seconds: shell.connection.timeout + 5, killAfter: true)
            let outcome = Outcome(status: status, output: output, errors: session.errorText())
            try shell.judge("write \(path)", outcome, accepting: [])
            guard outcome.output.first == 0x1E else { return nil }
            return String(decoding: outcome.output.dropFirst(), as: UTF8.self)
        }
    }

    /// Starts `write` of `text` to `path` and returns at once (`PendingWrite.finish` waits), so that
    /// its round trips run beside others.
    func beginWrite(_ path: String, _ text: String, mode: String, privateDirectory: Bool = false) throws(UnitifyError) -> PendingWrite {
        let (script, arguments) = try writing(path, mode: mode, privateDirectory: privateDirectory, advancingTime: false, showing: true)
        let session = try connection.command(["sh", "-c", script, "sh"] + arguments)
        try session.send(Array(text.utf8))
        return PendingWrite(shell: self, path: path, session: session)
    }

    /// Sets the modification time of the directory `$d` to now, again until it differs from the
    /// one it had to the microsecond, as the manager compares them (file times may tick at the
    /// kernel's coarse clock), for 2 s at most.
    static let advanceTime = #"b=$(stat -c %y -- "$d" | cut -c1-26); n=0; until touch -c -- "$d" && [ "$(stat -c %y -- "$d" | cut -c1-26)" != "$b" ]; do n=$((n+1)); [ $n -lt 2000 ] || { echo "the modification time of $d stays the same" >&2; exit 3; }; sleep 0.001; done"#

    /// `advanceTime` for the directory `directory`.
    func advanceModificationTime(of directory: String) throws(UnitifyError) {
        _ = try check("touch \(directory)", "d=$1; set -e; " + Self.advanceTime, [directory])
    }
}

extension RemoteSession {
    /// Everything the remote command prints, until it closes its stdout or `timeoutSeconds` pass.
    func readToEnd(timeoutSeconds: Int) -> [UInt8] {
        let deadline = monotonicMicroseconds() + UInt64(timeoutSeconds) * 1_000_000
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while case let now = monotonicMicroseconds(), now < deadline {
            var poller = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32((deadline - now) / 1_000))
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { break }
            let count = read(socket, &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += chunk[..<count]
        }
        return bytes
    }
}
