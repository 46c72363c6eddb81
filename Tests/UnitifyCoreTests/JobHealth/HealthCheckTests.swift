import Testing
@testable import UnitifyCore

/// Health checks: the forms `--health` takes (those of `--ready`, and http:URL), the pace and
/// limit, what is refused, the command line read back beneath and around the other helpers, and
/// the checker's state file as `status` shows it.
@Suite struct HealthCheckTests {
    @Test(arguments: [
        ("tcp:8080", HealthProbe.ready(.tcp(8080))), ("8080", .ready(.tcp(8080))),
        ("unix:/run/app.sock", .ready(.unixSocket("/run/app.sock"))), ("file:alive", .ready(.file("/srv/app/alive"))),
        ("cmd:curl -sf localhost/health", .ready(.command("curl -sf localhost/health"))),
        ("http://localhost:8080/health", .http(host: "localhost", port: 8080, path: "/health")),
        ("http://example.com", .http(host: "example.com", port: 80, path: "/")),
        ("http://127.0.0.1?x=1", .http(host: "127.0.0.1", port: 80, path: "/?x=1")),
        ("http://[::1]:9000/ping?deep=1", .http(host: "::1", port: 9000, path: "/ping?deep=1")),
    ] as [(String, HealthProbe)])
    func forms(_ text: String, _ probe: HealthProbe) throws {
        #expect(try HealthProbe(parsing: text, directory: "/srv/app") == probe)
        // What the command line carries reads back as the same check.
        #expect(try HealthProbe(parsing: probe.description, directory: "/") == probe)
    }

    @Test(arguments: [
        ("https://example.com/", "--health https://example.com/: only plain http:// is checked (no TLS): give http://host[:port]/path, or a cmd: check"),
        ("http://host:0/", "--health http://host:0/: the port must be a number from 1 to 65535"),
        ("http://host:http/", "--health http://host:http/: the port must be a number from 1 to 65535"),
        ("http:///path", "--health http:///path: give http://host[:port]/path"),
        ("http:host", "--health http:host: only plain http:// is checked (no TLS): give http://host[:port]/path, or a cmd: check"),
        ("tcp:99999", "--health tcp:99999: the port must be a number from 1 to 65535"),
        ("cmd: ", "--health cmd: : the command is empty"),
        ("ftp:x", "--health ftp:x: give tcp:PORT, unix:PATH, file:PATH, 'cmd:COMMAND' or http:URL (a bare number is a TCP port)"),
    ])
    func refused(_ text: String, _ message: String) {
        #expect(throws: UnitifyError.usage(message)) { try HealthProbe(parsing: text, directory: "/") }
    }

    func request(_ configure: (inout JobRequest) -> Void) throws(UnitifyError) -> UnitSpec {
        var request = JobRequest()
        request.command = ["./server"]
        configure(&request)
        return try request.makeSpec(host: FakeSite()).0
    }

    @Test func defaultsAndRefusedPaceOrLimit() throws {
        let spec = try request { $0.health = "tcp:8080" }
        #expect(spec.health == HealthCheck(probe: .ready(.tcp(8080)), every: .seconds(10), failures: 3))
        #expect(spec.helper == "/usr/bin/unitify")
        #expect(spec.health?.timeout == .seconds(10))
        let fast = try request { $0.health = "file:up"; $0.healthEvery = "2s"; $0.healthFailures = "1" }
        #expect(fast.health == HealthCheck(probe: .ready(.file("/home/alice/project/up")), every: .seconds(2), failures: 1))
        #expect(fast.health?.timeout == .seconds(2))
        #expect(try request { $0.health = "80"; $0.healthEvery = "1min" }.health?.timeout == .seconds(10))
        #expect(throws: UnitifyError.usage("--health-every 500ms: give a duration of 1s or more, such as 10s or 1min")) {
            try request { $0.health = "80"; $0.healthEvery = "500ms" }
        }
        #expect(throws: UnitifyError.usage("--health-failures 0: give a number from 1 to 1000 (failures in a row before the job is restarted)")) {
            try request { $0.health = "80"; $0.healthFailures = "0" }
        }
        #expect(throws: UnitifyError.usage("--health-every goes with a check: add --health CHECK (tcp:PORT, unix:PATH, file:PATH, 'cmd:COMMAND' or http:URL)")) {
            try request { $0.healthEvery = "5s" }
        }
        #expect(throws: UnitifyError.usage("--health needs unitify installed where the job runs: its checker runs in the job")) {
            var request = JobRequest()
            request.command = ["./server"]
            request.health = "8080"
            _ = try request.makeSpec(host: WithoutUnitify())
        }
    }

    @Test func theCheckIsOutermostAndReadsBackWithTheOtherHelpers() {
        var spec = UnitSpec(name: "web.service", argv: ["python3", "-m", "http.server"], executable: "/usr/bin/python3", workingDirectory: "/srv")
        (spec.helper, spec.tty, spec.logCap) = ("/usr/bin/unitify", true, LogCap(maxBytes: 2048, keep: 1))
        spec.health = HealthCheck(probe: .http(host: "localhost", port: 8000, path: "/"), every: .seconds(90), failures: 5)
        let command = spec.execCommand
        #expect(command.executable == "/usr/bin/unitify")
        #expect(command.argv.prefix(9) == ["unitify", "check-health", "web", "1min 30s", "5", "http://localhost:8000/", "/usr/bin/unitify", "--", "unitify"])
        #expect(command.argv[9] == "write-log")
        let read = UnitCommand(path: command.executable, argv: command.argv)
        var expected = UnitCommand(path: "/usr/bin/python3", argv: ["python3", "-m", "http.server"]).with(helper: "/usr/bin/unitify", tty: true, cap: spec.logCap)
        expected.health = spec.health
        #expect(read == expected)

        var plain = UnitSpec(name: "db.service", argv: ["postgres"], executable: "/usr/bin/postgres", workingDirectory: "/")
        (plain.helper, plain.health) = ("/opt/unitify", HealthCheck(probe: .ready(.command("pg_isready -q"))))
        let alone = plain.execCommand
        #expect(alone.argv == ["unitify", "check-health", "db", "10s", "3", "cmd:pg_isready -q", "/usr/bin/postgres", "--", "postgres"])
        var back = UnitCommand(path: "/usr/bin/postgres", argv: ["postgres"])
        (back.helper, back.health) = ("/opt/unitify", plain.health)
        #expect(UnitCommand(path: alone.executable, argv: alone.argv) == back)
    }

    @Test func restartChangesTheCheckOrItsPace() throws {
        var spec = try request { $0.health = "tcp:8080" }
        var change = JobRequest()
        change.healthFailures = "5"
        spec = try JobChange.apply(change, to: spec, host: FakeSite())
        #expect(spec.health == HealthCheck(probe: .ready(.tcp(8080)), every: .seconds(10), failures: 5))
        change = JobRequest()
        change.health = "http://localhost:8080/ready"
        spec = try JobChange.apply(change, to: spec, host: FakeSite())
        #expect(spec.health == HealthCheck(probe: .http(host: "localhost", port: 8080, path: "/ready")))
        #expect(spec.helper == "/usr/bin/unitify")
        let without = try request { _ in }
        #expect(throws: UnitifyError.usage("server has no health check: add --health CHECK")) {
            var change = JobRequest()
            change.healthEvery = "1min"
            _ = try JobChange.apply(change, to: without, host: FakeSite())
        }
    }

    @Test func theStateFileAndItsWords() {
        let failing = HealthState(checkedAt: 1000, check: "tcp:8080", failures: 2, limit: 3, lastFailure: "connection refused")
        #expect(HealthState(parsing: failing.text) == failing)
        #expect(failing.words(now: 1004.5) == "failing 2 of 3 in a row: connection refused (tcp:8080, checked 4s ago)")
        let ok = HealthState(checkedAt: 1000, check: "tcp:8080", failures: 0, limit: 3, lastFailure: "connection\nrefused")
        #expect(HealthState(parsing: ok.text)?.lastFailure == "connection refused")
        #expect(ok.words(now: 1004) == "ok (tcp:8080, checked 4s ago)")
        #expect(HealthState(parsing: "garbage") == nil)
        #expect(CheckedHealth.directory(runtimeDirectory: "/run/user/1000") == "/run/user/1000/unitify/health")
        #expect(CheckedHealth.directory(runtimeDirectory: nil) == "/run/unitify/health")
        var status = UnitStatus(unit: "web.service")
        status.health = HealthCheck(probe: .ready(.tcp(8080)))
        #expect(StatusView.block(status, now: 1_004_000_000).contains { $0.hasSuffix(" Health: tcp:8080, every 10s, restarted after 3 failures in a row") })
        status.healthState = failing
        #expect(StatusView.block(status, now: 1_004_000_000).contains { $0.hasSuffix(" Health: failing 2 of 3 in a row: connection refused (tcp:8080, checked 4s ago)") })
    }

    /// systemd's NRestarts leaves out the restarts a checker asks for (and starts again at 0
    /// after one): the checkers count them in their file, on from one checker to the next.
    @Test func theCheckersRestartsAreCountedAcrossThem() {
        var asking = HealthState(checkedAt: 1000, check: "file:/tmp/up", failures: 3, limit: 3, lastFailure: "gone", restarts: 2, restarting: true)
        #expect(HealthState(parsing: asking.text) == asking)
        #expect(asking.text.contains("restarts=2\nrestarting=yes\n"))
        #expect(asking.restartsCarried == 2, "after a restart it asked for, the next checker counts on")
        asking.restarting = false
        #expect(asking.restartsCarried == 0, "after any other start, from 0")
        #expect(HealthState(parsing: "checked=1\ncheck=tcp:1\nfailures=0\nlimit=3\n")?.restarts == 0, "a file of an older checker")

        var status = UnitStatus(unit: "web.service")
        (status.health, status.restarts) = (HealthCheck(probe: .ready(.file("/tmp/up"))), 1)
        #expect(StatusView.block(status, now: 1_004_000_000).contains { $0.hasSuffix(" Restarts: 1") })
        status.healthState = asking
        #expect(StatusView.block(status, now: 1_004_000_000).contains { $0.hasSuffix(" Restarts: 3 (2 by the health check)") })
    }
}
