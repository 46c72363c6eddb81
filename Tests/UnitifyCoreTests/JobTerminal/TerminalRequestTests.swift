import Testing
@testable import UnitifyCore

@Suite struct TerminalRequestTests {
    @Test func ttyTakesTheHostsUnitify() throws {
        var request = JobRequest()
        request.command = ["python3", "-i"]
        request.tty = true
        let (spec, _) = try request.makeSpec(host: FakeSite())
        #expect(spec.tty && spec.helper == "/usr/bin/unitify")
        #expect(spec.executable == "/usr/bin/python3")
    }

    @Test func ttyAndALinesInputFileExcludeEachOther() {
        var request = JobRequest()
        request.line = "nohup python3 job.py < app.env &"
        request.tty = true
        #expect(throws: UnitifyError.usage("--tty gives the job a terminal to read from: leave out the line's '< app.env', or --tty")) {
            try request.makeSpec(host: FakeSite())
        }
    }

    @Test func restartTtyGivesAJobATerminalAndOtherChangesKeepIt() throws {
        var spec = UnitSpec(name: "repl.service", argv: ["python3"], executable: "/usr/bin/python3", workingDirectory: "/home/alice/project")
        var change = JobRequest()
        change.tty = true
        spec = try JobChange.apply(change, to: spec, host: FakeSite())
        #expect(spec.tty && spec.helper == "/usr/bin/unitify")
        change = JobRequest()
        change.env = ["MODE=x"]
        #expect(try JobChange.apply(change, to: spec, host: FakeSite()).tty)
    }
}
