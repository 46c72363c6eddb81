import Testing
@testable import UnitifyCore

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
