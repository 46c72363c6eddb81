/// The subset of Mustache that unit-file templates use: `{{name}}` (and `{{{name}}}`, `{{&name}}`:
/// values are never HTML-escaped, they are escaped for systemd already), `{{#name}}…{{/name}}`
/// over a flag, a text or a list of texts (`{{.}}` is the item), `{{^name}}…{{/name}}` and
/// `{{! comments}}`, with Mustache's rule that a line holding only a section tag disappears.
///
/// Written here rather than taken from swift-mustache, which imports all of Foundation and would
/// double every command's start-up time and memory for two small templates.
/// Tags are validated beforehand (`UnitFile.checkPlaceholders`), over the same tokens.
enum Template {
    indirect enum Node: Sendable {
        case text(Substring)
        case value(String)
        case section(String, inverted: Bool, [Node])
    }

    static func render(_ text: String, _ values: [String: Any]) -> String {
        render(parse(text), values)
    }

    /// A template read once, to render many times (`up` renders a file per job).
    static func parse(_ text: String) -> [Node] {
        var tokens = tokenize(text)[...]
        return parse(&tokens, closing: nil)
    }

    static func render(_ nodes: [Node], _ values: [String: Any]) -> String {
        var out = ""
        render(nodes, values, item: nil, into: &out)
        return out
    }

    enum Token {
        case text(Substring)
        /// A tag's sigil (`#`, `^`, `/`, `!`; `&` and a triple mustache are none) and its name.
        /// The sigils of what unit files have no use for (`>`, `<`, `$`, `=`, `%`) are kept so
        /// that the check can refuse them.
        case tag(Character?, String)
        /// A `{{` with no closing `}}` (or `}}}`) on its line.
        case unclosed(closing: String)
    }

    static func tokenize(_ text: String) -> [Token] {
        var tokens: [Token] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            let lineTokens = tokenize(line: line)
            if let tag = standaloneTag(lineTokens) {
                tokens.append(tag)  // the line, newline included, is gone
                continue
            }
            tokens += lineTokens
            if index < lines.count - 1 { tokens.append(.text("\n")) }
        }
        return tokens
    }

    static func tokenize(line: Substring) -> [Token] {
        var tokens: [Token] = []
        var rest = line
        while let open = rest.firstRange(of: "{{") {
            if open.lowerBound > rest.startIndex { tokens.append(.text(rest[..<open.lowerBound])) }
            rest = rest[open.upperBound...]
            let triple = rest.first == "{"
            guard let close = rest.firstRange(of: triple ? "}}}" : "}}") else {
                tokens.append(.unclosed(closing: triple ? "}}}" : "}}"))
                return tokens
            }
            var tag = rest[..<close.lowerBound]
            rest = rest[close.upperBound...]
            if triple { tag = tag.dropFirst() }
            var sigil: Character?
            if !triple, let first = tag.first, "#^/&!><$=%".contains(first) {
                sigil = first == "&" ? nil : first
                tag = tag.dropFirst()
            }
            tokens.append(.tag(sigil, String(tag).trimmingSpaces()))
        }
        if !rest.isEmpty { tokens.append(.text(rest)) }
        return tokens
    }

    /// The tag of a line that holds one section or comment tag and only blanks besides.
    static func standaloneTag(_ tokens: [Token]) -> Token? {
        var found: Token?
        for token in tokens {
            switch token {
            case .text(let text) where text.allSatisfy(\.isWhitespace): continue
            case .tag(let sigil?, _) where "#^/!".contains(sigil) && found == nil: found = token
            default: return nil
            }
        }
        return found
    }

    static func parse(_ tokens: inout ArraySlice<Token>, closing: String?) -> [Node] {
        var nodes: [Node] = []
        while let token = tokens.popFirst() {
            switch token {
            case .text(let text): nodes.append(.text(text))
            case .tag("!", _): continue
            case .tag("/", let name) where name == closing: return nodes
            case .tag("/", _): continue
            case .tag(let sigil, let name) where sigil == "#" || sigil == "^":
                nodes.append(.section(name, inverted: sigil == "^", parse(&tokens, closing: name)))
            case .tag(_, let name): nodes.append(.value(name))
            case .unclosed: continue
            }
        }
        return nodes
    }

    static func render(_ nodes: [Node], _ values: [String: Any], item: String?, into out: inout String) {
        for node in nodes {
            switch node {
            case .text(let text):
                out += text
            case .value(let name):
                out += name == "." ? (item ?? "") : text(values[name])
            case .section(let name, let inverted, let children):
                let value = values[name]
                let items: [String?]
                switch value {
                case let list as [String]: items = list
                case let flag as Bool: items = flag ? [nil] : []
                case let text as String: items = text.isEmpty ? [] : [text]
                default: items = []
                }
                if inverted {
                    if items.isEmpty { render(children, values, item: item, into: &out) }
                } else {
                    for element in items { render(children, values, item: element ?? item, into: &out) }
                }
            }
        }
    }

    static func text(_ value: Any?) -> String {
        switch value {
        case let text as String: text
        case let flag as Bool: flag ? "true" : ""
        case let number as Int: "\(number)"
        default: ""
        }
    }
}
