import Glibc
import Systemd
import UnitifyCore

/// A user's job output on another host, read with that host's own `journalctl -o export` over
/// ssh. Following survives a dropped connection: it reconnects and goes on after the cursor of
/// the last entry it delivered, so no line is lost or shown twice.
public struct RemoteJournal {
    public var connection: SSHConnection
    /// The remote user's uid (the prelude's answer): the journal's `_UID` of their jobs.
    public var uid: UInt32
    public var units: [String]
    /// How long a follow keeps trying to reconnect before it gives up.
    public var reconnectSeconds = 60
    /// Commands already under way there (`PrefetchedCommands`): a tail asked for in advance.
    var prefetched: PrefetchedCommands?

    public init(connection: SSHConnection, uid: UInt32, units: [String]) {
        self.connection = connection
        self.uid = uid
        self.units = units
    }

    /// The last entry of the host's journal that the user may read, any entry (nil: none).
    public func lastEntry() throws(UnitifyError) -> JournalExportReader.Entry? {
        let session = try connection.command(RemoteJournalCommand.lastEntry)
        var reader = JournalExportReader()
        var entries: [JournalExportReader.Entry] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(session.socket, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            do {
                entries += try reader.feed(buffer[..<count])
            } catch {
                throw UnitifyError.remote(connection.host, "journalctl there: \(error)")
            }
        }
        let status = session.waitForExit(seconds: 5, killAfter: true)
        let said = session.errorText()
        if let unreadable = Self.unreadable(said, host: connection.host) { throw unreadable }
        guard status == 0 else {
            throw UnitifyError.remote(connection.host, SSHFailure.explain(status: status, stderr: said, host: connection.host, unexpectedLine: nil, busError: nil))
        }
        return entries.last
    }

    /// journalctl's words for a journal closed to the user, in unitify's words for it here.
    static func unreadable(_ said: String, host: HostAddress) -> UnitifyError? {
        guard said.contains("insufficient permissions") || said.contains("No journal files were opened") else { return nil }
        return UnitifyError.remote(host, "cannot read the journal there (insufficient permissions): the remote user needs persistent journal storage or the systemd-journal group, or the job --log-file")
    }

    /// Delivers the last `lines` entries (all when nil), then with `follow` every new one, until
    /// `deliver` returns false, the `deadline` (monotonic microseconds) passes or, without
    /// `follow`, the entries end. `reconnected` hears of each outage: a dropped connection that is
    /// being got back.
    public func stream(lines: Int?, follow: Bool, deadline: UInt64? = nil, reconnected: (String) -> Void = { _ in },
                       deliver: (JournalExportReader.Entry) -> Bool) throws(UnitifyError) {
        try stream(from: .lastLines(lines), follow: follow, deadline: deadline, reconnected: reconnected, deliver: deliver)
    }

    /// As `stream(lines:...)`, from `start`: after the cursor of the last entry printed, when a
    /// follow goes on where a tail ended, so that no entry is lost or shown twice between them.
    /// The `filters` are journalctl's (`--since` only with `.lastLines`).
    public func stream(from start: RemoteJournalCommand.Start, follow: Bool, filters: RemoteJournalCommand.Filters = .init(),
                       deadline: UInt64? = nil, reconnected: (String) -> Void = { _ in },
                       deliver: (JournalExportReader.Entry) -> Bool) throws(UnitifyError) {
        var cursor: String?
        var lostSince: UInt64?
        while true {
            var filters = filters
            if cursor != nil { filters.since = nil }
            let argv = RemoteJournalCommand.arguments(units: units, uid: uid, start: cursor.map { .after(cursor: $0) } ?? start, follow: follow, filters: filters)
            let session: RemoteSession
            if let started = prefetched?.take(argv) { session = started } else { session = try connection.command(argv) }
            let child = follow ? SSHChildren.add(session.pid) : nil
            defer { SSHChildren.remove(child) }
            var reader = JournalExportReader()
            var delivered = false
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                if let deadline {
                    let now = monotonicMicroseconds()
                    guard now < deadline else {
                        session.end()
                        return
                    }
                    var poller = pollfd(fd: session.socket, events: Int16(POLLIN), revents: 0)
                    if poll(&poller, 1, Int32(min((deadline - now) / 1_000, 1_000))) == 0 { continue }
                }
                let count = read(session.socket, &buffer, buffer.count)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                let entries: [JournalExportReader.Entry]
                do {
                    entries = try reader.feed(buffer[..<count])
                } catch {
                    throw UnitifyError.remote(connection.host, "journalctl there: \(error)")
                }
                for entry in entries {
                    cursor = entry.cursor ?? cursor
                    delivered = true
                    if !deliver(entry) {
                        session.end()
                        return
                    }
                }
            }
            let status = session.waitForExit(seconds: 5, killAfter: true)
            let said = session.errorText()
            if let unreadable = Self.unreadable(said, host: connection.host) { throw unreadable }
            // journalctl ended by itself: everything was read.
            if status == 0 && !follow { return }
            guard follow else {
                throw UnitifyError.remote(connection.host, SSHFailure.explain(status: status, stderr: said, host: connection.host, unexpectedLine: nil, busError: nil))
            }
            // journalctl itself refused (ssh passes its status on; its own failures are 255, a
            // signal is 128 and more): no reconnecting helps.
            if let status, status > 0 && status < 128, let last = said.split(separator: "\n").last {
                throw UnitifyError.remote(connection.host, "journalctl there: \(last)")
            }
            // The connection dropped while following: resume after the last entry. Said once for
            // each outage (an outage ends when entries come again), not for each try.
            if delivered { lostSince = nil }
            let now = monotonicMicroseconds()
            if lostSince == nil {
                reconnected("lost the connection (ssh status \(status.map(String.init) ?? "?")); reconnecting for up to \(reconnectSeconds)s, to resume after the last line")
            }
            let since = lostSince ?? now
            lostSince = since
            guard now - since < UInt64(reconnectSeconds) * 1_000_000 else {
                throw UnitifyError.remote(connection.host, "lost the connection and could not get it back within \(reconnectSeconds)s: \(SSHFailure.explain(status: status, stderr: said, host: connection.host, unexpectedLine: nil, busError: nil))")
            }
            usleep(now - since < 2_000_000 ? 200_000 : 1_000_000)
        }
    }
}
