/// Rendering through a Mustache template (`--template`), each tag checked first.
extension UnitFile {
    /// systemd reads lines of at most 1 MiB (`LONG_LINE_MAX`) and rejects the whole file otherwise.
    static let longestLine = 1 << 20

    /// The default templates, read once per process; their tags are checked by a test, not at
    /// every render.
    static let defaultServiceNodes = Template.parse(defaultServiceTemplate)
    static let defaultTimerNodes = Template.parse(defaultTimerTemplate)

    /// `template` rendered with `values`; nil for the default one of `kind` (`defaultNodes`).
    static func renderTemplate(_ template: String?, defaultNodes: [Template.Node], kind: String, known: [String], values: [String: Any]) throws(UnitifyError) -> String {
        var nodes = defaultNodes
        if let template {
            try checkPlaceholders(template, kind: kind, known: known)
            nodes = Template.parse(template)
        }
        let rendered = Template.render(nodes, values)
        guard isGeneratedByUnitify(rendered) else {
            throw UnitifyError.usage("the \(kind) template has no \(markerSection) section: keep the one of the default template, which is how unitify recognises the files it wrote")
        }
        for (index, line) in rendered.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where line.utf8.count > longestLine {
            throw UnitifyError.usage("line \(index + 1) of the \(kind) file would be longer than systemd's 1 MiB limit: shorten the command or its environment")
        }
        return rendered
    }

    /// A template renders an unknown name as nothing; a typo in a `--template` would silently
    /// drop a setting, so every tag is checked against the known placeholders first. Partials,
    /// blocks, pragmas and delimiter changes are refused: unit files need none of them. The tags
    /// are the renderer's own tokens (`Template.tokenize`), so both read a template alike.
    static func checkPlaceholders(_ text: String, kind: String, known: [String]) throws(UnitifyError) {
        let knownSet = Set(known)
        var open: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            for token in Template.tokenize(line: line) {
                let sigil: Character?, name: String
                switch token {
                case .text:
                    continue
                case .unclosed(let closing):
                    throw UnitifyError.usage("the \(kind) template has a '{{' that is never closed with '\(closing)'")
                case .tag(let tagSigil, let tagName):
                    (sigil, name) = (tagSigil, tagName)
                }
                switch sigil {
                case "!":
                    continue
                case ">", "<", "$", "=", "%":
                    throw UnitifyError.usage("the \(kind) template uses {{\(sigil!)\(display(name))}}: partials, blocks, pragmas and delimiter changes are not supported; use {{name}}, {{#name}}…{{/name}} and {{^name}}…{{/name}}")
                default:
                    break
                }
                let isKnown = knownSet.contains(name) || (name == "." && open.last.map(listVariables.contains) == true)
                guard isKnown else {
                    let hint = name == "." ? " ({{.}} only works inside {{#environment}}…{{/environment}})" : ""
                    throw UnitifyError.usage("the \(kind) template uses unknown placeholder '\(display(name))'\(hint): known placeholders are \(known.joined(separator: ", "))")
                }
                switch sigil {
                case "#", "^":
                    open.append(name)
                case "/":
                    guard open.last == name else {
                        throw UnitifyError.usage("the \(kind) template closes {{/\(name)}} where \(open.last.map { "{{#\($0)}}" } ?? "no section") is open: close sections in the order they were opened")
                    }
                    open.removeLast()
                default:
                    break
                }
            }
        }
        if let unclosed = open.last {
            throw UnitifyError.usage("the \(kind) template never closes {{#\(unclosed)}}: add {{/\(unclosed)}}")
        }
    }
}
