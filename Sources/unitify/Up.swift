import ArgumentParser
import UnitifyClient
import UnitifyCore

struct Up: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Start an app's jobs from its Procfile, or apply the changes made to it.",
        discussion: """
            Each line 'name: command' becomes a persistent job of the app, run with /bin/sh -c in \
            the Procfile's directory, with the .env beside it and PORT set as foreman sets it \
            (5000, 5100, …) unless the line or .env sets it. A line whose command starts with '-' \
            gives run's own options instead, plus --after NAME and --ready CHECK:

              web: ./server --port $PORT
              db: --ready tcp:5432 -- postgres -D data
              worker: --after db --restart always -- python3 -u worker.py
              legacy: --line 'nohup ./legacy > legacy.log 2>&1 &'

            The whole file is checked first: a bad line is reported as FILE:LINE and nothing is \
            touched. Then new jobs are started, changed ones restarted, unchanged ones left alone, \
            and jobs of the app no longer in the file stopped and removed. Jobs of other apps, and \
            jobs started with 'unitify run', are never touched. After a reboot systemd starts the \
            jobs in the same order, each after the ones it follows are ready. With --host the \
            file is applied on each host, in the directory of the same path there.
            """
    )

    @OptionGroup var appFile: AppFileOptions

    @Argument(help: "Apply only these lines (default: all, and remove the app's jobs no longer in the file).")
    var names: [String] = []

    @Option(help: ArgumentHelp("Watch the started jobs this long and report those that do not stay up.", valueName: "duration"))
    var check: String = "500ms"

    @Flag(name: .shortAndLong, help: "Print nothing on success.")
    var quiet = false

    @OptionGroup var lingering: LingerOptions

    @OptionGroup var remote: HostOptions

    func run() throws {
        let window = try TimeSpan(parsing: check)
        let loaded = try appFile.load()
        for name in names where !loaded.lines.contains(where: { $0.name == name }) {
            throw UnitifyError.usage("\(appFile.file) has no line \(name): the jobs in it are \(loaded.lines.map(\.name).joined(separator: ", "))")
        }
        let only = names.isEmpty ? nil : Set(names)
        let hosts = try remote.remoteHosts()
        if !hosts.isEmpty { return try upOn(hosts, loaded, only: only, window: window) }

        let desired = try loaded.jobs(host: LiveHost())
        let jobs = try Jobs.connect(.user)
        let plan = try AppPlan.make(app: loaded.app, desired: desired, current: try jobs.appState(app: loaded.app, desired: desired.map(\.spec.name)),
                                    only: only, procfile: appFile.file)
        let out = Output.standard
        guard !plan.changesNothing else {
            if !quiet { out.line(Self.nothingChanged(plan)) }
            return
        }
        if let first = Self.firstStarted(plan) { lingering.ensure(for: first, scope: .user, quiet: quiet) }
        let outcomes = try jobs.apply(plan, window: window)
        for line in Self.summary(outcomes, desired) where !quiet { out.line(line) }
        let failed = outcomes.filter { $0.failure != nil }
        for outcome in failed {
            printError("unitify: \(Self.failureLine(outcome, plan))")
            if let status = outcome.status {
                printError("last lines of its log:")
                UnitLog.printLastLines(of: status, 10, to: .error)
            }
        }
        if !quiet && failed.count < outcomes.count && plan.steps.contains(where: { $0.change != .remove }) {
            for line in ["  logs:   unitify journal \(plan.app) -f", "  status: unitify status \(plan.app)", "  remove: unitify down"] { out.line(line) }
        }
        if !failed.isEmpty {
            printError("unitify: \(plan.app): \(failed.count) of \(outcomes.count) \(outcomes.count == 1 ? "job" : "jobs") did not start; the others run: fix the line and run 'unitify up' again")
            throw UnitifyError.exit(1)
        }
    }

    /// `--host`: the file applied on every host at once, each checked, planned and reported on its own.
    func upOn(_ hosts: [RemoteHost], _ loaded: LoadedApp, only: Set<String>?, window: TimeSpan) throws {
        let (file, quiet, linger) = (appFile.file, quiet, lingering.linger)
        try HostOptions.act(on: hosts) { reached, report in
            let desired = try loaded.jobs(host: try RemoteJobHost(reached.connection))
            let jobs = reached.jobs
            let plan = try AppPlan.make(app: loaded.app, desired: desired, current: try jobs.appState(app: loaded.app, desired: desired.map(\.spec.name)),
                                        only: only, procfile: file)
            guard !plan.changesNothing else {
                if !quiet { report.lines.append(Self.nothingChanged(plan)) }
                return
            }
            if let first = Self.firstStarted(plan) { try reached.ensureLinger(linger, for: first, quiet: quiet, into: &report) }
            let outcomes = try jobs.apply(plan, window: window)
            if !quiet { report.lines += Self.summary(outcomes, desired) }
            for outcome in outcomes where outcome.failure != nil {
                report.notes.append(Self.failureLine(outcome, plan))
                if let status = outcome.status { report.notes += ["last lines of its log:"] + ((try? reached.lastLines(of: status, 10)) ?? []).map { "  " + $0 } }
                report.exitStatus = 1
            }
        }
    }

    static func nothingChanged(_ plan: AppPlan) -> String {
        "\(plan.app): nothing changed (\(plan.steps.count) \(plan.steps.count == 1 ? "job" : "jobs") running)"
    }

    static func firstStarted(_ plan: AppPlan) -> String? {
        plan.steps.first { $0.change == .start || $0.change == .startAgain }?.unit
    }

    static func failureLine(_ outcome: AppOutcome, _ plan: AppPlan) -> String {
        "\(plan.app): \(outcome.step.name) did not start: \(outcome.failure ?? "")"
    }

    /// A line for each job that came out well: `shop: web started (pid 4101, ready: tcp:5000)`.
    static func summary(_ outcomes: [AppOutcome], _ desired: [AppJob]) -> [String] {
        outcomes.filter { $0.failure == nil }.map { outcome in
            let readiness = desired.first { $0.spec.name == outcome.step.unit }?.spec.readiness
            let pid = outcome.status.flatMap { $0.mainPID == 0 ? nil : "pid \($0.mainPID)" }
            let ready = outcome.step.change == .unchanged ? nil : readiness.map { "ready: \($0)" }
            let details = [pid, ready].compactMap { $0 }
            let verb: String = switch outcome.step.change {
            case .start, .startAgain: "started"
            case .restart: "restarted"
            case .unchanged: "unchanged"
            case .remove: "removed"
            }
            let app = desired.first?.spec.app ?? ""
            return "\(app): \(outcome.step.name) \(verb)" + (details.isEmpty ? "" : " (\(details.joined(separator: ", ")))")
        }
    }
}
