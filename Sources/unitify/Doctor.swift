import ArgumentParser
import UnitifyClient
import UnitifyCore

struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check that unitify can work here, what limits it, and how to fix each thing.",
        discussion: """
            Checks the user manager (and why it cannot be reached), systemd's version, whether \
            you can read your jobs' journal lines, linger, logind's KillUserProcesses, the cgroup \
            controllers behind --memory-max and --cpu-quota, and the session bus behind run --wait. \
            Each check ends in ok, warning or problem, with the fix in one line. Exit status: 0 when \
            unitify can work here, 1 when a problem stops it.
            """
    )

    @Flag(help: "Print JSON: uid, user, systemd_version, can_work, and checks with name, title, verdict, summary and fix.")
    var json = false

    func run() throws {
        let diagnosis = Diagnosis.run()
        let out = Output.standard
        if json {
            out.line(JSON.encode(diagnosis))
        } else {
            for line in DoctorView.lines(diagnosis.checks, colour: out.usesColour) { out.line(line) }
        }
        if !diagnosis.canWork { throw UnitifyError.exit(1) }
    }
}
