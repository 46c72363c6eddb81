internal import CSystemd
import Glibc

/// A reader over the journal files this process may read, configured like journalctl: matches,
/// a seek, then `next`/`previous`, and `wait` to follow. Closed when its owner goes away.
public final class Journal {
    let pointer: OpaquePointer

    public struct OpenFlags: OptionSet, Sendable {
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        /// Only journal files generated on this machine.
        public static let localOnly = OpenFlags(rawValue: Int32(SD_JOURNAL_LOCAL_ONLY))
    }

    /// What `wait` saw.
    public enum Change: Sendable {
        case none, appended, invalidated
    }

    /// The corresponding C function is `sd_journal_open`.
    public init(flags: OpenFlags = .localOnly) throws(SystemdError) {
        var raw: OpaquePointer?
        try check(sd_journal_open(&raw, flags.rawValue), "open the journal")
        guard let raw else { throw SystemdError(operation: "open the journal", errno: ENOMEM) }
        pointer = raw
    }

    deinit {
        sd_journal_close(pointer)
    }

    /// Adds a `FIELD=value` match. Matches of one field OR; of different fields AND.
    /// The corresponding C function is `sd_journal_add_match`.
    public func addMatch(_ match: String) throws(SystemdError) {
        var bytes = Array(match.utf8)
        try check(sd_journal_add_match(pointer, &bytes, bytes.count), "add journal match \(match)")
    }

    /// Starts a new group of matches, OR-ed with the previous ones.
    public func addDisjunction() throws(SystemdError) {
        try check(sd_journal_add_disjunction(pointer), "add journal disjunction")
    }

    /// Starts a new group of matches, AND-ed with the previous ones.
    public func addConjunction() throws(SystemdError) {
        try check(sd_journal_add_conjunction(pointer), "add journal conjunction")
    }

    public func seekHead() throws(SystemdError) {
        try check(sd_journal_seek_head(pointer), "seek to the journal's head")
    }

    public func seekTail() throws(SystemdError) {
        try check(sd_journal_seek_tail(pointer), "seek to the journal's tail")
    }

    public func seek(realtimeMicroseconds: UInt64) throws(SystemdError) {
        try check(sd_journal_seek_realtime_usec(pointer, realtimeMicroseconds), "seek in the journal")
    }

    public func seek(cursor: String) throws(SystemdError) {
        try check(sd_journal_seek_cursor(pointer, cursor), "seek to a journal cursor")
    }

    /// Moves to the next entry; false at the end.
    public func next() throws(SystemdError) -> Bool {
        try check(sd_journal_next(pointer), "read the journal") > 0
    }

    /// Moves to the previous entry; false at the start.
    public func previous() throws(SystemdError) -> Bool {
        try check(sd_journal_previous(pointer), "read the journal") > 0
    }

    /// Calls `body` with the value of `field` in the current entry (the bytes after `FIELD=`),
    /// straight from the journal's mapping: no copy. Nil when the entry has no such field.
    /// A `StaticString` field name goes to C as it is, where a `String` would be copied each call.
    /// The corresponding C function is `sd_journal_get_data`.
    public func withData<R>(_ field: StaticString, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R? {
        var data: UnsafeRawPointer?
        var length = 0
        // A string literal: NUL-terminated, in the binary's constants.
        let name = UnsafeRawPointer(field.utf8Start).assumingMemoryBound(to: CChar.self)
        let result = sd_journal_get_data(pointer, name, &data, &length)
        if result == -ENOENT { return nil }
        try check(result, "read \(field) from the journal")
        let prefix = field.utf8CodeUnitCount + 1
        guard let data, length >= prefix else { return nil }
        return try body(UnsafeRawBufferPointer(start: data + prefix, count: length - prefix))
    }

    /// The value of `field` in the current entry as a string (invalid UTF-8 repaired).
    public func string(_ field: StaticString) throws -> String? {
        try withData(field) { String(decoding: $0, as: UTF8.self) }
    }

    /// Every `FIELD=value` of the current entry. The corresponding C function is `sd_journal_enumerate_data`.
    public func allFields() throws(SystemdError) -> [(name: String, value: [UInt8])] {
        sd_journal_restart_data(pointer)
        var fields: [(name: String, value: [UInt8])] = []
        var data: UnsafeRawPointer?
        var length = 0
        while try check(sd_journal_enumerate_data(pointer, &data, &length), "read the journal") > 0 {
            guard let data else { continue }
            let bytes = UnsafeRawBufferPointer(start: data, count: length)
            guard let equals = bytes.firstIndex(of: UInt8(ascii: "=")) else { continue }
            fields.append((String(decoding: bytes[..<equals], as: UTF8.self), Array(bytes[(equals + 1)...])))
        }
        return fields
    }

    /// The current entry's wall-clock time in microseconds since the epoch.
    public func realtimeMicroseconds() throws(SystemdError) -> UInt64 {
        var usec: UInt64 = 0
        try check(sd_journal_get_realtime_usec(pointer, &usec), "read an entry's time")
        return usec
    }

    public func cursor() throws(SystemdError) -> String {
        var raw: UnsafeMutablePointer<CChar>?
        try check(sd_journal_get_cursor(pointer, &raw), "read a journal cursor")
        defer { free(raw) }
        return raw.map { String(cString: $0) } ?? ""
    }

    /// Waits up to `timeoutMicroseconds` (nil: forever) for the journal to change.
    /// The corresponding C function is `sd_journal_wait`.
    public func wait(timeoutMicroseconds: UInt64?) throws(SystemdError) -> Change {
        switch try check(sd_journal_wait(pointer, timeoutMicroseconds ?? UInt64.max), "wait for the journal") {
        case Int32(SD_JOURNAL_APPEND): .appended
        case Int32(SD_JOURNAL_INVALIDATE): .invalidated
        default: .none
        }
    }

    /// The file descriptor to poll for changes, for callers that wait on several things at once;
    /// call `process` after it becomes readable. The corresponding C function is `sd_journal_get_fd`.
    public func fileDescriptor() throws(SystemdError) -> Int32 {
        try check(sd_journal_get_fd(pointer), "watch the journal")
    }

    @discardableResult
    public func process() throws(SystemdError) -> Change {
        switch try check(sd_journal_process(pointer), "watch the journal") {
        case Int32(SD_JOURNAL_APPEND): .appended
        case Int32(SD_JOURNAL_INVALIDATE): .invalidated
        default: .none
        }
    }

    /// Whether any journal file could be opened at all; false means the caller reads nothing,
    /// which must be said rather than printing an empty log.
    public var hasFiles: Bool {
        sd_journal_has_runtime_files(pointer) > 0 || sd_journal_has_persistent_files(pointer) > 0
    }
}
