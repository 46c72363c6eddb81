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
            jobs in the same order, each after the ones it follows are ready.
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

    func run() throws {
        let window = try TimeSpan(parsing: check)
        let (app, desired) = try appFile.jobs()
        for name in names where !desired.contains(where: { $0.name == name }) {
            throw UnitifyError.usage("\(appFile.file) has no line \(name): the jobs in it are \(desired.map(\.name).joined(separator: ", "))")
        }
        let jobs = try Jobs.connect(.user)
        let current = try jobs.appState(app: app, desired: desired.map(\.spec.name))
        let plan = try AppPlan.make(app: app, desired: desired, current: current, only: names.isEmpty ? nil : Set(names), procfile: appFile.file)
        let out = Output.standard
        if plan.changesNothing {
            if !quiet { out.line("\(app): nothing changed (\(plan.steps.count) \(plan.steps.count == 1 ? "job" : "jobs") running)") }
            return
        }
        if let first = plan.units(.start).first ?? plan.units(.startAgain).first { lingering.ensure(for: first, scope: .user, quiet: quiet) }
        let readiness = Dictionary(desired.map { ($0.spec.name, $0.spec.readiness) }, uniquingKeysWith: { first, _ in first })
        let outcomes = try jobs.apply(plan, window: window)
        var failed: [AppOutcome] = []
        for outcome in outcomes {
            if outcome.failure != nil {
                failed.append(outcome)
                continue
            }
            if !quiet { out.line("\(app): " + Self.summary(outcome, readiness: readiness[outcome.step.unit] ?? nil)) }
        }
        for outcome in failed {
            printError("unitify: \(app): \(outcome.step.name) did not start: \(outcome.failure ?? "")")
            if let status = outcome.status {
                printError("last lines of its log:")
                UnitLog.printLastLines(of: status, 10, to: .error)
            }
        }
        if !quiet && failed.count < outcomes.count && plan.steps.contains(where: { $0.change != .remove }) {
            for line in ["  logs:   unitify journal \(app) -f", "  status: unitify status \(app)", "  remove: unitify down"] { out.line(line) }
        }
        if !failed.isEmpty {
            printError("unitify: \(app): \(failed.count) of \(outcomes.count) \(outcomes.count == 1 ? "job" : "jobs") did not start; the others are running: fix the line and run 'unitify up' again")
            throw UnitifyError.exit(1)
        }
    }

    /// `web started (pid 4101, ready: tcp:5000)`.
    static func summary(_ outcome: AppOutcome, readiness: Readiness?) -> String {
        let pid = outcome.status.map { $0.mainPID == 0 ? "" : "pid \($0.mainPID)" } ?? ""
        let ready = readiness.map { "ready: \($0)" }
        let details = [pid.isEmpty ? nil : pid, outcome.step.change == .unchanged ? nil : ready].compactMap { $0 }
        let verb: String = switch outcome.step.change {
        case .start, .startAgain: "started"
        case .restart: "restarted"
        case .unchanged: "unchanged"
        case .remove: "removed"
        }
        return "\(outcome.step.name) \(verb)" + (details.isEmpty ? "" : " (\(details.joined(separator: ", ")))")
    }
}
