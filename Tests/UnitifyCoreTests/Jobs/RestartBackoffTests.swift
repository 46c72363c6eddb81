import Testing
@testable import UnitifyCore

/// `--restart-sec MIN..MAX`: restarts that back off, from the option to the spec, the unit file,
/// the job record, `restart NAME`, and what a manager before 254 does instead.
@Suite struct RestartBackoffTests {
    func spec(_ restartSec: String, restart: RestartPolicy? = .onFailure, _ configure: (inout JobRequest) -> Void = { _ in }) throws(UnitifyError) -> UnitSpec {
        var request = JobRequest()
        request.command = ["./server"]
        request.restart = restart
        request.restartDelay = restartSec
        configure(&request)
        return try request.makeSpec(host: FakeSite()).0
    }

    func refusal(_ restartSec: String, restart: RestartPolicy? = .always) -> String? {
        do {
            _ = try spec(restartSec, restart: restart)
            return nil
        } catch {
            #expect(error.code == .usage, "bad input is a usage error: \(error.message)")
            #expect(!error.message.contains("\n"))
            return error.message
        }
    }

    /// systemd's delay before the n-th restart of a run of failures (service_restart_usec_next):
    /// MIN × (MAX/MIN)^((n−1)/steps), MAX past the last step; computed here in integers by
    /// bisection, so the test needs no libm.
    static func systemdDelay(_ n: UInt32, min: TimeSpan, _ backoff: RestartBackoff) -> Double {
        if n <= 1 { return Double(min.microseconds) }
        if n > backoff.steps { return Double(backoff.maxDelay.microseconds) }
        let ratio = Double(backoff.maxDelay.microseconds) / Double(min.microseconds)
        // ratio^((n-1)/steps): the x with x^steps == ratio^(n-1).
        var target = 1.0
        for _ in 1..<n { target *= ratio }
        var (low, high) = (1.0, ratio)
        for _ in 0..<200 {
            let middle = (low + high) / 2
            var power = 1.0
            for _ in 0..<backoff.steps { power *= middle }
            if power < target { low = middle } else { high = middle }
        }
        return Double(min.microseconds) * low
    }

    @Test func aRangeIsMinThenStepsToMaxEachAtMostDouble() throws {
        let unit = try spec("1s..30s")
        #expect(unit.restartDelay == .seconds(1))
        #expect(unit.restartBackoff == RestartBackoff(steps: 5, maxDelay: .seconds(30)))
        let delays = (1...7).map { Self.systemdDelay(UInt32($0), min: .seconds(1), unit.restartBackoff!) / 1e6 }
        // 1s, 1.97s, 3.9s, 7.7s, 15.2s, then 30s for good.
        #expect(delays.map { Int(($0 * 10).rounded()) } == [10, 20, 39, 77, 152, 300, 300])
        for (before, after) in zip(delays, delays.dropFirst()) { #expect(after <= before * 2 + 1e-9) }

        #expect(RestartBackoff(from: .seconds(1), to: .seconds(4)) == RestartBackoff(steps: 2, maxDelay: .seconds(4)))
        #expect(RestartBackoff(from: .seconds(1), to: .seconds(5)).steps == 3)
        #expect(RestartBackoff(from: .milliseconds(100), to: .seconds(5)).steps == 6)
        // Less than double apart: one step, straight to MAX on the second restart.
        #expect(RestartBackoff(from: .seconds(1), to: .milliseconds(1500)).steps == 1)
        #expect(RestartBackoff(from: TimeSpan(microseconds: 1), to: TimeSpan(microseconds: .max - 1)).steps == 64)
    }

    @Test func aBackingOffJobIsNeverGivenUpUnlessMaxRestartsSaysSo() throws {
        #expect(try spec("1s..30s").startLimit == .unlimited)
        #expect(try spec("1s..30s", restart: .always).startLimit == .unlimited)
        let bounded = try spec("1s..30s") { $0.maxRestarts = "5"; $0.within = "10min" }
        #expect(bounded.startLimit == .limit(burst: 5, interval: .seconds(600)))
        // One duration is what it always was: systemd's own start limit for on-failure.
        let fixed = try spec("5s")
        #expect(fixed.restartDelay == .seconds(5) && fixed.restartBackoff == nil && fixed.startLimit == nil)
        let noPolicy = try spec("5s", restart: nil)
        #expect(noPolicy.restart == .no && noPolicy.restartDelay == .seconds(5) && noPolicy.restartBackoff == nil)
    }

    @Test func theCounterIsResetAfterARunOfMaxTenSecondsAtLeastAndWithin() throws {
        #expect(try spec("1s..30s").steadyAfter == .seconds(30))
        #expect(try spec("100ms..2s").steadyAfter == .seconds(10))
        #expect(try spec("1s..30s") { $0.maxRestarts = "3"; $0.within = "2min" }.steadyAfter == .seconds(120))
        #expect(try spec("5s").steadyAfter == nil && (try spec("5s")).backoffResetCommand == nil)

        let reset = try #require(try spec("100ms..2500ms").backoffResetCommand)
        #expect(reset.count == 6 && reset[0] == "/bin/sh" && reset[1] == "-c")
        #expect(reset[3...] == ["unitify-backoff", "10", "server.service"])
        #expect(reset[2].contains(#"sleep "$1" && exec systemctl ${MANAGERPID:+--user} reset-failed -- "$2""#))
        #expect(reset[2].hasPrefix("trap '' HUP INT QUIT PIPE USR1 USR2;") && reset[2].hasSuffix("&"))
        // Whole seconds, rounded up.
        #expect(try spec("1s..30500ms").backoffResetCommand?[4] == "31")
    }

    @Test(arguments: [
        ("5s..1s", "invalid --restart-sec '5s..1s': MIN 5s is longer than MAX 1s: put the shorter first, --restart-sec 1s..5s"),
        ("..", "invalid --restart-sec '..': MIN..MAX needs both durations, e.g. --restart-sec 1s..5min (or one duration for a fixed delay)"),
        ("1s..", "invalid --restart-sec '1s..': MIN..MAX needs both durations, e.g. --restart-sec 1s..5min (or one duration for a fixed delay)"),
        ("abc..5s", "invalid --restart-sec 'abc..5s': 'abc' is not a duration: write MIN..MAX with units, e.g. --restart-sec 500ms..30s"),
        ("1s..5x", "invalid --restart-sec '1s..5x': '5x' is not a duration: write MIN..MAX with units, e.g. --restart-sec 500ms..30s"),
        ("5s..5s", "invalid --restart-sec '5s..5s': MIN must be shorter than MAX; for a fixed delay give one duration: --restart-sec 5s"),
        ("0..5s", "invalid --restart-sec '0..5s': MIN must be longer than 0, or systemd never lengthens the delay: e.g. --restart-sec 100ms..5s"),
        ("1s..infinity", "invalid --restart-sec '1s..infinity': MAX must be a finite duration, e.g. --restart-sec 1s..1h"),
        ("1s..2s..3s", "invalid --restart-sec '1s..2s..3s': give one duration, or two as MIN..MAX, e.g. --restart-sec 1s..5min"),
        ("abc", "invalid duration 'abc': write a number with a unit, like 500ms, 2s, 1min 30s or 1h"),
    ])
    func badRangesAreOneLineSayingWhatToWrite(_ text: String, _ message: String) {
        #expect(refusal(text) == message)
    }

    @Test func aRangeWithoutARestartPolicyIsRefused() {
        #expect(refusal("1s..5s", restart: nil) == "--restart-sec 1s..5s is how restarts back off, and this job is never restarted: add --restart on-failure (or always)")
        #expect(refusal("1s..5s", restart: RestartPolicy.no)?.hasPrefix("--restart-sec 1s..5s is how restarts back off") == true)
    }

    @Test func theUnitFileSaysItWhateverTheRelease() throws {
        let unit = try spec("1s..30s") { $0.maxRestarts = "20"; $0.within = "1h" }
        let text = try UnitFile.render(unit, commandLine: "unitify run --restart on-failure --restart-sec 1s..30s -- ./server")
        #expect(text.contains("\nStartLimitIntervalSec=1h\nStartLimitBurst=20\n"))
        #expect(text.contains("\nRestart=on-failure\nRestartSec=1s\nRestartSteps=5\nRestartMaxDelaySec=30s\n"), "\(text)")
        let post = #"ExecStartPost=-@"/bin/sh" "/bin/sh" "-c" "trap '' HUP INT QUIT PIPE USR1 USR2; sleep \"$$1\" && exec systemctl $${MANAGERPID:+--user} reset-failed -- \"$$2\" >/dev/null &" "unitify-backoff" "3600" "server.service""#
        #expect(text.contains("\n" + post + "\n"), "\(text)")
        // After readiness, which the read-back takes from the first ExecStartPost=.
        var ready = unit
        ready.readiness = .tcp(8080)
        let both = try UnitFile.render(ready, commandLine: "x")
        let first = try #require(both.ranges(of: "ExecStartPost=").first), second = try #require(both.ranges(of: "ExecStartPost=").last)
        #expect(both[first.upperBound...].hasPrefix("@\"/bin/sh\" \"/bin/sh\" \"-c\" \"until ") && both[second.upperBound...].hasPrefix("-@"))
        #expect(UnitFile.lastValue(of: "RestartSteps", in: text) == "5")
        #expect(UnitFile.lastValue(of: "RestartMaxDelaySec", in: text).map { try? TimeSpan(parsing: $0) } == .seconds(30))

        let fixed = try UnitFile.render(try spec("5s"), commandLine: "x")
        #expect(!fixed.contains("RestartSteps") && !fixed.contains("RestartMaxDelaySec") && !fixed.contains("ExecStartPost"))
    }

    @Test func theRecordKeepsIt() throws {
        let unit = try spec("250ms..1min")
        let record = JobRecord(spec: unit)
        #expect(record.encoded().contains("\nrestart_usec=250000\nrestart_backoff=8/60000000\n"), "\(record.encoded())")
        #expect(try JobRecord(decoding: record.encoded(), path: "/r") == record)
        #expect(throws: UnitifyError.self) { try JobRecord(decoding: record.encoded().replacing("restart_backoff=8/", with: "restart_backoff=x/"), path: "/r") }
    }

    @Test func restartNameChangesItAndKeepsIt() throws {
        let job = try spec("1s..30s")
        // Another option: the backoff stays.
        var environment = JobRequest()
        environment.env = ["X=1"]
        let kept = try JobChange.apply(environment, to: job, host: FakeSite())
        #expect(kept.restartBackoff == job.restartBackoff && kept.restartDelay == .seconds(1) && kept.startLimit == .unlimited)
        // A range on a job that restarts takes the job's policy; on one that never does, it is refused.
        var range = JobRequest()
        range.restartDelay = "2s..1min"
        let plain = try spec("3s")
        let ranged = try JobChange.apply(range, to: plain, host: FakeSite())
        #expect(ranged.restart == .onFailure && ranged.restartDelay == .seconds(2) && ranged.restartBackoff?.maxDelay == .seconds(60))
        #expect(ranged.startLimit == .unlimited)
        let never = UnitSpec(name: "s.service", argv: ["./server"], executable: "/home/alice/project/server", workingDirectory: "/home/alice/project")
        #expect(throws: UnitifyError.self) { try JobChange.apply(range, to: never, host: FakeSite()) }
        // One duration replaces the range.
        var fixed = JobRequest()
        fixed.restartDelay = "5s"
        let back = try JobChange.apply(fixed, to: job, host: FakeSite())
        #expect(back.restartDelay == .seconds(5) && back.restartBackoff == nil)
        // --restart alone takes run's defaults: no backoff.
        var policy = JobRequest()
        policy.restart = .always
        #expect(try JobChange.apply(policy, to: job, host: FakeSite()).restartBackoff == nil)
    }

    @Test func beforeSystemd254ItRestartsEveryMinAndSaysSo() throws {
        let unit = try spec("1s..30s")
        let (old, note) = SystemdFeature.adapted(unit, major: 252)
        #expect(old.restartBackoff == nil && old.restartDelay == .seconds(1) && old.startLimit == .unlimited && old.backoffResetCommand == nil)
        #expect(note == "this manager runs systemd 252, which cannot back off (RestartSteps= needs 254): server is restarted every 1s, not 1s growing to 30s, and never given up")
        let bounded = try spec("1s..30s") { $0.maxRestarts = "5"; $0.within = "10min" }
        #expect(SystemdFeature.adapted(bounded, major: 247).note?.hasSuffix("and given up after 5 starts within 10min") == true)
        for major in [254, 257, 262, nil] {
            let (same, none) = SystemdFeature.adapted(unit, major: major)
            #expect(same == unit && none == nil)
        }
        #expect(SystemdFeature.adapted(try spec("5s"), major: 247).note == nil)
        // Never refused: what 252 cannot do, it does another way.
        #expect(SystemdFeature.refusal(for: unit, major: 247) == nil)
    }

    @Test func upNamesItARestartPolicyChange() {
        let base = "[Service]\nExecStart=/bin/sh -c ./server\nRestart=on-failure\nRestartSec=1s\n"
        let backoff = base + "RestartSteps=5\nRestartMaxDelaySec=30s\nExecStartPost=-@\"/bin/sh\" \"/bin/sh\" \"-c\" \"…\" \"unitify-backoff\" \"30\" \"shop-web.service\"\n"
        #expect(AppPlan.changed(from: base, to: backoff) == "restart policy changed")
        #expect(AppPlan.changed(from: base + "ExecStartPost=@\"/bin/sh\" \"unitify-ready\"\n", to: base) == "readiness changed")
    }

    @Test func systemdsWordThatItIgnoredAnUnknownKeyIsNoise() {
        #expect(ManagerNoise.isNoise("/home/alice/.config/systemd/user/web.service:17: Unknown key 'RestartSteps' in section [Service], ignoring."))
    }
}
