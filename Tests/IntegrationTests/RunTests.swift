import Glibc
import Systemd
import Testing
import UnitifyClient
import UnitifyCore

/// `run`'s options, each checked by its effect on a real job.
@Suite(.enabled(if: Live.enabled, Live.reason))
struct RunTests {
    /// Runs a job that writes what it sees into a log file, waits for it to end, returns the file.
    func observe(_ options: [String], script: String, in directory: String? = nil, environment: [String: String] = [:]) throws -> String {
        let name = uniqueName("observe")
        let scratch = makeTemporaryDirectory()
        defer { removeTree(scratch) }
        let log = scratch + "/seen.log"
        let result = unitify(["run", "--name", name, "--wait", "--log-file", log] + options + ["--", "sh", "-c", script],
                             in: directory ?? scratch, environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        return readFile(log)
    }

    /// A job that ends at once is reported with how it ended, whether or not the manager has let
    /// go of its unit by the time `run` looks (with `--on-exit`, it often has: seen 7 of 10 "not
    /// found" before `run` kept the unit loaded).
    @Test func aJobThatEndsAtOnceIsReportedWithItsExit() throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        for index in 1...8 {
            let name = uniqueName("atonce\(index)")
            defer { _ = unitify(["remove", name]) }
            let hook = index % 4 == 0 ? [] : ["--on-exit", "echo done > \(directory)/\(name)"]
            let result = unitify(["run", "--name", name] + hook + ["--", "true"])
            #expect(result.status == 0 && result.stdout.hasPrefix("\(name).service already finished: exited with status 0\n"), "\(result.stdout)\(result.stderr)")
            if !hook.isEmpty { #expect(eventually { access("\(directory)/\(name)", F_OK) == 0 }, "\(name)'s hook did not run") }
        }
    }

    @Test func theJobSeesTheCallersPathDirectoryAndVariables() throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let envFile = directory + "/app.env"
        _ = spawnAndWait(["sh", "-c", "printf '# comment\\n\\nFROM_FILE=\"file value\"\\nexport ALSO=2\\n' > \(envFile)"])
        let seen = try observe(
            ["-e", "GIVEN=a b", "-e", "COPIED", "--env-file", envFile],
            script: "echo \"dir=$(pwd)\"; echo \"path=$PATH\"; echo \"given=$GIVEN copied=$COPIED file=$FROM_FILE also=$ALSO py=$PYTHONUNBUFFERED\"",
            in: directory, environment: ["COPIED": "from caller", "PATH": "/opt/custom/bin:/usr/bin:/bin"])
        #expect(seen.contains("dir=\(directory)\n"))
        #expect(seen.contains("path=/opt/custom/bin:/usr/bin:/bin\n"))
        #expect(seen.contains("given=a b copied=from caller file=file value also=2 py=1\n"))
    }

    /// The PATH the user manager gives its units, as the manager itself says.
    func managerPath() -> String {
        run(["systemctl", "--user", "show-environment"]).stdout.split(separator: "\n")
            .first { $0.hasPrefix("PATH=") }.map { String($0.dropFirst(5)) } ?? "(no PATH in the manager's environment)"
    }

    @Test func optOutsAndKeepEnv() throws {
        let path = managerPath()
        let seen = try observe(
            ["--no-path", "--buffered"], script: "echo \"path=$PATH py=${PYTHONUNBUFFERED:-unset} kept=${KEEP_ME:-no}\"",
            environment: ["KEEP_ME": "yes", "PYTHONUNBUFFERED": ""])
        #expect(seen.contains("path=\(path) py=unset kept=no"), "\(seen)")
        let kept = try observe(["--keep-env", "--no-path"], script: "echo \"kept=$KEEP_ME path=$PATH\"", environment: ["KEEP_ME": "yes"])
        #expect(kept.contains("kept=yes path=\(path)\n"), "\(kept)")
    }

    @Test func workingDirectoryOption() throws {
        let target = makeTemporaryDirectory()
        defer { removeTree(target) }
        #expect(try observe(["-C", target], script: "pwd") == target + "\n")
    }

    @Test func separateStdoutAndStderr() throws {
        let name = uniqueName("streams")
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let result = unitify(["run", "--name", name, "--wait", "--stdout", "out.log", "--stderr", "err.log", "--", "sh", "-c", "echo to-out; echo to-err >&2"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(readFile(directory + "/out.log") == "to-out\n")
        #expect(readFile(directory + "/err.log") == "to-err\n")
    }

    @Test func nohupLineRedirectionsBehaveAsInTheShell() throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        _ = spawnAndWait(["sh", "-c", "printf 'stale line that must go\\n' > \(directory)/output.log; printf 'kept\\n' > \(directory)/app.log"])
        let name = uniqueName("line")
        let truncating = unitify(["run", "--name", name, "--wait", "--line", "nohup sh -c 'echo out; echo err >&2' > output.log 2>&1 &"], in: directory)
        #expect(truncating.status == 0, "\(truncating.stderr)")
        #expect(readFile(directory + "/output.log") == "out\nerr\n")
        let appending = unitify(["run", "--name", name, "--wait", "--line", "cd \(directory) && GREETING=hi nohup sh -c 'echo $GREETING' >> app.log 2>&1 &"], in: "/")
        #expect(appending.status == 0, "\(appending.stderr)")
        #expect(readFile(directory + "/app.log") == "kept\nhi\n")
    }

    @Test func seedLinesAreAccepted() throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        _ = spawnAndWait(["sh", "-c", "printf 'print(\"seed ok\")\\n' > \(directory)/some_sciprt.py"])
        let result = unitify(["run", "--wait", "--line", "nohup python3 -u some_sciprt.py > output.log 2>&1 &"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(readFile(directory + "/output.log") == "seed ok\n")
    }

    @Test func waitReturnsTheProgramsStatus() {
        #expect(unitify(["run", "--name", uniqueName("wait"), "--wait", "--", "sh", "-c", "exit 5"]).status == 5)
        #expect(unitify(["run", "--name", uniqueName("wait"), "--wait", "--", "sh", "-c", "kill -9 $$"]).status == 137)
        #expect(unitify(["run", "--name", uniqueName("wait"), "--wait", "--", "true"]).status == 0)
    }

    /// `run --wait` and `wait` give one exit status, and say the same, for a job that systemd
    /// counts as failed after clean exits: restarted each time until its start limit.
    @Test func runWaitAndWaitAgreeOnAJobThatFailedAfterACleanExit() {
        let name = uniqueName("limit")
        defer { _ = unitify(["remove", name]) }
        let ran = run(["timeout", "120", unitifyBinary, "run", "--name", name, "--restart", "always", "--restart-sec", "100ms",
                       "--max-restarts", "2", "--within", "1min", "--wait", "--", "true"])
        let waited = unitify(["wait", name, "--timeout", "60s"])
        #expect(waited.status == 1, "\(waited.stderr)")
        #expect(ran.status == waited.status, "run --wait: \(ran.status) \(ran.stderr)")
        #expect(ran.stderr.split(separator: "\n").last == waited.stderr.split(separator: "\n").last, "\(ran.stderr)\(waited.stderr)")
    }

    @Test func settleCheckReportsACrashWithItsLog() throws {
        let name = uniqueName("crash")
        let result = unitify(["run", "--name", name, "--", "sh", "-c", "echo last words from \(name); exit 2"])
        defer { _ = unitify(["stop", name]) }
        #expect(result.status == 1)
        #expect(result.stderr.contains("exited with status 2"))
        #expect(result.stderr.contains("last words from \(name)"))
        // Here the report reads as one message: only its first line says `unitify: `, its log
        // lines are indented, and nothing is said on stdout (no summary, no hints).
        let errors = result.stderr.lines.map(String.init)
        #expect(errors.first == "unitify: \(name) failed within 500ms: the program exited with status 2", "\(result.stderr)")
        #expect(errors.dropFirst().first == "last lines of its log:", "\(result.stderr)")
        #expect(errors.contains { $0.hasPrefix("  ") && $0.hasSuffix(": last words from \(name)") }, "\(result.stderr)")
        #expect(errors.last == "see 'unitify status \(name)'", "\(result.stderr)")
        #expect(result.stdout.isEmpty, "\(result.stdout)")
    }

    @Test func restartAlwaysOutlivesTheDefaultStartLimit() throws {
        let name = uniqueName("loop")
        let result = unitify(["run", "--name", name, "--restart", "always", "--restart-sec", "100ms", "--check", "0", "--", "sh", "-c", "exit 1"])
        defer { _ = unitify(["stop", name]) }
        #expect(result.status == 0, "\(result.stderr)")
        let manager = try Jobs.user()
        // systemd's default would give up after 5 starts in 10 s.
        #expect(try eventually { try manager.status(of: "\(name).service").restarts >= 8 })
        #expect(try manager.status(of: "\(name).service").activeState != .failed)
    }

    @Test func maxRestartsEndsInStartLimitHit() throws {
        let name = uniqueName("limited")
        _ = unitify(["run", "--name", name, "--restart", "on-failure", "--restart-sec", "100ms", "--max-restarts", "2", "--within", "30s", "--check", "0", "--", "sh", "-c", "exit 1"])
        defer { _ = unitify(["stop", name]) }
        let manager = try Jobs.user()
        #expect(try eventually { try manager.status(of: "\(name).service").activeState == .failed })
        #expect(try manager.status(of: "\(name).service").restarts == 2)
        let status = unitify(["status", name, "-n", "0"])
        #expect(status.status == 3)
        #expect(status.stdout.contains("hit the start limit"))
    }

    @Test func timerFires() throws {
        let name = uniqueName("timer")
        let scheduled = unitify(["run", "--name", name, "--on-active", "1s", "--", "sh", "-c", "echo fired-\(name)"])
        defer { _ = unitify(["stop", name]) }
        #expect(scheduled.status == 0, "\(scheduled.stderr)")
        #expect(scheduled.stdout.contains("\(name).timer"))
        #expect(eventually { unitify(["journal", name, "-o", "cat"]).stdout.contains("fired-\(name)") })
        // Its line reaches the journal before the manager sees it exit.
        var status = try Jobs.user().status(of: "\(name).service")
        #expect(try eventually { status = try Jobs.user().status(of: "\(name).service"); return status.lastExit != nil })
        #expect(status.lastExit?.isSuccess == true)
        #expect(status.kind == .timer)
    }

    @Test func replaceAndLeftovers() throws {
        let name = uniqueName("again")
        #expect(unitify(["run", "--name", name, "--", "sleep", "300"]).status == 0)
        defer { _ = unitify(["stop", name]) }
        let manager = try Jobs.user()
        let first = try manager.status(of: "\(name).service").mainPID
        let clash = unitify(["run", "--name", name, "--", "sleep", "300"])
        #expect(clash.status != 0)
        #expect(clash.stderr.contains("--replace"))
        #expect(unitify(["run", "--name", name, "--replace", "--", "sleep", "300"]).status == 0)
        let second = try manager.status(of: "\(name).service").mainPID
        #expect(second != first && second != 0)

        // A failed leftover of ours is reused without asking.
        let failed = uniqueName("leftover")
        _ = unitify(["run", "--name", failed, "--check", "0", "--", "false"])
        defer { _ = unitify(["stop", failed]) }
        #expect(eventually { (try? manager.status(of: "\(failed).service").activeState) == .failed })
        #expect(unitify(["run", "--name", failed, "--", "sleep", "300"]).status == 0)
    }

    @Test func jsonDryRunAndNohupNote() throws {
        let name = uniqueName("json")
        let started = unitify(["run", "--name", name, "--json", "--", "sleep", "300"])
        defer { _ = unitify(["stop", name]) }
        #expect(started.stdout.hasPrefix("{\"command\":[\"sleep\",\"300\"],\"invocation_id\":\""))
        #expect(started.stdout.contains("\"pid\":\(try Jobs.user().status(of: "\(name).service").mainPID)"))

        let dry = uniqueName("dry")
        let printed = unitify(["run", "--name", dry, "--dry-run", "--restart", "always", "--", "sleep", "1"])
        #expect(printed.stdout.contains("Restart=\"always\""))
        #expect(printed.stdout.contains("StartLimitIntervalUSec=0"))
        #expect(try Jobs.user().status(of: "\(dry).service").loadState == .notFound)

        let noted = unitify(["run", "--name", uniqueName("nohup"), "--wait", "--", "nohup", "true"])
        #expect(noted.status == 0)
        #expect(noted.stderr.contains("dropped 'nohup'"))
    }

    @Test func limitsWithoutControllersAreFlagged() throws {
        let name = uniqueName("limits")
        let result = unitify(["run", "--name", name, "--memory-max", "256M", "--cpu-quota", "50%", "--nice", "5", "--", "sleep", "300"])
        defer { _ = unitify(["stop", name]) }
        #expect(result.status == 0, "\(result.stderr)")
        let controllers = delegatedControllers()
        #expect(result.stderr.contains("--memory-max will have no effect") == !controllers.contains("memory"))
        let nice = run(["sh", "-c", "ps -o ni= -p \(try Jobs.user().status(of: "\(name).service").mainPID)"])
        #expect(nice.stdout.split(whereSeparator: \.isWhitespace).first == "5")
    }
}

/// Bad input: one line on stderr, a non-zero exit, and no unit left behind.
@Suite(.enabled(if: Live.enabled, Live.reason))
struct RunBadInputTests {
    static let cases: [(String, [String], String)] = [
        ("unknown option", ["--frobnicate", "--", "true"], "nknown option"),
        ("unknown option after the name", ["--name", "NAME", "--frobnicate", "--", "true"], "nknown option"),
        ("bad duration", ["--restart-sec", "soon", "--", "true"], "invalid duration 'soon'"),
        ("bad check", ["--check", "5 parsecs", "--", "true"], "invalid duration"),
        ("bad size", ["--memory-max", "lots", "--", "true"], "invalid memory size"),
        ("bad percentage", ["--cpu-quota", "-5%", "--", "true"], "cpu"),
        ("bad policy", ["--restart", "sometimes", "--", "true"], "The value 'sometimes' is invalid for '--restart <restart>'"),
        ("bad max restarts", ["--max-restarts", "many", "--", "true"], "--max-restarts"),
        ("bad nice", ["--nice", "40", "--", "true"], "nice"),
        ("empty command", [], "no command given"),
        ("program not found", ["--", "no-such-program-xyz"], "not found on PATH"),
        ("directory as program", ["--", "/tmp"], "is a directory"),
        ("not executable", ["--", "/proc/self/status"], "not executable"),
        ("missing working directory", ["-C", "/no/such/dir", "--", "true"], "does not exist"),
        ("empty env key", ["-e", "=value", "--", "true"], "invalid -e"),
        ("unset env variable", ["-e", "UNITIFY_SURELY_UNSET_VAR", "--", "true"], "is not set"),
        ("missing env file", ["--env-file", "/no/such.env", "--", "true"], "/no/such.env"),
        ("unbalanced quote", ["--line", "nohup python 'job.py &"], "quote"),
        ("pipe in --line", ["--line", "nohup ./a | tee x &"], "--shell"),
        ("two command forms", ["--line", "true", "--", "true"], "one way only"),
        ("empty name", ["--name", "", "--", "true"], "name"),
        ("log file in missing directory", ["--log-file", "/no/such/dir/x.log", "--", "true"], "does not exist"),
    ]

    /// NAME in a case stands for a name no other test uses; a case without --name gets one.
    @Test(arguments: cases)
    func refuses(_ label: String, _ arguments: [String], _ expected: String) throws {
        let name = uniqueName("bad")
        let given = arguments.firstIndex(of: "--name").map { arguments[$0 + 1] }
        let arguments = arguments.map { $0 == "NAME" ? name : $0 }
        let result = unitify(["run"] + (given == nil ? ["--name", name] : []) + arguments)
        #expect(result.status != 0, "\(label)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(label): \(result.stderr)")
        #expect(result.stderr.contains(expected), "\(label): \(result.stderr)")
        #expect(!result.stderr.contains("Fatal error"), "\(label)")
        // Nothing left under the name the run was given (an empty one names no unit at all).
        if given != "" {
            #expect(try Jobs.user().status(of: "\(name).service").loadState == .notFound, "\(label)")
        }
    }

    @Test func malformedEnvFileNamesTheLine() {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        _ = spawnAndWait(["sh", "-c", "printf 'GOOD=1\\nthis is not an assignment\\n' > \(directory)/bad.env"])
        let result = unitify(["run", "--env-file", "bad.env", "--", "true"], in: directory)
        #expect(result.status != 0)
        #expect(result.stderr.contains("line 2"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }
}

/// The cgroup controllers delegated to the user manager, read the way an administrator would: the
/// manager's ControlGroup from systemctl, then that group's cgroup.controllers (cgroup v2).
func delegatedControllers() -> Set<String> {
    let group = run(["systemctl", "--user", "show", "--property=ControlGroup", "--value"]).stdout.split(separator: "\n").first.map(String.init) ?? ""
    for root in ["/sys/fs/cgroup/unified", "/sys/fs/cgroup"] where !group.isEmpty {
        let text = readFile(root + group + "/cgroup.controllers")
        if access(root + group + "/cgroup.controllers", F_OK) == 0 {
            return Set(text.split(whereSeparator: \.isWhitespace).map(String.init))
        }
    }
    return []
}
