import Testing
@testable import UnitifyCore

@Suite struct SignalNameTests {
    @Test func acceptsWhatKillAccepts() {
        for text in ["HUP", "SIGHUP", "hup", "sighup", "1"] { #expect(SignalName(text)?.number == 1, "\(text)") }
        #expect(SignalName("USR1")?.number == 10)
        #expect(SignalName("SIGUSR2")?.number == 12)
        #expect(SignalName("TERM")?.number == 15)
        #expect(SignalName("9")?.description == "SIGKILL")
        #expect(SignalName("RTMIN")?.number == 34)
        #expect(SignalName("RTMIN+2")?.description == "SIGRTMIN+2")
        #expect(SignalName("SIGRTMAX-1")?.number == 63)
        #expect(SignalName("64")?.number == 64)
    }

    @Test func refusesWhatIsNoSignal() {
        for text in ["", "0", "65", "-1", "HUPP", "SIG", "USR3", "RTMIN+31", "RTMAX+1", "1.5", "SIGSIGHUP"] {
            #expect(SignalName(text) == nil, "\(text)")
        }
        #expect(SignalName.invalid("FOO") == "invalid signal 'FOO': give a name or number as kill -l lists them, e.g. HUP, SIGUSR1, TERM or 9")
    }
}

@Suite struct WaitOutcomeTests {
    func ending(_ unit: String, _ exit: ProcessExit?, failed: Bool = false) -> WaitOutcome.Ending {
        WaitOutcome.Ending(unit: unit, exit: exit, failed: failed)
    }

    @Test func theStatusOfTheFirstJobToFail() {
        let ok = ending("a", ProcessExit(kind: .exited, status: 0))
        let three = ending("b", ProcessExit(kind: .exited, status: 3), failed: true)
        let killed = ending("c", ProcessExit(kind: .killed, status: 9), failed: true)
        #expect(WaitOutcome.exitStatus([]) == 0)
        #expect(WaitOutcome.exitStatus([ok]) == 0)
        #expect(WaitOutcome.exitStatus([ok, three, killed]) == 3)
        #expect(WaitOutcome.exitStatus([killed, three]) == 137)
        // systemd's failure without a failing exit code (a start limit, a timeout): 1.
        #expect(WaitOutcome.exitStatus([ending("d", ProcessExit(kind: .exited, status: 0), failed: true)]) == 1)
        // No exit status kept: it ended, and nothing says it failed.
        #expect(WaitOutcome.exitStatus([ending("e", nil)]) == 0)
    }

    @Test func howEachEndedInWords() {
        #expect(ending("a", ProcessExit(kind: .exited, status: 3), failed: true).words == "exited with status 3")
        #expect(ending("a", ProcessExit(kind: .exited, status: 0)).words == "exited with status 0")
        let limited = WaitOutcome.Ending(unit: "a", exit: ProcessExit(kind: .exited, status: 0), failed: true, result: .startLimitHit)
        #expect(limited.words == "exited with status 0, then failed (start-limit-hit)")
        #expect(ending("a", nil, failed: true).words == "failed")
        #expect(ending("a", nil).words == "had already ended")
    }
}

@Suite struct JobRecordTests {
    func fullSpec() -> UnitSpec {
        var spec = UnitSpec(
            name: "web.service", argv: ["python3", "-c", "print('a\\tb')\nprint(\"$HOME\")", "=x=", ""],
            executable: "/usr/bin/python3", workingDirectory: "/srv/with space",
            environment: ["PATH=/usr/bin:/bin", "PYTHONUNBUFFERED=1", "MULTI=line one\nline two", "BACK=a\\nb"],
            restart: .onFailure, restartDelay: .seconds(2), description: "python3 -c …")
        spec.startLimit = .limit(burst: 3, interval: .seconds(30))
        spec.memoryMax = .percent(permyriad: 2550)
        spec.cpuQuota = try? CPUQuota(parsing: "12.5%")
        spec.nice = -5
        spec.standardOutput = .append("/var/log/web.log")
        spec.standardError = .truncate("/var/log/web.err")
        spec.standardInput = "/dev/null"
        spec.timer = TimerSpec(onCalendar: "*-*-* 03:00", onActive: .seconds(60))
        return spec
    }

    @Test func everyFieldSurvivesARoundTrip() throws {
        var spec = fullSpec()
        spec.hooks = ExitHooks(onExit: "echo done", onFailure: "mail -s \"$MONITOR_UNIT\" me")
        let record = JobRecord(spec: spec)
        let text = record.encoded()
        #expect(try JobRecord(decoding: text, path: "/r") == record)
        // Every value on one line: a newline in a value cannot add a key.
        #expect(!text.contains("\nline two"))
        #expect(text.contains("environment=MULTI=line one\\nline two\n"))
        #expect(text.contains("environment=BACK=a\\\\nb\n"))

        var plain = UnitSpec(name: "a.service", argv: ["sleep", "100"], executable: "/bin/sleep", workingDirectory: "/")
        plain.memoryMax = .bytes(512 << 20)
        plain.startLimit = .unlimited
        #expect(try JobRecord(decoding: JobRecord(spec: plain).encoded(), path: "/r") == JobRecord(spec: plain))
    }

    @Test func theDocumentedLayout() {
        let spec = UnitSpec(
            name: "web.service", argv: ["python3", "-m", "http.server"], executable: "/usr/bin/python3",
            workingDirectory: "/srv/www", environment: ["PYTHONUNBUFFERED=1"], restart: .onFailure, restartDelay: .seconds(1))
        #expect(JobRecord(spec: spec).encoded() == """
            # unitify job record: what 'unitify start' needs to start this job again
            version=1
            name=web.service
            executable=/usr/bin/python3
            argv=python3
            argv=-m
            argv=http.server
            directory=/srv/www
            environment=PYTHONUNBUFFERED=1
            description=python3 -m http.server
            restart=on-failure
            restart_usec=1000000

            """)
    }

    @Test func aDamagedRecordIsOneLineThatNamesIt() {
        let good = JobRecord(spec: UnitSpec(name: "a.service", argv: ["true"], executable: "/bin/true", workingDirectory: "/")).encoded()
        for bad in ["", good.replacing("version=1", with: "version=2"), good.replacing("argv=true\n", with: ""),
                    good + "nice=high\n", good + "no equals sign\n", good + "stdout=\\q\n", good + "restart=sometimes\n",
                    good + "start_limit=5\n", good + "memory_max=lots\n", good + "stdout=somewhere\n"] {
            #expect(throws: UnitifyError.self, "\(bad)") { try JobRecord(decoding: bad, path: "/run/r") }
        }
        #expect(throws: UnitifyError.usage("the job record /run/r is damaged (version 2, not 1): remove it with 'unitify remove' and run the job again")) {
            try JobRecord(decoding: good.replacing("version=1", with: "version=2"), path: "/run/r")
        }
        // Comments and keys a newer unitify may add are passed over.
        #expect((try? JobRecord(decoding: "# note\n" + good + "future_key=1\n", path: "/r")) != nil)
    }
}

@Suite struct JobChangeTests {
    struct Host: UnitifyCore.Host {
        var environment: [String] { ["PATH=/usr/bin:/bin", "FROM_CALLER=yes"] }
        var currentDirectory: String? { "/home/u" }
        func fileKind(_ path: String) -> FileKind {
            ["/usr/bin/python3": .executable, "/srv": .directory, "/home/u": .directory, "/tmp": .directory, "/": .directory][path] ?? .missing
        }
        func readText(_ path: String) throws(UnitifyError) -> String { throw UnitifyError.usage("no file \(path)") }
    }

    let job = UnitSpec(
        name: "web.service", argv: ["python3", "-m", "http.server"], executable: "/usr/bin/python3",
        workingDirectory: "/srv", environment: ["PATH=/opt/bin", "PORT=8080", "PYTHONUNBUFFERED=1"])

    @Test func givenOptionsReplaceTheJobsOwnAndTheCommandStays() throws {
        var request = JobRequest()
        request.restart = .always
        request.env = ["PORT=9090", "FROM_CALLER"]
        let changed = try JobChange.apply(request, to: job, host: Host())
        #expect(changed.argv == job.argv)
        #expect(changed.executable == job.executable)
        #expect(changed.workingDirectory == "/srv")
        #expect(changed.environment == ["PATH=/opt/bin", "PYTHONUNBUFFERED=1", "PORT=9090", "FROM_CALLER=yes"])
        #expect(changed.restart == .always)
        #expect(changed.restartDelay == .seconds(1))
        #expect(changed.startLimit == .unlimited)
        #expect(changed.description == job.description)
    }

    @Test func oneOptionChangesOnlyItself() throws {
        var request = JobRequest()
        request.directory = "/tmp"
        request.logFile = "out.log"
        request.nice = "5"
        let changed = try JobChange.apply(request, to: job, host: Host())
        #expect(changed.workingDirectory == "/tmp")
        #expect(changed.standardOutput == .append("/tmp/out.log"))
        #expect(changed.standardError == .append("/tmp/out.log"))
        #expect(changed.nice == 5)
        #expect(changed.environment == job.environment)
        #expect(changed.restart == .no)
        #expect(try JobChange.apply(JobRequest(), to: job, host: Host()) == job)
        #expect(JobChange.isEmpty(JobRequest()))
        #expect(!JobChange.isEmpty(request))
    }

    @Test func whatRestartCannotChangeIsRefused() {
        var command = JobRequest()
        command.command = ["other"]
        var name = JobRequest()
        name.name = "x"
        var line = JobRequest()
        line.line = "nohup x &"
        var schedule = JobRequest()
        schedule.onCalendar = "daily"
        for request in [command, name, line, schedule] {
            #expect(throws: UnitifyError.self) { try JobChange.apply(request, to: job, host: Host()) }
        }
        var badValue = JobRequest()
        badValue.maxRestarts = "many"
        #expect(throws: UnitifyError.usage("invalid --max-restarts 'many': give a whole number of restarts, 1 or more")) {
            try JobChange.apply(badValue, to: job, host: Host())
        }
        var missing = JobRequest()
        missing.directory = "/nowhere"
        #expect(throws: UnitifyError.self) { try JobChange.apply(missing, to: job, host: Host()) }
    }
}

@Suite struct TopViewTests {
    let rows = [
        TopRow(name: "web", state: "running", cpuPercent: 12.5, memoryBytes: 80 << 20, tasks: 3, restarts: 0, uptime: .seconds(3700), estimated: [.memory, .cpu, .tasks]),
        TopRow(name: "batch", state: "running", cpuPercent: 99.0, memoryBytes: 1 << 20, tasks: 1, restarts: 2, uptime: .seconds(5)),
        TopRow(name: "done", state: "exited"),
    ]

    @Test func oneFrameSortedByCPU() {
        #expect(TopView.frame(rows, sort: .cpu) == [
            "NAME   STATE    CPU%  MEMORY  TASKS  RESTARTS  UPTIME",
            "batch  running  99.0  1M      1      2         5.0s",
            "web    running  12.5  ~80M    ~3     0         1h 1min",
            "done   exited   -     -       -      0         -",
        ])
        #expect(TopView.frame(rows, sort: .cpu, live: true).last == TopView.estimateFootnote)
    }

    @Test func otherSortKeys() {
        func names(_ sort: TopSort) -> [String] {
            TopView.frame(rows, sort: sort).dropFirst().prefix(3).map { String($0.prefix { $0 != " " }) }
        }
        #expect(names(.memory) == ["web", "batch", "done"])
        #expect(names(.name) == ["batch", "done", "web"])
        #expect(names(.restarts) == ["batch", "done", "web"])
        #expect(names(.uptime) == ["web", "batch", "done"])
        #expect(names(.tasks) == ["web", "batch", "done"])
        #expect(TopSort(key: "m") == .memory)
        #expect(TopSort(key: "x") == nil)
        #expect(Set(TopSort.allCases.map(\.key)).count == TopSort.allCases.count)
    }

    @Test func theLiveFrameFitsTheTerminal() {
        let frame = TopView.frame(rows, sort: .name, live: true, width: 30, height: 5)
        #expect(frame[0] == "unitify top: 3 jobs, sorted b…")
        #expect(frame.count <= 5)
        #expect(frame.contains { $0.hasPrefix("… ") && $0.contains("more") })
        #expect(frame.allSatisfy { $0.count <= 30 })
        #expect(TopView.frame([], sort: .cpu) == ["no jobs: start one with 'unitify run -- COMMAND'"])
    }
}

@Suite struct ExitHookTests {
    let job = UnitSpec(name: "web.service", argv: ["./server"], executable: "/srv/server", workingDirectory: "/srv", environment: ["PATH=/usr/bin"])

    @Test func oneUnitPerTriggerWithTheCommandsInOrder() throws {
        let hooks = ExitHooks(onExit: "echo \"$MONITOR_SERVICE_RESULT\" >> /tmp/ends", onFailure: "notify 100%")
        let files = try ExitHook.unitFiles(for: job, hooks: hooks)
        #expect(files.map(\.unit) == ["web-on-success.service", "web-on-failure.service"])
        #expect(files[0].text == """
            # Generated by unitify: runs when web ends successfully (--on-exit)
            [Unit]
            Description=unitify on-success hook of web

            [Service]
            Type=oneshot
            SyslogIdentifier=web-on-success
            WorkingDirectory=/srv
            Environment="PATH=/usr/bin"
            Environment="UNITIFY_JOB=web"
            ExecStart=-@"/bin/sh" "/bin/sh" "-c" "echo \\"$$MONITOR_SERVICE_RESULT\\" >> /tmp/ends"

            """)
        #expect(files[1].text.hasSuffix("""
            ExecStart=-@"/bin/sh" "/bin/sh" "-c" "echo \\"$$MONITOR_SERVICE_RESULT\\" >> /tmp/ends"
            ExecStart=-@"/bin/sh" "/bin/sh" "-c" "notify 100%%"

            """))
        #expect(ExitHook.dependencies(of: job, hooks: hooks).map { "\($0.setting)=\($0.unit)" } == ["OnSuccess=web-on-success.service", "OnFailure=web-on-failure.service"])
    }

    @Test func onlyTheHooksGiven() throws {
        let failureOnly = ExitHooks(onFailure: "true")
        #expect(try ExitHook.unitFiles(for: job, hooks: failureOnly).map(\.unit) == ["web-on-failure.service"])
        #expect(ExitHook.dependencies(of: job, hooks: failureOnly).map(\.setting) == ["OnFailure"])
        #expect(try ExitHook.unitFiles(for: job, hooks: ExitHooks()).isEmpty)
        #expect(throws: UnitifyError.self) { try ExitHook.unitFiles(for: job, hooks: ExitHooks(onExit: "  ")) }
    }
}
