import ArgumentParser
import UnitifyCore

/// A closed set of core's as option values. The parser takes a case by its raw value, refuses any
/// other word naming the choices, and lists them in the help (`allValueStrings`): the help cannot
/// drift from the cases. Here, not in core, which does not depend on the argument parser.
///
/// Two things keep such an option cheap to parse, as every command parses all its options:
/// - The parser's own value lists for a `CaseIterable` enum are generic code over key paths that
///   costs about 70,000 instructions a call, and it asks a dozen times; these ask the cases directly.
/// - Such an option is optional and says its default in its help (`-o`, "default: short"):
///   a default value costs the parser a dynamic cast of the value to `CaseIterable &
///   RawRepresentable`, some 170,000 instructions for each protocol of each enum.
protocol ArgumentChoices: ExpressibleByArgument, CaseIterable, RawRepresentable<String> {}

extension ArgumentChoices {
    public static var allValueStrings: [String] { allCases.map { $0.rawValue } }
    /// None: the help shows the raw values themselves.
    public static var allValueDescriptions: [String: String] { [:] }
    public var defaultValueDescription: String { rawValue }
}

/// `journal -o`.
extension LogFormat: ArgumentChoices {}

/// `journal --run`.
extension RunSelection: ArgumentChoices {}

/// `run`, `generate` and `restart --restart`.
extension RestartPolicy: ArgumentChoices {}
