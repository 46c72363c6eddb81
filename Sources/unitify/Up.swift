import ArgumentParser
import UnitifyClient
import UnitifyCore

struct Up: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Start an app's jobs from its Procfile, or apply the changes made to it.",
        discussion: """
            Each line 'name: command' becomes a persistent job of the app, run with /bin/sh -c in \
            the Procfile's directory, with the .env beside it and PORT set as foreman sets it: the \
            first line gets the base (--port, else PORT in .env, else 5000) and each line after \
            100 more (5000, 5100, …), unless the line sets its own (-e PORT=N or its --env-file). \
            A line whose command starts with '-' gives run's own options instead, plus --after \
            NAME, --ready CHECK and --scale N:

              web: ./server --port $PORT
              db: --ready tcp:5432 -- postgres -D data
              worker: --after db --restart always -- python3 -u worker.py
              legacy: --line 'nohup ./legacy > legacy.log 2>&1 &'
              queue: --scale 2 -- ./queue-worker

            Copies, as foreman runs them: -m web=3,worker=2 (or --scale N on the line) runs N \
            copies of a line, each its own job web.1, web.2, web.3 (unit APP-web.1.service…), \
            with PORT the line's plus 1 a copy (5000, 5001, 5002) and PS=web.1, web.2…; a line \
            with no count given is one job named as the line (PS=web.1). all=N counts every line \
            -m does not name; NAME=0 runs none. The count is part of what up applies: up -m \
            web=1 after web=3 keeps web.1 and removes web.2 and web.3, and an up without -m \
            goes back to the file's counts. Each copy is restarted alone when it crashes (with a \
            --restart policy on the line), and --after web waits for every copy of web.

            The whole file is checked first: a bad line is reported as FILE:LINE and nothing is \
            touched. Then new jobs are started, changed ones restarted, unchanged ones left alone, \
            and jobs of the app no longer in the file stopped and removed. Jobs of other apps, and \
            jobs started with 'unitify run', are never touched. After a reboot systemd starts the \
            jobs in the same order, each after the ones it follows are ready. With --host the \
            file is applied on each host, in the directory of the same path there.

            --dry-run says what up would do, a line a job, and touches nothing (no file written, \
            no job started, stopped or enabled; exit 0):

              shop: web would start (new)
              shop: worker would restart (command changed)
              shop: db unchanged (pid 4101)
              shop: old would be removed (no longer in Procfile)
            """
    )

    @OptionGroup var appFile: AppFileOptions

    @Argument(help: "Apply only these lines (default: all, and remove the app's jobs no longer in the file).")
    var names: [String] = []

    @Option(help: ArgumentHelp("Watch the started jobs this long and report those that do not stay up.", valueName: "duration"))
    var check: String = "500ms"

    @Option(name: .shortAndLong, help: ArgumentHelp("The first line's PORT (default: PORT in .env, or 5000); each line after gets 100 more.", valueName: "port"))
    var port: String?

    @Option(name: [.customShort("m"), .long], help: ArgumentHelp("How many copies of each line: NAME=N[,NAME=N…], all=N for every line not named; a line left out keeps its --scale, else the copies that run, else one.", valueName: "formation"))
    var formation: String?

    @Flag(name: .shortAndLong, help: "Print nothing on success.")
    var quiet = false

    @Flag(help: "Print what up would do to each job and why (would start, would restart, unchanged, would be removed), and change nothing.")
    var dryRun = false

    @OptionGroup var lingering: LingerOptions

    @OptionGroup var remote: HostOptions

    func run() throws {
        let window = try TimeSpan(parsing: check)
        let givenPort = try port.map { text throws(UnitifyError) in try App.port(parsing: text) }
        var loaded = try appFile.load()
        if let formation { loaded.lines = try App.applyFormation(formation, to: loaded.lines, procfile: appFile.file) }
        loaded.basePort = try App.basePort(given: givenPort, dotEnv: loaded.dotEnv, dotEnvPath: appFile.dotEnvName)
        for name in names where !loaded.lines.contains(where: { $0.name == name }) {
            throw UnitifyError.usage("\(appFile.file) has no line \(name): the jobs in it are \(loaded.lines.map(\.name).joined(separator: ", "))")
        }
        var order = UpOrder(loaded: loaded, only: names.isEmpty ? nil : Set(names), procfile: appFile.file, window: window)
        order.linger = lingering.linger
        order.quiet = quiet
        order.dryRun = dryRun
        order.formation = formation != nil
        try HostOptions.act(scope: .user, hosts: try remote.remoteHosts(), parallel: remote.parallel, finally: { [order] in Self.printHints($0, quiet: order.quiet) }) { [order] target, report in
            try target.up(order, into: &report)
        }
    }

    /// How to see the app again, once after every target's lines, when something of it runs.
    static func printHints(_ outcomes: [TargetOutcome], quiet: Bool) {
        guard !quiet, let started = StartReport.started(outcomes).first else { return }
        let (place, app) = (HostOptions.place(started.hosts, scope: .user), started.unit)
        for line in ["  logs:   " + place.command("journal", app + " -f"), "  status: " + place.command("status", app), "  remove: " + place.command("down")] {
            Output.standard.line(line)
        }
    }
}
