/// What printing a journal entry reads of it, whether it is the current entry of a local
/// sd-journal handle (read in place, nothing copied) or an entry that came over ssh in the
/// export format: one printer for both, so remote lines print exactly as local ones.
public protocol JournalEntryFields {
    /// A field's value as text (invalid UTF-8 repaired); nil when the entry has no such field.
    func string(_ field: StaticString) throws -> String?
    /// `body` with a field's bytes; nil when the entry has no such field.
    func withData<R>(_ field: StaticString, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R?
    /// Where the entry is, for `--after-cursor` and JSON's `__CURSOR`.
    func entryCursor() throws -> String
    /// The entry's data fields in order, without the `__`-prefixed ones of its header.
    func allFields() throws -> [(name: String, value: [UInt8])]
}

extension JournalExportReader.Entry: JournalEntryFields {
    public func string(_ field: StaticString) -> String? { string(field.description) }

    public func withData<R>(_ field: StaticString, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R? {
        guard let value = self[field.description] else { return nil }
        return try value.withUnsafeBytes(body)
    }

    public func entryCursor() -> String { cursor ?? "" }

    public func allFields() -> [(name: String, value: [UInt8])] { fields.filter { !$0.name.hasPrefix("__") } }
}

/// The run an entry belongs to: for the job's own output the invocation journald took from
/// its cgroup; for the manager's messages about the job the manager's word
/// (`USER_INVOCATION_ID`, PID 1's `INVOCATION_ID`), not their `_SYSTEMD_INVOCATION_ID`, which
/// on a booted machine is that of the user manager's own `init.scope`.
public enum JournalRun {
    @inlinable
    public static func of(_ entry: some JournalEntryFields, ownOutput: Bool, system: Bool) throws -> String? {
        if ownOutput { return try entry.string("_SYSTEMD_INVOCATION_ID") }
        return try system ? entry.string("INVOCATION_ID") : entry.string("USER_INVOCATION_ID")
    }
}
