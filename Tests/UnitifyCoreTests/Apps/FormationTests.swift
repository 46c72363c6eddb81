import Testing
@testable import UnitifyCore

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
                            dotEnv: [], basePort: basePort, host: FakeSite())
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

    /// A line given no count now keeps the numbered copies that run (from an earlier `-m`), so
    /// that scaling one line never replaces another's jobs; a line given a count, or one that
    /// runs under its own name, is as given.
    @Test func aLineGivenNoCountKeepsTheCopiesThatRun() throws {
        let running = ["shop-web.1.service", "shop-web.2.service", "shop-web.3.service", "shop-worker.1.service", "shop-clock.service"]
        let kept = App.keepingCopies(try lines("web=1"), app: "shop", units: running)
        #expect(kept.map(\.copies) == [1, 1, nil], "web as given, worker's one numbered copy kept, clock under its own name")
        #expect(App.keepingCopies(try lines(), app: "shop", units: running).map(\.copies) == [3, 1, nil])
        #expect(App.keepingCopies(try lines("worker=0"), app: "shop", units: running).map(\.copies) == [3, 0, nil])
        #expect(App.keepingCopies(try lines(), app: "shop", units: []).map(\.copies) == [nil, nil, nil])
        // Both forms there (a name the line had before): its own name wins, as before copies.
        #expect(App.keepingCopies(try lines(), app: "shop", units: ["shop-web.service", "shop-web.1.service"]).map(\.copies) == [nil, nil, nil])
    }

    @Test func afterAScaledLineIsAfterEveryCopy() throws {
        let file = try Procfile.parse(Self.procfileText, path: "Procfile")
        var lines = try lines("web=2")
        lines[2].after = ["web"]
        let clock = try App.jobs(lines, app: "shop", procfile: file, absolutePath: "/home/alice/project/Procfile", dotEnv: [], host: FakeSite())[3]
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
