/// JSON for `--json`, written without Foundation: compact, keys sorted so output is stable for
/// scripts and tests, strings escaped by `JSONText` (as JSONEncoder with `.sortedKeys` and
/// `.withoutEscapingSlashes` writes them). The one JSON writer: `Encodable` values go through
/// a small encoder into a tree, then to text.
public enum JSON {
    public static func encode(_ value: some Encodable) -> String {
        let root = Node()
        guard (try? value.encode(to: TreeEncoder(root))) != nil else { return "{}" }
        var out = ""
        root.write(to: &out)
        return out
    }
}

/// One value of the tree being encoded; containers are filled after they are handed out, so
/// they are references.
final class Node {
    enum Content {
        case unset, null, literal(String), string(String), array([Node]), object([String: Node])
    }

    var content = Content.unset

    func write(to out: inout String) {
        switch content {
        case .unset, .null: out += "null"
        case .literal(let text): out += text
        case .string(let text): out += JSONText.quote(text)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { out += "," }
                out += JSONText.quote(key) + ":"
                members[key]!.write(to: &out)
            }
            out += "}"
        }
    }

    /// A scalar as JSON, or nil for a value that encodes itself (a struct, an array...).
    static func scalar(_ value: Any) -> Content? {
        switch value {
        case let v as String: .string(v)
        case let v as Bool: .literal(v ? "true" : "false")
        case let v as any BinaryInteger: .literal("\(v)")
        case let v as Double: .literal("\(v)")
        case let v as Float: .literal("\(v)")
        default: nil
        }
    }

    func set(_ value: some Encodable) throws {
        if let scalar = Self.scalar(value) { content = scalar } else { try value.encode(to: TreeEncoder(self)) }
    }

    func member(_ key: String) -> Node {
        if case .object = content {} else { content = .object([:]) }
        guard case .object(var members) = content else { fatalError() }
        let node = members[key] ?? Node()
        members[key] = node
        content = .object(members)
        return node
    }

    func appended() -> Node {
        if case .array = content {} else { content = .array([]) }
        guard case .array(var items) = content else { fatalError() }
        let node = Node()
        items.append(node)
        content = .array(items)
        return node
    }
}

struct TreeEncoder: Encoder {
    let node: Node
    init(_ node: Node) { self.node = node }
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object = node.content {} else { node.content = .object([:]) }
        return KeyedEncodingContainer(Keyed(node: node))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array = node.content {} else { node.content = .array([]) }
        return Unkeyed(node: node)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { Single(node: node) }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let node: Node
        var codingPath: [any CodingKey] { [] }
        mutating func encodeNil(forKey key: Key) throws { node.member(key.stringValue).content = .null }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try node.member(key.stringValue).set(value) }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            TreeEncoder(node.member(key.stringValue)).container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            TreeEncoder(node.member(key.stringValue)).unkeyedContainer()
        }
        mutating func superEncoder() -> any Encoder { TreeEncoder(node.member("super")) }
        mutating func superEncoder(forKey key: Key) -> any Encoder { TreeEncoder(node.member(key.stringValue)) }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let node: Node
        var codingPath: [any CodingKey] { [] }
        var count: Int {
            if case .array(let items) = node.content { return items.count }
            return 0
        }
        mutating func encodeNil() throws { node.appended().content = .null }
        mutating func encode<T: Encodable>(_ value: T) throws { try node.appended().set(value) }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            TreeEncoder(node.appended()).container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { TreeEncoder(node.appended()).unkeyedContainer() }
        mutating func superEncoder() -> any Encoder { TreeEncoder(node.appended()) }
    }

    struct Single: SingleValueEncodingContainer {
        let node: Node
        var codingPath: [any CodingKey] { [] }
        mutating func encodeNil() throws { node.content = .null }
        mutating func encode<T: Encodable>(_ value: T) throws { try node.set(value) }
    }
}
