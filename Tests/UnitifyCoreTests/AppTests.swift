import Testing
@testable import UnitifyCore

/// The Procfile, an app's jobs rendered from it, and `up`'s plan: all decided with no manager.
@Suite struct ProcfileTests {
    @Test func plainLinesAreShellCommandsAsForemanRunsThem() throws {
        let file = try Procfile.parse("# the shop\nweb: bundle exec rails s -p $PORT\n\nworker:python -u worker.py  \r\n", path: "Procfile")
        #expect(file.lines.map(\.name) == ["web", "worker"])
        #expect(file.lines.map(\.number) == [2, 4])
        #expect(file.lines[0].body == .shell("bundle exec rails s -p $PORT"))
        #expect(file.lines[1].body == .shell("python -u worker.py"))
    }

    @Test func aLineStartingWithADashIsRunsOptions() throws {
        let file = try Procfile.parse("""
            web: --restart always -e PORT=8080 -- ./server --port 8080
            worker: --line 'nohup python -u worker.py > worker.log 2>&1 &'
            """, path: "Procfile")
        #expect(file.lines[0].body == .options(["--restart", "always", "-e", "PORT=8080", "--", "./server", "--port", "8080"]))
        #expect(file.lines[1].body == .options(["--line", "nohup python -u worker.py > worker.log 2>&1 &"]))
    }

    func refusal(_ text: String) -> String? {
        do {
            _ = try Procfile.parse(text, path: "app/Procfile")
            return nil
        } catch {
            #expect(error.exitStatus == 2)
            return error.message
        }
    }

    @Test func badLinesAreNamedWithFileAndLine() {
        #expect(refusal("web: ./server\njust a command\n") == "app/Procfile:2: expected 'name: command', e.g. 'web: ./server --port $PORT'")
        #expect(refusal("web server: ./server") == "app/Procfile:1: 'web server' is not a job name: use letters, digits, _ and -, as in 'web' or 'worker-2'")
        #expect(refusal("web: a\n# x\nweb: b") == "app/Procfile:3: web is already the job of line 1: give each line its own name")
        #expect(refusal("web:   ") == "app/Procfile:1: web has no command: write it after the colon")
        #expect(refusal("web: -e PORT=$PORT -- ./server")?.hasPrefix("app/Procfile:1: ") == true)
        #expect(refusal("web: --restart always -- ./server | tee log")?.hasPrefix("app/Procfile:1: '|' would need a shell") == true)
        #expect(refusal("web: -e 'A=1")?.hasPrefix("app/Procfile:1: unclosed single quote") == true)
        #expect(refusal("# nothing\n\n") == "app/Procfile: no jobs in it: write one 'name: command' a line, e.g. 'web: ./server'")
    }
}

@Suite struct ReadinessTests {
    @Test func parsesEachKind() throws {
        #expect(try Readiness(parsing: "8080", directory: "/srv") == .tcp(8080))
        #expect(try Readiness(parsing: "tcp:5432", directory: "/srv") == .tcp(5432))
        #expect(try Readiness(parsing: "unix:run/app.sock", directory: "/srv") == .unixSocket("/srv/run/app.sock"))
        #expect(try Readiness(parsing: "file:/tmp/ready", directory: "/srv") == .file("/tmp/ready"))
        #expect(try Readiness(parsing: "cmd:curl -sf localhost:8080/health", directory: "/srv") == .command("curl -sf localhost:8080/health"))
        for bad in ["http:80", "tcp:0", "tcp:70000", "unix:", "cmd: ", "ready"] {
            #expect(throws: UnitifyError.self) { try Readiness(parsing: bad, directory: "/srv") }
        }
    }

    @Test func theValueIsAnArgumentNeverPartOfTheScript() {
        let wait = Readiness.tcp(8080).waitCommand
        #expect(wait.first == "/bin/sh" && wait.last == "1F90")
        #expect(wait[2].contains("/proc/net/tcp") && wait[2].contains("$1"))
        #expect(Readiness.hex(5) == "0005" && Readiness.hex(65535) == "FFFF")
        #expect(Readiness.command("test -f 'a b'").waitCommand.last == "test -f 'a b'")
        for readiness in [Readiness.tcp(8080), .unixSocket("/run/a.sock"), .file("/tmp/f"), .command("true")] {
            #expect(Readiness(waitCommand: readiness.waitCommand) == readiness)
        }
        #expect(Readiness(waitCommand: ["/bin/sh", "-c", "true"]) == nil)
    }
}

@Suite struct AppJobsTests {
    static let procfileText = """
        web: ./server --port $PORT
        worker: python3 -u worker.py
        clock: --restart always -e PORT=9000 --after web --ready tcp:9000 -- ./server
        """

    func lines(_ file: Procfile, options: [String: (JobRequest, [String], String?)] = [:]) -> [AppLine] {
        file.lines.map { line in
            guard let (request, after, ready) = options[line.name] else { return AppLine(shell: line) }
            return AppLine(name: line.name, number: line.number, text: line.text, request: request, after: after, ready: ready)
        }
    }

    func jobs(_ text: String = procfileText, dotEnv: [String] = [], basePort: Int = App.firstPort,
              options: [String: (JobRequest, [String], String?)]? = nil) throws(UnitifyError) -> [AppJob] {
        let file = try Procfile.parse(text, path: "Procfile")
        var clock = JobRequest()
        clock.command = ["./server"]
        clock.restart = .always
        clock.env = ["PORT=9000"]
        return try App.jobs(lines(file, options: options ?? ["clock": (clock, ["web"], "tcp:9000")]), app: "shop", procfile: file,
                            absolutePath: "/home/alice/project/Procfile", dotEnv: dotEnv, basePort: basePort, host: FakeHost())
    }

    @Test func eachLineIsAUnitOfTheAppInTheProcfilesDirectory() throws {
        let jobs = try jobs()
        #expect(jobs.map(\.spec.name) == ["shop-web.service", "shop-worker.service", "shop-clock.service"])
        #expect(jobs[0].spec.argv == ["/bin/sh", "-c", "./server --port $PORT"])
        #expect(jobs.allSatisfy { $0.spec.workingDirectory == "/home/alice/project" && $0.spec.app == "shop" })
        #expect(jobs.allSatisfy { $0.text.contains("\n[X-Unitify]\n") && $0.text.contains("\nApp=shop\n") })
        #expect(jobs[0].text.contains("# Generated by unitify from: /home/alice/project/Procfile web: ./server --port $PORT\n"))
        #expect(App.name(inUnitFile: jobs[1].text) == "shop")
    }

    static let threeServers = "web: ./server\napi: ./server\nadmin: ./server\n"

    func ports(_ jobs: [AppJob]) -> [String] { jobs.map { $0.spec.environment.last { $0.hasPrefix("PORT=") } ?? "none" } }

    /// The base, as foreman and honcho take it: `--port`, else `.env`'s `PORT`, else 5000.
    func base(_ given: Int? = nil, dotEnv: [String] = []) throws(UnitifyError) -> Int {
        try App.basePort(given: given, dotEnv: dotEnv, dotEnvPath: "app/.env")
    }

    @Test func noBaseIsFiveThousandAndAHundredMoreEachLine() throws {
        #expect(try base() == 5000)
        #expect(ports(try jobs(Self.threeServers, options: [:])) == ["PORT=5000", "PORT=5100", "PORT=5200"])
    }

    @Test func dotEnvsPortIsTheBaseNotEveryJobsPort() throws {
        let dotEnv = ["PORT=8000", "MODE=prod"]
        #expect(try base(dotEnv: dotEnv) == 8000)
        let jobs = try jobs(Self.threeServers, dotEnv: dotEnv, basePort: try base(dotEnv: dotEnv), options: [:])
        #expect(ports(jobs) == ["PORT=8000", "PORT=8100", "PORT=8200"])
        #expect(jobs.allSatisfy { $0.spec.environment.contains("MODE=prod") && $0.spec.environment.count { $0.hasPrefix("PORT=") } == 1 })
    }

    @Test func portOptionBeatsDotEnv() throws {
        #expect(try base(3000, dotEnv: ["PORT=8000"]) == 3000)
        #expect(ports(try jobs(Self.threeServers, dotEnv: ["PORT=8000"], basePort: 3000, options: [:])) == ["PORT=3000", "PORT=3100", "PORT=3200"])
    }

    @Test func aLinesOwnPortWins() throws {
        // clock (line 3) sets -e PORT=9000; the others keep their place in the file.
        #expect(ports(try jobs(dotEnv: ["PORT=8000"], basePort: 8000)) == ["PORT=8000", "PORT=8100", "PORT=9000"])
        var fromItsFile = JobRequest()
        fromItsFile.shell = "./server"
        fromItsFile.envFiles = ["web.env"]
        let host = FakeHost(files: ["/home/alice/project/web.env": "PORT=7000\n"])
        let file = try Procfile.parse(Self.threeServers, path: "Procfile")
        let lines = file.lines.map { $0.name == "web" ? AppLine(name: "web", number: 1, text: "--env-file web.env -- ./server", request: fromItsFile) : AppLine(shell: $0) }
        let jobs = try App.jobs(lines, app: "shop", procfile: file, absolutePath: "/home/alice/project/Procfile", dotEnv: ["PORT=8000"],
                                basePort: 8000, host: host)
        #expect(ports(jobs) == ["PORT=7000", "PORT=8100", "PORT=8200"])
    }

    @Test func aPortThatIsNoPortIsRefused() throws {
        #expect(throws: UnitifyError.usage("invalid --port '0': give a port from 1 to 65535")) { try App.port(parsing: "0") }
        for bad in ["65536", "http", "-1", ""] { #expect(throws: UnitifyError.self) { try App.port(parsing: bad) } }
        #expect(try App.port(parsing: "65535") == 65535)
        #expect(throws: UnitifyError.usage("app/.env: PORT=web is not a port: give a number from 1 to 65535 (the first job's; each line after gets 100 more)")) {
            try base(dotEnv: ["PORT=web"])
        }
        #expect(throws: UnitifyError.self) { try jobs(Self.threeServers, basePort: 65500, options: [:]) }
    }

    @Test func orderAndReadinessGoIntoTheUnitFile() throws {
        let clock = try jobs()[2]
        #expect(clock.spec.after == ["shop-web.service"])
        #expect(clock.text.contains("\nAfter=shop-web.service\n"))
        #expect(clock.text.contains("\nExecStartPost=@\"/bin/sh\" \"/bin/sh\" \"-c\" \"until grep"))
        #expect(clock.text.contains(" \"unitify-ready\" \"2328\"\n"))
        #expect(!clock.text.contains("Wants="), "a job stopped by its owner must not be pulled back in by another")
    }

    func refusal(_ text: String = procfileText, options: [String: (JobRequest, [String], String?)]) -> String? {
        do {
            _ = try jobs(text, options: options)
            return nil
        } catch {
            #expect(error.exitStatus == 2)
            return error.message
        }
    }

    @Test func badJobsAreNamedWithFileAndLine() {
        var request = JobRequest()
        request.command = ["./server"]
        #expect(refusal(options: ["clock": (request, ["db"], nil)]) == "Procfile:3: --after db: there is no line db in Procfile")
        #expect(refusal(options: ["clock": (request, ["clock"], nil)]) == "Procfile:3: --after clock: a job cannot start after itself")
        #expect(refusal(options: ["web": (request, ["clock"], nil), "clock": (request, ["worker"], nil), "worker": (request, ["web"], nil)])?
            .hasPrefix("Procfile:1: --after makes a circle: web → clock → worker → web") == true)
        #expect(refusal(options: ["clock": (request, [], "tcp:http")]) == "Procfile:3: --ready tcp:http: the port must be a number from 1 to 65535")
        var timer = request
        timer.onCalendar = "daily"
        #expect(refusal(options: ["worker": (timer, [], nil)])?.hasPrefix("Procfile:2: --on-calendar is not for a Procfile line yet") == true)
        var missing = JobRequest()
        missing.command = ["./nothing-here"]
        #expect(refusal(options: ["worker": (missing, [], nil)])?.hasPrefix("Procfile:2: ") == true)
    }
}

/// Copies of a line (issue 30): `up -m web=3,worker=2` and `--scale N`, as foreman runs them.
@Suite struct FormationTests {
    static let procfileText = "web: ./server\nworker: python3 -u worker.py\nclock: ./clock\n"

    func lines(_ formation: String? = nil, scaled: [String: Int] = [:]) throws(UnitifyError) -> [AppLine] {
        let file = try Procfile.parse(Self.procfileText, path: "Procfile")
        let lines = file.lines.map { line in
            var line = AppLine(shell: line)
            line.copies = scaled[line.name]
            return line
        }
        return try formation.map { spec throws(UnitifyError) in try App.applyFormation(spec, to: lines, procfile: "Procfile") } ?? lines
    }

    func jobs(_ formation: String? = nil, scaled: [String: Int] = [:], basePort: Int = App.firstPort) throws(UnitifyError) -> [AppJob] {
        let file = try Procfile.parse(Self.procfileText, path: "Procfile")
        return try App.jobs(try lines(formation, scaled: scaled), app: "shop", procfile: file, absolutePath: "/home/alice/project/Procfile",
                            dotEnv: [], basePort: basePort, host: FakeHost())
    }

    func environment(_ jobs: [AppJob], _ prefix: String) -> [String] {
        jobs.map { job in job.spec.environment.last { $0.hasPrefix(prefix) } ?? "none" }
    }

    @Test func eachCopyIsAJobWithForemansNamePortAndPS() throws {
        let jobs = try jobs("web=3,worker=2", basePort: 8000)
        #expect(jobs.map(\.name) == ["web.1", "web.2", "web.3", "worker.1", "worker.2", "clock"])
        #expect(jobs.map(\.spec.name) == ["shop-web.1.service", "shop-web.2.service", "shop-web.3.service",
                                           "shop-worker.1.service", "shop-worker.2.service", "shop-clock.service"])
        #expect(environment(jobs, "PORT=") == ["PORT=8000", "PORT=8001", "PORT=8002", "PORT=8100", "PORT=8101", "PORT=8200"])
        #expect(environment(jobs, "PS=") == ["PS=web.1", "PS=web.2", "PS=web.3", "PS=worker.1", "PS=worker.2", "PS=clock.1"])
        #expect(jobs.map(\.line) == ["web", "web", "web", "worker", "worker", "clock"])
        #expect(App.job(of: "shop-web.2.service", app: "shop") == "web.2")
        #expect(App.line(ofJob: "web.2") == "web" && App.line(ofJob: "worker-2") == "worker-2")
    }

    @Test func aLineWithNoCountKeepsItsNameAndOneGivenIsNumbered() throws {
        #expect(try jobs().map(\.name) == ["web", "worker", "clock"])
        #expect(try jobs("web=1").map(\.name) == ["web.1", "worker", "clock"])
        #expect(try jobs("all=2,clock=0").map(\.name) == ["web.1", "web.2", "worker.1", "worker.2"])
        #expect(try jobs(scaled: ["worker": 2]).map(\.name) == ["web", "worker.1", "worker.2", "clock"])
        #expect(try jobs("worker=1", scaled: ["worker": 2]).map(\.name) == ["web", "worker.1", "clock"], "-m beats --scale")
    }

    @Test func afterAScaledLineIsAfterEveryCopy() throws {
        let file = try Procfile.parse(Self.procfileText, path: "Procfile")
        var lines = try lines("web=2")
        lines[2].after = ["web"]
        let clock = try App.jobs(lines, app: "shop", procfile: file, absolutePath: "/home/alice/project/Procfile", dotEnv: [], host: FakeHost())[3]
        #expect(clock.spec.after == ["shop-web.1.service", "shop-web.2.service"])
    }

    func refusal(_ formation: String) -> String? {
        do {
            _ = try lines(formation)
            return nil
        } catch {
            #expect(error.exitStatus == 2)
            return error.message
        }
    }

    @Test func aFormationThatIsNoFormationIsOneClearLine() throws {
        #expect(refusal("api=2") == "invalid -m 'api=2': Procfile has no line api: its lines are web, worker, clock (or all)")
        #expect(refusal("web=x") == "invalid -m 'web=x': web: 'x' is not a number of copies: give a whole number, 0 or more (0 runs none)")
        #expect(refusal("web=-1")?.contains("is not a number of copies") == true)
        #expect(refusal("web=1.5")?.contains("is not a number of copies") == true)
        #expect(refusal("web") == "invalid -m 'web': 'web' is not NAME=N: write NAME=N[,NAME=N…], e.g. -m web=3,worker=2 (all=N for every line)")
        #expect(refusal("web=2,,worker=1")?.contains("'' is not NAME=N") == true)
        #expect(refusal("web=1,web=2") == "invalid -m 'web=1,web=2': web is given twice: give each line once")
        #expect(refusal("web=101")?.contains("at most 100, since copy 101 would take the next line's PORT") == true)
        #expect(throws: UnitifyError.self) { try App.copies(parsing: "", what: "--scale") }
        #expect(try App.copies(parsing: "0", what: "--scale") == 0)
    }

    func file(_ name: String) -> String {
        "[Service]\nExecStart=/bin/true \(name)\n\n[X-Unitify]\nVersion=1\nApp=shop\n"
    }

    func job(_ name: String) -> AppJob {
        AppJob(name: name, number: 1, spec: UnitSpec(name: App.unit(app: "shop", job: name), argv: ["/bin/true"], executable: "/bin/true", workingDirectory: "/"), text: file(name))
    }

    @Test func fewerCopiesRemoveTheExtraOnesAndKeepTheFirst() throws {
        let current = ["web.1", "web.2", "web.3", "worker"].map { AppPlan.Current(unit: "shop-\($0).service", text: file($0), isRunning: true, pid: 7) }
        let plan = try AppPlan.make(app: "shop", desired: [job("web.1"), job("worker")], current: current, procfile: "Procfile")
        #expect(plan.preview == ["shop: web.1 unchanged (pid 7)", "shop: worker unchanged (pid 7)",
                                 "shop: web.2 would be removed (not in the formation)", "shop: web.3 would be removed (not in the formation)"])
        #expect(plan.units(.remove) == ["shop-web.2.service", "shop-web.3.service"])
        // `up web` with fewer copies removes web's extra copies, and nothing of the other lines.
        let only = try AppPlan.make(app: "shop", desired: [job("web.1"), job("worker")], current: current + [AppPlan.Current(unit: "shop-gone.service", text: file("gone"), isRunning: true)],
                                    only: ["web"], procfile: "Procfile")
        #expect(only.units(.remove) == ["shop-web.2.service", "shop-web.3.service"] && only.steps.map(\.name) == ["web.1", "web.2", "web.3"])
        // From one job to copies: the job named as the line makes way for the numbered ones.
        let toCopies = try AppPlan.make(app: "shop", desired: [job("worker.1"), job("worker.2")], current: [current[3]], procfile: "Procfile")
        #expect(toCopies.preview == ["shop: worker.1 would start (new)", "shop: worker.2 would start (new)", "shop: worker would be removed (not in the formation)"])
    }
}

@Suite struct AppPlanTests {
    func job(_ name: String, _ text: String) -> AppJob {
        AppJob(name: name, number: 1, spec: UnitSpec(name: App.unit(app: "shop", job: name), argv: ["/bin/true"], executable: "/bin/true", workingDirectory: "/"), text: text)
    }

    func file(_ body: String, app: String? = "shop") -> String {
        "[Service]\nExecStart=\(body)\n\n[X-Unitify]\nVersion=1\n" + (app.map { "App=\($0)\n" } ?? "")
    }

    func plan(_ desired: [AppJob], _ current: [AppPlan.Current], only: Set<String>? = nil) throws(UnitifyError) -> [String: AppPlan.Change] {
        let plan = try AppPlan.make(app: "shop", desired: desired, current: current, only: only, procfile: "Procfile")
        return Dictionary(uniqueKeysWithValues: plan.steps.map { ($0.name, $0.change) })
    }

    @Test func onlyWhatChangedChanges() throws {
        let desired = [job("web", file("a")), job("worker", file("b2")), job("new", file("c")), job("halted", file("d"))]
        let current = [
            AppPlan.Current(unit: "shop-web.service", text: file("a"), isRunning: true),
            AppPlan.Current(unit: "shop-worker.service", text: file("b"), isRunning: true),
            AppPlan.Current(unit: "shop-halted.service", text: file("d"), isRunning: false),
            AppPlan.Current(unit: "shop-gone.service", text: file("e"), isRunning: true),
            AppPlan.Current(unit: "other-web.service", text: file("a", app: "other"), isRunning: true),
            AppPlan.Current(unit: "byhand.service", text: file("a", app: nil), isRunning: true),
        ]
        #expect(try plan(desired, current) == ["web": .unchanged, "worker": .restart, "new": .start, "halted": .startAgain, "gone": .remove])
        let twice = try AppPlan.make(app: "shop", desired: [job("web", file("a"))], current: [current[0]], procfile: "Procfile")
        #expect(twice.changesNothing && twice.filesToWrite.isEmpty)
    }

    @Test func theDryRunSaysEachJobsChangeAndWhyAsUpWouldReportIt() throws {
        let desired = [job("web", file("a")), job("worker", file("b2")), job("new", file("c")), job("halted", file("d"))]
        let current = [
            AppPlan.Current(unit: "shop-web.service", text: file("a"), isRunning: true, pid: 4101),
            AppPlan.Current(unit: "shop-worker.service", text: file("b"), isRunning: true, pid: 4102),
            AppPlan.Current(unit: "shop-halted.service", text: file("d"), isRunning: false),
            AppPlan.Current(unit: "shop-gone.service", text: file("e"), isRunning: true),
        ]
        let plan = try AppPlan.make(app: "shop", desired: desired, current: current, procfile: "app/Procfile")
        #expect(plan.preview == [
            "shop: web unchanged (pid 4101)",
            "shop: worker would restart (command changed)",
            "shop: new would start (new)",
            "shop: halted would start (not running)",
            "shop: gone would be removed (no longer in app/Procfile)",
        ])
    }

    @Test func aRestartNamesWhatOfTheLineChanged() {
        let base = "# Generated by unitify from: /srv/shop/Procfile web: ./server\n[Unit]\nDescription=./server\n\n[Service]\nExecStart=/bin/sh -c ./server\nWorkingDirectory=/srv/shop\nEnvironment=\"PORT=5000\"\n"
        func changed(_ from: String, _ to: String) -> String { AppPlan.changed(from: base.replacing(from, with: to), to: base) }
        #expect(changed("-c ./server", "-c ./server2") == "command changed")
        #expect(changed("PORT=5000", "PORT=8000") == "environment changed")
        #expect(AppPlan.changed(from: base, to: base + "Environment=\"MODE=dev\"\nRestart=always\nAfter=shop-db.service\n") == "environment, order and restart policy changed")
        #expect(AppPlan.changed(from: base, to: base.replacing("ExecStart=/bin/sh -c ./server", with: "ExecStart=/bin/sh -c ./other") + "MemoryMax=1G\n") == "command and limits changed")
        #expect(changed("from: /srv", "from: /opt") == "unit file changed", "a comment is no setting")
    }

    @Test func namedJobsAloneAreAppliedAndNothingIsRemoved() throws {
        let desired = [job("web", file("a2")), job("worker", file("b"))]
        let current = [AppPlan.Current(unit: "shop-web.service", text: file("a"), isRunning: true),
                       AppPlan.Current(unit: "shop-gone.service", text: file("e"), isRunning: true)]
        #expect(try plan(desired, current, only: ["web"]) == ["web": .restart])
    }

    @Test func aNameHeldByAnotherJobIsRefused() {
        func refusal(_ current: AppPlan.Current) -> String? {
            do {
                _ = try plan([job("web", file("a"))], [current])
                return nil
            } catch { return error.message }
        }
        #expect(refusal(.init(unit: "shop-web.service", text: file("a", app: "other"), isRunning: true)) ==
            "Procfile:1: shop-web belongs to app other: rename the line, or give the app another name with --app")
        #expect(refusal(.init(unit: "shop-web.service", text: file("a", app: nil), isRunning: true))?.contains("is a job started with 'unitify run'") == true)
        #expect(refusal(.init(unit: "shop-web.service", text: "[Service]\nExecStart=/bin/true\n", isRunning: true))?.contains("unit file that unitify did not write") == true)
        #expect(refusal(.init(unit: "shop-web.service", text: nil, isRunning: true, isOtherwiseLoaded: true))?.contains("is a unit already") == true)
    }
}
