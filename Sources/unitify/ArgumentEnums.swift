import ArgumentParser
import UnitifyCore

/// A closed set of core's as option values. The parser takes a case by its raw value, refuses any
/// other word naming the choices, and lists them in the help (`allValueStrings`): the help cannot
/// drift from the cases. Here, not in core, which does not depend on the argument parser.
///
/// The parser's own defaults for a `CaseIterable` enum are generic code over key paths that
/// costs about 70,000 instructions a call, and it asks a dozen times while parsing any command
/// that has such an option; these ask the cases directly.
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
