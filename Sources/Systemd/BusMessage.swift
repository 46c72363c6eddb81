internal import CSystemd
import Glibc

/// One D-Bus message, released when its owner goes away.
public final class BusMessage {
    let pointer: OpaquePointer

    init(adopting pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        sd_bus_message_unref(pointer)
    }

    public var member: String? { sd_bus_message_get_member(pointer).map { String(cString: $0) } }
    public var interface: String? { sd_bus_message_get_interface(pointer).map { String(cString: $0) } }
    public var path: String? { sd_bus_message_get_path(pointer).map { String(cString: $0) } }

    /// For a reply: the cookie of the call it answers.
    var replyCookie: UInt64? {
        var value: UInt64 = 0
        return sd_bus_message_get_reply_cookie(pointer, &value) >= 0 ? value : nil
    }

    /// For an error reply: the error, with its D-Bus name and message.
    var error: SystemdError? {
        guard let error = sd_bus_message_get_error(pointer) else { return nil }
        return SystemdError(operation: member ?? "call", result: -sd_bus_message_get_errno(pointer), busError: error.pointee)
    }

    /// Whether this is the signal `interface.member`.
    public func isSignal(interface: String, member: String) -> Bool {
        sd_bus_message_is_signal(pointer, interface, member) > 0
    }

    // MARK: Appending

    /// Appends each value in order. The corresponding C functions are `sd_bus_message_append_basic`,
    /// `sd_bus_message_open_container` and `sd_bus_message_close_container`.
    public func append(_ values: BusValue...) throws(SystemdError) {
        for value in values { try append(value) }
    }

    public func append(_ value: BusValue) throws(SystemdError) {
        let op = "append \(value.signature) to \(member ?? "message")"
        switch value {
        case .byte(var v): try check(appendBasic("y", &v), op)
        case .bool(let b):
            var v: Int32 = b ? 1 : 0  // D-Bus booleans are 4 bytes wide
            try check(appendBasic("b", &v), op)
        case .int32(var v): try check(appendBasic("i", &v), op)
        case .uint32(var v): try check(appendBasic("u", &v), op)
        case .int64(var v): try check(appendBasic("x", &v), op)
        case .uint64(var v): try check(appendBasic("t", &v), op)
        case .double(var v): try check(appendBasic("d", &v), op)
        // For string-like types the pointer is the C string itself.
        case .string(let s): try check(s.withCString { sd_bus_message_append_basic(pointer, cchar("s"), $0) }, op)
        case .objectPath(let s): try check(s.withCString { sd_bus_message_append_basic(pointer, cchar("o"), $0) }, op)
        case .signature(let s): try check(s.withCString { sd_bus_message_append_basic(pointer, cchar("g"), $0) }, op)
        case .array(let element, let items):
            try container("a", element, op) { () throws(SystemdError) in for item in items { try append(item) } }
        case .structure(let fields):
            let inner = String(value.signature.dropFirst().dropLast())
            try container("r", inner, op) { () throws(SystemdError) in for field in fields { try append(field) } }
        case .dictEntry(let key, let item):
            try container("e", key.signature + item.signature, op) { () throws(SystemdError) in
                try append(key)
                try append(item)
            }
        case .variant(let inner):
            try container("v", inner.signature, op) { () throws(SystemdError) in try append(inner) }
        }
    }

    private func appendBasic<T>(_ type: Unicode.Scalar, _ value: inout T) -> Int32 {
        withUnsafePointer(to: &value) { sd_bus_message_append_basic(pointer, cchar(type), $0) }
    }

    private func container(
        _ type: Unicode.Scalar, _ contents: String, _ op: String, _ body: () throws(SystemdError) -> Void
    ) throws(SystemdError) {
        try check(sd_bus_message_open_container(pointer, cchar(type), contents), op)
        try body()
        try check(sd_bus_message_close_container(pointer), op)
    }

    // MARK: Reading

    /// Reads the next complete value, or nil at the end of the message or current container.
    /// The corresponding C functions are `sd_bus_message_peek_type`, `sd_bus_message_read_basic`,
    /// `sd_bus_message_enter_container` and `sd_bus_message_exit_container`.
    public func read() throws(SystemdError) -> BusValue? {
        var type: CChar = 0
        var contents: UnsafePointer<CChar>?
        let op = "read \(member ?? "reply")"
        guard try check(sd_bus_message_peek_type(pointer, &type, &contents), op) > 0 else { return nil }
        let inner = contents.map { String(cString: $0) } ?? ""
        switch UInt8(bitPattern: type) {
        case UInt8(ascii: "y"): return .byte(try readBasic(type, UInt8(0), op))
        case UInt8(ascii: "b"): return .bool(try readBasic(type, Int32(0), op) != 0)
        case UInt8(ascii: "n"): return .int32(Int32(try readBasic(type, Int16(0), op)))
        case UInt8(ascii: "q"): return .uint32(UInt32(try readBasic(type, UInt16(0), op)))
        case UInt8(ascii: "i"): return .int32(try readBasic(type, Int32(0), op))
        case UInt8(ascii: "u"): return .uint32(try readBasic(type, UInt32(0), op))
        case UInt8(ascii: "h"): return .int32(try readBasic(type, Int32(0), op))
        case UInt8(ascii: "x"): return .int64(try readBasic(type, Int64(0), op))
        case UInt8(ascii: "t"): return .uint64(try readBasic(type, UInt64(0), op))
        case UInt8(ascii: "d"): return .double(try readBasic(type, Double(0), op))
        case UInt8(ascii: "s"): return .string(try readString(type, op))
        case UInt8(ascii: "o"): return .objectPath(try readString(type, op))
        case UInt8(ascii: "g"): return .signature(try readString(type, op))
        case UInt8(ascii: "a"): return .array(element: inner, try readContainer(type, inner, op))
        case UInt8(ascii: "r"): return .structure(try readContainer(type, inner, op))
        case UInt8(ascii: "e"):
            let pair = try readContainer(type, inner, op)
            guard pair.count == 2 else { throw SystemdError(operation: op, errno: EBADMSG) }
            return .dictEntry(pair[0], pair[1])
        case UInt8(ascii: "v"):
            let items = try readContainer(type, inner, op)
            guard let first = items.first else { throw SystemdError(operation: op, errno: EBADMSG) }
            return .variant(first)
        default:
            throw SystemdError(operation: op, errno: EBADMSG)
        }
    }

    /// Every remaining value of the message.
    public func readAll() throws(SystemdError) -> [BusValue] {
        var values: [BusValue] = []
        while let value = try read() { values.append(value) }
        return values
    }

    /// Reads an `a{sv}` property map (GetAll's reply) into a dictionary.
    public func readProperties() throws(SystemdError) -> [String: BusValue] {
        var result: [String: BusValue] = [:]
        guard let map = try read(), case .array(_, let entries) = map else { return result }
        for case .dictEntry(let key, let value) in entries {
            if let name = key.string { result[name] = value.unwrapped }
        }
        return result
    }

    private func readBasic<T>(_ type: CChar, _ initial: T, _ op: String) throws(SystemdError) -> T {
        var value = initial
        try check(withUnsafeMutablePointer(to: &value) { sd_bus_message_read_basic(pointer, type, $0) }, op)
        return value
    }

    private func readString(_ type: CChar, _ op: String) throws(SystemdError) -> String {
        var raw: UnsafePointer<CChar>?
        try check(sd_bus_message_read_basic(pointer, type, &raw), op)
        return raw.map { String(cString: $0) } ?? ""
    }

    private func readContainer(_ type: CChar, _ contents: String, _ op: String) throws(SystemdError) -> [BusValue] {
        try check(sd_bus_message_enter_container(pointer, type, contents), op)
        var items: [BusValue] = []
        while let item = try read() { items.append(item) }
        try check(sd_bus_message_exit_container(pointer), op)
        return items
    }
}

@inline(__always)
func cchar(_ scalar: Unicode.Scalar) -> CChar {
    CChar(bitPattern: UInt8(ascii: scalar))
}
