import Testing
@testable import UnitifyCore

@Suite struct JobChangeTests {
    struct Site: JobSite {
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
        let changed = try JobChange.apply(request, to: job, host: Site())
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
        let changed = try JobChange.apply(request, to: job, host: Site())
        #expect(changed.workingDirectory == "/tmp")
        #expect(changed.standardOutput == .append("/tmp/out.log"))
        #expect(changed.standardError == .append("/tmp/out.log"))
        #expect(changed.nice == 5)
        #expect(changed.environment == job.environment)
        #expect(changed.restart == .no)
        #expect(try JobChange.apply(JobRequest(), to: job, host: Site()) == job)
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
            #expect(throws: UnitifyError.self) { try JobChange.apply(request, to: job, host: Site()) }
        }
        var badValue = JobRequest()
        badValue.maxRestarts = "many"
        #expect(throws: UnitifyError.usage("invalid --max-restarts 'many': give a whole number of restarts, 1 or more")) {
            try JobChange.apply(badValue, to: job, host: Site())
        }
        var missing = JobRequest()
        missing.directory = "/nowhere"
        #expect(throws: UnitifyError.self) { try JobChange.apply(missing, to: job, host: Site()) }
    }
}
