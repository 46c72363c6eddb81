import Glibc
import UnitifyCore

/// A job's log file (`--log-file`) on another host, read there: its last lines with `tail`, and a
/// follow with `tail -F` from the byte the tail ended at, so that nothing is lost or shown twice
/// between them (and rotation is followed, as `FileLog` follows it here). Each line after the host.
final class RemoteFileLog: JournalSource {
    let connection: SSHConnection
    let path: String
    let lines: Int?
    let follows: Bool
    let output: Output
    /// The host, padded to the widest of the hosts shown, and a space.
    let prefix: String
    /// How many bytes the file had when the tail was read: where the follow starts.
    var size: Int64 = 0

    init(connection: SSHConnection, path: String, lines: Int?, follow: Bool, hostWidth: Int, output: Output) {
        self.connection = connection
        self.path = path
        self.lines = lines
        follows = follow
        self.output = output
        let host = connection.host.description
        prefix = host + String(repeating: " ", count: max(0, hostWidth - host.count)) + " "
    }

    /// The file's size, then its last $1 lines (all) of the bytes it had then. A missing file is
    /// empty when it will be followed ($3): it may yet come.
    static let tailScript = #"""
        if [ ! -e "$2" ] && [ "$3" = follow ]; then echo 0; exit 0; fi
        size=$(wc -c < "$2") || exit 1
        echo $size
        if [ "$1" = all ]; then head -c "$size" -- "$2"; else head -c "$size" -- "$2" | tail -n "$1"; fi
        """#

    func printTail(entryEnded: ((UInt64) -> Void)?, note: (String) -> Void) throws -> Int {
        let shell = RemoteShell(connection: connection)
        let outcome = try shell.check("read the job's log file \(path)", Self.tailScript,
                                      [lines.map(String.init) ?? "all", path, follows ? "follow" : "once"])
        var text = outcome.output[...]
        guard let newline = text.firstIndex(of: UInt8(ascii: "\n")) else { return 0 }
        size = Int64(String(decoding: text[..<newline], as: UTF8.self).trimmingSpaces()) ?? 0
        text = text[(newline + 1)...]
        guard lines != 0, !text.isEmpty else { return 0 }
        var count = 0
        for line in text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast(text.last == UInt8(ascii: "\n") ? 1 : 0) {
            write(line)
            count += 1
        }
        output.flush()
        entryEnded?(0)
        return count
    }

    func write(_ line: ArraySlice<UInt8>) {
        output.write(prefix)
        line.withUnsafeBytes { output.write($0) }
        output.endLine()
    }

    /// `tail -F` there, from where the tail ended, until the connection drops (said as a failure).
    func follow(entryEnded: ((UInt64) -> Void)?, note: @escaping (String) -> Void) throws {
        StopSignals.idleFromNow()
        let session = try connection.command(["sh", "-c", #"exec tail -c +"$1" -F -- "$2" 2>/dev/null"#, "sh", String(size + 1), path])
        let child = SSHChildren.add(session.pid)
        defer { SSHChildren.remove(child) }
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(session.socket, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            pending += buffer[..<count]
            guard let last = pending.lastIndex(of: UInt8(ascii: "\n")) else { continue }
            for line in pending[..<last].split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) { write(line) }
            pending.removeFirst(last + 1)
            if let entryEnded { entryEnded(0) } else { output.flush() }
        }
        let status = session.waitForExit(seconds: 5, killAfter: true)
        throw UnitifyError.remote(connection.host, "stopped following \(path): " +
            SSHFailure.explain(status: status, stderr: session.errorText(), host: connection.host, unexpectedLine: nil, busError: nil))
    }
}
