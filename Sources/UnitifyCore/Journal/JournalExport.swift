/// A reader of the Journal Export Format (systemd.io/JOURNAL_EXPORT_FORMATS), what
/// `journalctl -o export` writes: entries of `KEY=value` lines ended by an empty line; a field
/// whose value is binary or holds a newline comes as `KEY`, a newline, a little-endian 64-bit
/// length, the bytes, and a newline. Unlike `-o json`, no field is ever left out for its size.
///
/// Bytes are fed as they arrive (from ssh, in pieces of any size); whole entries come out.
public struct JournalExportReader: Sendable {
    /// One entry: its fields in the order written (a field may repeat), values as bytes.
    public struct Entry: Sendable, Equatable {
        public var fields: [(name: String, value: [UInt8])]

        public init(fields: [(name: String, value: [UInt8])]) { self.fields = fields }

        public subscript(name: String) -> [UInt8]? { fields.first { $0.name == name }?.value }

        /// A field as text (invalid UTF-8 repaired).
        public func string(_ name: String) -> String? { self[name].map { String(decoding: $0, as: UTF8.self) } }

        /// `__CURSOR`: where `journalctl --after-cursor` resumes.
        public var cursor: String? { string("__CURSOR") }

        /// `__REALTIME_TIMESTAMP`, microseconds since the epoch.
        public var realtime: UInt64? { string("__REALTIME_TIMESTAMP").flatMap { UInt64($0) } }

        public static func == (a: Entry, b: Entry) -> Bool {
            a.fields.count == b.fields.count && zip(a.fields, b.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
        }
    }

    /// The stream is not in the export format.
    public struct FormatError: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    private var buffer: [UInt8] = []
    private var position = 0
    private var fields: [(name: String, value: [UInt8])] = []

    public init() {}

    /// Adds bytes and returns the entries they complete.
    public mutating func feed(_ bytes: some Sequence<UInt8>) throws(FormatError) -> [Entry] {
        buffer.append(contentsOf: bytes)
        var entries: [Entry] = []
        while let entry = try nextEntry() { entries.append(entry) }
        // Drop what was consumed, now and then rather than at every entry.
        if position > 65_536 || position == buffer.count {
            buffer.removeFirst(position)
            position = 0
        }
        return entries
    }

    /// Whether bytes of an unfinished entry are waiting: at the end of the stream, a cut entry.
    public var hasPartialEntry: Bool { !fields.isEmpty || position < buffer.count }

    private mutating func nextEntry() throws(FormatError) -> Entry? {
        while true {
            guard let newline = buffer[position...].firstIndex(of: 10) else { return nil }
            let line = buffer[position..<newline]
            if line.isEmpty {
                position = newline + 1
                guard !fields.isEmpty else { continue }  // blank lines between entries
                defer { fields = [] }
                return Entry(fields: fields)
            }
            if let equals = line.firstIndex(of: UInt8(ascii: "=")) {
                fields.append((String(decoding: line[..<equals], as: UTF8.self), Array(line[(equals + 1)...])))
                position = newline + 1
                continue
            }
            // KEY\n, 8-byte little-endian size, data, \n
            let sizeStart = newline + 1
            guard buffer.count >= sizeStart + 8 else { return nil }
            var size: UInt64 = 0
            for index in 0..<8 { size |= UInt64(buffer[sizeStart + index]) << (8 * UInt64(index)) }
            guard size < 1 << 32 else {
                throw FormatError(description: "a field of \(size) bytes in the journal stream: not the export format")
            }
            let dataStart = sizeStart + 8, dataEnd = dataStart + Int(size)
            guard buffer.count > dataEnd else { return nil }
            guard buffer[dataEnd] == 10 else {
                throw FormatError(description: "a binary field not ended by a newline in the journal stream: not the export format")
            }
            fields.append((String(decoding: line, as: UTF8.self), Array(buffer[dataStart..<dataEnd])))
            position = dataEnd + 1
        }
    }
}
