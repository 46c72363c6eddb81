import ArgumentParser
import UnitifyCore

// Core's closed sets as option values. The parser takes a case by its raw value, refuses any other
// word naming the choices, and lists them in the help (`allValueStrings`): the help cannot drift
// from the cases. Here, not in core, which does not depend on the argument parser.

/// `journal -o`.
extension LogFormat: ExpressibleByArgument {}

/// `journal --run`.
extension RunSelection: ExpressibleByArgument {}

/// `run`, `generate` and `restart --restart`.
extension RestartPolicy: ExpressibleByArgument {}
