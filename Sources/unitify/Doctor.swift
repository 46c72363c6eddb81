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

    @OptionGroup var remote: HostOptions

    /// Each target's checks, after its host on other hosts (JSON: one object per target, with
    /// `host` first on other hosts); a host that cannot be reached is a problem in one line.
    /// Exit status 1 when any target has one.
    func run() throws {
        let hosts = try remote.remoteHosts()
        let (json, colour) = (json, Output.standard.usesColour)
        try HostOptions.act(scope: .user, hosts: hosts, parallel: remote.parallel, labelled: !json, throughBroker: true) { target, report in
            let diagnosis = Diagnosis.run(on: target)
            if json {
                report.lines = [JSON.encode(HostDiagnosis(host: target.hostAddress?.description, diagnosis: diagnosis))]
            } else {
                report.lines = DoctorView.lines(diagnosis.checks, colour: colour)
            }
            if !diagnosis.canWork { report.exitStatus = 1 }
        }
    }
}

/// `doctor --json`: a target's diagnosis, after its host's name on another host (none here).
struct HostDiagnosis: Encodable {
    var host: String?
    var diagnosis: Diagnosis

    func encode(to encoder: any Encoder) throws {
        if let host {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(host, forKey: Key("host"))
        }
        try diagnosis.encode(to: encoder)
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
