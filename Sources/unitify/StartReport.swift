import UnitifyClient
import UnitifyCore

/// What `run`, `start` and `restart` say once after every target's lines: how to see the jobs
/// they started again, with the options that reach where they started (`--host` words, `--system`).
enum StartReport {
    /// Printed from `HostOptions.report`'s `finally`: the hints for each job that started on
    /// some target, nothing with `quiet`.
    static func printHints(_ outcomes: [TargetOutcome], scope: ManagerScope, quiet: Bool) {
        guard !quiet else { return }
        for job in started(outcomes) {
            for line in hints(job.unit, place: HostOptions.place(job.hosts, scope: scope)) { Output.standard.line(line) }
        }
    }

    /// A job that started, and the hosts where it did (none here). A struct, not a tuple: an
    /// array of labelled tuples costs start-up its metadata, built from the tuple's mangled name.
    struct Started {
        var unit: String
        var hosts: [HostAddress]
    }

    /// Each job that started, in the order first seen, with the hosts where it did (none here).
    static func started(_ outcomes: [TargetOutcome]) -> [Started] {
        var started: [Started] = []
        for outcome in outcomes {
            for unit in outcome.report?.units ?? [] {
                if let index = started.firstIndex(where: { $0.unit == unit }) {
                    started[index].hosts += outcome.host.map { [$0] } ?? []
                } else {
                    started.append(Started(unit: unit, hosts: outcome.host.map { [$0] } ?? []))
                }
            }
        }
        return started
    }

    static func hints(_ unit: String, place: TargetOptions) -> [String] {
        let short = ShellWords.quote(UnitName.shortName(unit))
        return ["  logs:   " + place.command("journal", short + " -f"),
                "  status: " + place.command("status", short),
                "  stop:   " + place.command("stop", short)]
    }
}
