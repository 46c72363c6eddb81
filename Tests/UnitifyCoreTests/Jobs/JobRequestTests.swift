import Testing
@testable import UnitifyCore

/// A caller's machine made of plain values: what `JobRequest.makeSpec` sees instead of the process.
struct FakeSite: JobSite {
    var environment: [String] = ["PATH=/opt/bin:/usr/bin:/bin", "HOME=/home/alice", "PWD=/home/alice", "SHLVL=2", "TOKEN=secret"]
    var currentDirectory: String? = "/home/alice/project"
    var directories: Set<String> = ["/", "/home", "/home/alice", "/home/alice/project", "/srv", "/var/log", "/tmp"]
    var executables: Set<String> = ["/usr/bin/python3", "/bin/sh", "/home/alice/project/server", "/opt/bin/tool"]
    var files: [String: String] = ["/home/alice/project/app.env": "# settings\nMODE=prod\nexport LEVEL=3\n"]

    func fileKind(_ path: String) -> FileKind {
        if directories.contains(path) { return .directory }
        if executables.contains(path) { return .executable }
        return files[path] != nil ? .notExecutable : .missing
    }

    func readText(_ path: String) throws(UnitifyError) -> String {
        guard let text = files[path] else { throw UnitifyError.usage("cannot read \(path): No such file or directory") }
        return text
    }

    func unitifyExecutable() throws(UnitifyError) -> String { "/usr/bin/unitify" }
}

/// `JobRequest.makeSpec`, where every option of `run` is validated, against a fake host.
@Suite struct JobRequestTests {
    func spec(_ configure: (inout JobRequest) -> Void, host: FakeSite = FakeSite()) throws(UnitifyError) -> (UnitSpec, JobRequest.Notes) {
        var request = JobRequest()
        configure(&request)
        return try request.makeSpec(host: host)
    }

    func refusal(_ configure: (inout JobRequest) -> Void, host: FakeSite = FakeSite()) -> String? {
        do {
            _ = try spec(configure, host: host)
            return nil
        } catch {
            #expect(error.code == .usage, "bad input is a usage error: \(error.message)")
            return error.message
        }
    }

    @Test func aPlainCommand() throws {
        let (unit, notes) = try spec { $0.command = ["./server", "--port", "8080"] }
        #expect(unit.name == "server.service")
        #expect(unit.executable == "/home/alice/project/server")
        #expect(unit.argv == ["./server", "--port", "8080"])
        #expect(unit.workingDirectory == "/home/alice/project")
        #expect(unit.environment == ["PATH=/opt/bin:/usr/bin:/bin", "PYTHONUNBUFFERED=1"])
        #expect(unit.restart == .no && unit.restartDelay == nil)
        #expect(notes.isEmpty)
    }

    @Test func programsResolveWithTheCallersPath() throws {
        #expect(try spec { $0.command = ["tool"] }.0.executable == "/opt/bin/tool")
        #expect(try spec { $0.command = ["python3", "job.py"] }.0.name == "job.service")
    }

    @Test func environmentInOrderLastAssignmentWins() throws {
        let (unit, _) = try spec {
            $0.command = ["./server"]
            $0.envFiles = ["app.env"]
            $0.env = ["MODE=dev", "TOKEN"]
            $0.carryPath = false
            $0.unbuffered = false
        }
        #expect(unit.environment == ["LEVEL=3", "MODE=dev", "TOKEN=secret"])
        let kept = try spec {
            $0.command = ["./server"]
            $0.keepEnvironment = true
        }.0.environment
        #expect(kept.contains("HOME=/home/alice") && !kept.contains { $0.hasPrefix("PWD=") || $0.hasPrefix("SHLVL=") })
    }

    @Test func restartPolicyAndItsLimits() throws {
        let always = try spec {
            $0.command = ["./server"]
            $0.restart = .always
        }.0
        #expect(always.restart == .always && always.restartDelay == .seconds(1) && always.startLimit == .unlimited)
        let bounded = try spec {
            $0.command = ["./server"]
            $0.restart = .onFailure
            $0.maxRestarts = "3"
            $0.within = "30s"
        }.0
        #expect(bounded.startLimit == .limit(burst: 3, interval: .seconds(30)))
        #expect(refusal { $0.command = ["./server"]; $0.within = "10s" }?.contains("--within goes with --max-restarts") == true)
    }

    @Test func outputsAreAbsoluteAndTheirDirectoriesExist() throws {
        let (unit, _) = try spec {
            $0.command = ["./server"]
            $0.logFile = "server.log"
        }
        #expect(unit.standardOutput == .append("/home/alice/project/server.log") && unit.standardError == unit.standardOutput)
        #expect(refusal { $0.command = ["./server"]; $0.stdout = "/no/such/dir/x.log" }?.contains("directory /no/such/dir does not exist") == true)
        #expect(refusal { $0.command = ["./server"]; $0.stdout = "/srv" }?.contains("it is a directory") == true)
        #expect(refusal { $0.command = ["./server"]; $0.logFile = "a"; $0.stderr = "b" }?.contains("--log-file sets both streams") == true)
    }

    @Test func nohupLinesAndShells() throws {
        let (line, _) = try spec { $0.line = "nohup python3 -u job.py > job.log 2>&1 &" }
        #expect(line.argv == ["python3", "-u", "job.py"] && line.standardOutput == .truncate("/home/alice/project/job.log"))
        let (dropped, notes) = try spec { $0.command = ["nohup", "./server"] }
        #expect(dropped.argv == ["./server"] && notes.contains { $0.contains("dropped 'nohup'") })
        let (shell, _) = try spec { $0.shell = "make 2>&1 | tee build.log" }
        #expect(shell.executable == "/bin/sh" && shell.argv == ["/bin/sh", "-c", "make 2>&1 | tee build.log"])
    }

    @Test func refusals() {
        #expect(refusal { _ in }?.hasPrefix("no command given") == true)
        #expect(refusal { $0.command = ["true"]; $0.line = "true" }?.hasPrefix("give the command one way only") == true)
        #expect(refusal { $0.command = ["nope"] }?.contains("not found on PATH") == true)
        #expect(refusal { $0.command = ["./server"]; $0.directory = "/no/where" }?.contains("does not exist") == true)
        #expect(refusal { $0.command = ["./server"]; $0.env = ["UNSET_HERE"] }?.contains("is not set") == true)
        #expect(refusal { $0.command = ["./server"]; $0.env = ["BAD=\u{1}"] }?.contains("control character") == true)
        #expect(refusal { $0.command = ["./server"]; $0.envFiles = ["missing.env"] }?.contains("/home/alice/project/missing.env") == true)
        #expect(refusal { $0.command = ["./server"]; $0.onCalendar = " " }?.contains("--on-calendar needs a calendar spec") == true)
        var gone = FakeSite()
        gone.currentDirectory = nil
        #expect(refusal({ $0.command = ["./server"] }, host: gone)?.contains("current directory no longer exists") == true)
    }

    @Test func timers() throws {
        let (unit, _) = try spec {
            $0.command = ["./server"]
            $0.onCalendar = "daily"
            $0.onActive = "5min"
        }
        #expect(unit.timer == TimerSpec(onCalendar: "daily", onActive: .seconds(300)))
        #expect(unit.timerName == "server.timer")
    }
}
