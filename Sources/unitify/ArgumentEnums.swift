import ArgumentParser
import UnitifyCore

/// A closed set of core's as option values. The parser takes a case by its raw value, refuses any
/// other word naming the choices, and lists every case with what it means in the help and the
/// man page (`allValueStrings`, `allValueDescriptions`): the help cannot drift from the cases.
/// Here, not in core, which does not depend on the argument parser.
///
/// Two things keep such an option cheap to parse, as every command parses all its options:
/// - The parser's own value lists for a `CaseIterable` enum are generic code over key paths that
///   costs about 70,000 instructions a call, and it asks a dozen times; these ask the cases directly.
/// - Such an option is optional and says its default in its help (`-o`, "default: short"):
///   a default value costs the parser a dynamic cast of the value to `CaseIterable &
///   RawRepresentable`, some 170,000 instructions for each protocol of each enum.
protocol ArgumentChoices: ExpressibleByArgument, CaseIterable, RawRepresentable<String> {
    /// What choosing this case does, in a few words.
    var meaning: String { get }
}

extension ArgumentChoices {
    public static var allValueStrings: [String] { allCases.map { $0.rawValue } }
    public static var allValueDescriptions: [String: String] {
        var descriptions: [String: String] = [:]
        for choice in allCases { descriptions[choice.rawValue] = choice.meaning }
        return descriptions
    }
    public var defaultValueDescription: String { rawValue }
}

/// `journal -o`.
extension LogFormat: ArgumentChoices {
    var meaning: String {
        switch self {
        case .short: "Time, program[pid] and message, as journalctl's short."
        case .shortIso: "The same with an ISO 8601 time and its zone."
        case .shortPrecise: "The same with microseconds."
        case .cat: "The message alone."
        case .json: "One JSON object a line."
        }
    }
}

/// `journal --run`.
extension RunSelection: ArgumentChoices {
    var meaning: String {
        switch self {
        case .current: "The run the manager calls current (else the last)."
        case .previous: "The run before it."
        case .all: "Every run."
        }
    }
}

/// `run`, `generate` and `restart --restart`: systemd's words, systemd.service(5) "Restart=".
extension RestartPolicy: ArgumentChoices {
    var meaning: String {
        switch self {
        case .no: "Never."
        case .onSuccess: "After a clean exit."
        case .onFailure: "After an unclean exit code or signal, a timeout or the watchdog."
        case .onAbnormal: "After an unclean signal, a timeout or the watchdog."
        case .onAbort: "After an unclean signal."
        case .onWatchdog: "After the watchdog's timeout."
        case .always: "After any end."
        }
    }
}
