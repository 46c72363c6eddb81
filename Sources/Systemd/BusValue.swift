/// A D-Bus value with its type, as plain data: properties are built and tested as values, then
/// appended to a message one basic value or container at a time (the non-variadic sd-bus calls).
public indirect enum BusValue: Sendable, Equatable {
    case byte(UInt8)
    case bool(Bool)
    case int32(Int32)
    case uint32(UInt32)
    case int64(Int64)
    case uint64(UInt64)
    case double(Double)
    case string(String)
    case objectPath(String)
    case signature(String)
    /// An array carries its element signature so that an empty one still has a type.
    case array(element: String, [BusValue])
    case structure([BusValue])
    case dictEntry(BusValue, BusValue)
    case variant(BusValue)

    /// The value's D-Bus type signature, e.g. `a(sasb)`.
    public var signature: String {
        switch self {
        case .byte: "y"
        case .bool: "b"
        case .int32: "i"
        case .uint32: "u"
        case .int64: "x"
        case .uint64: "t"
        case .double: "d"
        case .string: "s"
        case .objectPath: "o"
        case .signature: "g"
        case .array(let element, _): "a" + element
        case .structure(let fields): "(" + fields.map(\.signature).joined() + ")"
        case .dictEntry(let key, let value): "{" + key.signature + value.signature + "}"
        case .variant: "v"
        }
    }

    public static func strings(_ values: [String]) -> BusValue {
        .array(element: "s", values.map(BusValue.string))
    }
}

extension BusValue {
    /// The value inside any number of variants.
    public var unwrapped: BusValue {
        if case .variant(let inner) = self { return inner.unwrapped }
        return self
    }

    public var string: String? {
        switch unwrapped {
        case .string(let s), .objectPath(let s), .signature(let s): s
        default: nil
        }
    }

    public var bool: Bool? {
        if case .bool(let b) = unwrapped { return b }
        return nil
    }

    /// Any integer type, widened; nil for other types or negative values.
    public var uint64: UInt64? {
        switch unwrapped {
        case .byte(let v): UInt64(v)
        case .uint32(let v): UInt64(v)
        case .uint64(let v): v
        case .int32(let v): v >= 0 ? UInt64(v) : nil
        case .int64(let v): v >= 0 ? UInt64(v) : nil
        default: nil
        }
    }

    public var int64: Int64? {
        switch unwrapped {
        case .byte(let v): Int64(v)
        case .int32(let v): Int64(v)
        case .uint32(let v): Int64(v)
        case .int64(let v): v
        case .uint64(let v): v <= UInt64(Int64.max) ? Int64(v) : nil
        default: nil
        }
    }

    public var elements: [BusValue]? {
        switch unwrapped {
        case .array(_, let items), .structure(let items): items
        default: nil
        }
    }

    public var stringArray: [String]? {
        elements?.compactMap(\.string)
    }
}

extension BusValue: CustomStringConvertible {
    /// A readable rendering for people (`--dry-run`): strings quoted with escapes, arrays in
    /// brackets, structures in parentheses.
    public var description: String {
        switch self {
        case .byte(let v): "\(v)"
        case .bool(let v): "\(v)"
        case .int32(let v): "\(v)"
        case .uint32(let v): "\(v)"
        case .int64(let v): "\(v)"
        case .uint64(let v): "\(v)"
        case .double(let v): "\(v)"
        case .string(let s), .objectPath(let s), .signature(let s): s.debugDescription
        case .array(_, let items): "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .structure(let fields): "(" + fields.map(\.description).joined(separator: " ") + ")"
        case .dictEntry(let key, let value): "\(key): \(value)"
        case .variant(let inner): inner.description
        }
    }
}
