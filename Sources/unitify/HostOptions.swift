import ArgumentParser
import UnitifyClient
import UnitifyCore

/// `--host`: work on other machines over ssh, with nothing of unitify's installed there.
struct HostOptions: ParsableArguments {
    @Option(name: .customLong("host"), help: ArgumentHelp(
        "Work on this host over ssh instead of here: [USER@]HOST[:PORT], an ~/.ssh/config alias too; repeat it or separate hosts with commas (default: $UNITIFY_HOST).",
        valueName: "host"))
    var hosts: [String] = []

    /// The hosts named, else those of `UNITIFY_HOST`; empty for this machine.
    func remoteHosts() throws(UnitifyError) -> [RemoteHost] {
        if !hosts.isEmpty { return try RemoteHost.list(hosts) }
        guard let fromEnvironment = Environment.value("UNITIFY_HOST"), !fromEnvironment.isEmpty else { return [] }
        return try RemoteHost.list([fromEnvironment])
    }
}

/// What one host said in a fleet command: lines for stdout and notes for stderr, each printed
/// after the host's name, and a non-zero status when its part failed after all (a crash seen).
struct HostReport: Sendable {
    var lines: [String] = []
    var notes: [String] = []
    var exitStatus: Int32 = 0
    /// The job the host's part was about, for lines printed once after every host's.
    var unit: String?
}

extension HostOptions {
    /// `--system` has no meaning on another host: unitify works with the user's manager there.
    static func refuseSystem(_ system: Bool) throws(UnitifyError) {
        guard !system else { throw UnitifyError.usage("--system and --host exclude each other: on another host unitify works with your user manager there") }
    }

    /// Runs `body` on every host at once, then prints what each said in the order of the hosts:
    /// its lines on stdout and its notes on stderr, each after the host's name, then its failure
    /// in one line (what it said before failing is kept). Throws the exit status when any host
    /// failed: theirs when they agree, else 1.
    /// `labelled`: false for lines that name the host themselves (JSON).
    /// `finally` hears the reports of the hosts that answered, after their lines and before the exit.
    static func act(on hosts: [RemoteHost], labelled: Bool = true, finally: ([(host: RemoteHost, report: HostReport)]) -> Void = { _ in },
                    _ body: @escaping @Sendable (ReachedHost, inout HostReport) throws -> Void) throws {
        let results = Fleet(hosts: hosts).onEach { reached -> (HostReport, UnitifyError?) in
            var report = HostReport()
            do {
                try body(reached, &report)
                return (report, nil)
            } catch {
                return (report, UnitifyError(recognizing: error, overSSH: true) ?? .failed("\(error)"))
            }
        }
        var statuses: Set<Int32> = []
        var reports: [(host: RemoteHost, report: HostReport)] = []
        let out = Output.standard
        for (host, result) in results {
            var failure: UnitifyError?
            var prefix = true  // the body's failures do not name the host; the connection's do
            switch result {
            case .success(let (report, error)):
                reports.append((host, report))
                for note in report.notes { printError("unitify: \(host): \(note)") }
                for line in report.lines { out.line(labelled ? "\(host): \(line)" : line) }
                if report.exitStatus != 0 { statuses.insert(report.exitStatus) }
                failure = error
            case .failure(let error):
                failure = error
                prefix = false
            }
            guard let failure else { continue }
            if !failure.message.isEmpty { printError("unitify: \(prefix ? "\(host): " : "")\(failure.message)") }
            statuses.insert(failure.exitStatus)
        }
        finally(reports)
        out.flush()
        if let status = statuses.first { throw UnitifyError.exit(statuses.count == 1 ? status : 1) }
    }

    /// Linger on the host before a job starts there: turned on when off (said unless `quiet`).
    /// Where logind will not, the job is not started: it would stop when unitify's ssh session
    /// ends, a few seconds later. `--no-linger` (`enable` false) starts it anyway, with a warning.
    static func ensureLinger(_ enable: Bool, on reached: ReachedHost, for unit: String, quiet: Bool, into report: inout HostReport) throws {
        let outcome = Linger.ensure(enable: enable, on: reached)
        let user = reached.answer.user
        if case .refused(let reason) = outcome {
            throw UnitifyError.failed("linger is off for \(user) there and cannot be enabled (\(reason)), so \(UnitName.shortName(unit)) would stop when unitify's ssh session ends: ask an administrator there to run 'loginctl enable-linger \(user)', or add --no-linger to start it anyway")
        }
        guard let line = Linger.report(outcome, unit: unit, user: user), !(outcome == .enabled && quiet) else { return }
        report.notes.append(line)
    }

    /// The `--host` words that reach these hosts again, for the hints after a command.
    static func words(_ hosts: [RemoteHost]) -> String {
        "--host " + ShellWords.quote(hosts.map(\.description).joined(separator: ","))
    }
}
