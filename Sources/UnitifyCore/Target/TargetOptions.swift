/// The options that name a target again on a command line (`--host web1`, `--system`, or none),
/// as words: a hint renders them with `command`, quoted once, in one place.
public struct TargetOptions: Sendable, Equatable {
    public var words: [String]

    public init(_ words: [String] = []) {
        self.words = words
    }

    /// This machine's user manager: no options.
    public static let none = TargetOptions()
    /// This machine's system manager.
    public static let system = TargetOptions(["--system"])

    /// These hosts, in one `--host` (a comma-separated list, as the user may give it).
    public static func host(_ hosts: [HostAddress]) -> TargetOptions {
        TargetOptions(["--host", hosts.map(\.description).joined(separator: ",")])
    }

    public var isEmpty: Bool { words.isEmpty }

    /// A hint's command, `unitify VERB OPTIONS REST`, or `unitify OPTIONS VERB REST` with
    /// `optionsFirst` (the terminal's hints). `rest` is shell text already: a quoted name, `-f`.
    public func command(_ verb: String, _ rest: String = "", optionsFirst: Bool = false) -> String {
        let options = words.map(ShellWords.quote)
        let middle = optionsFirst ? options + [verb] : [verb] + options
        return (["unitify"] + middle + (rest.isEmpty ? [] : [rest])).joined(separator: " ")
    }
}
