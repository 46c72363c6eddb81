import Testing
@testable import UnitifyCore

/// `run --line` as `JobRequest.makeSpec` turns it into a unit: expansions from the host the job
/// runs on, the pid file, and what is said about what was dropped.
@Suite struct LineRequestTests {
    func spec(_ line: String, host: FakeSite = FakeSite(), _ configure: (inout JobRequest) -> Void = { _ in }) throws(UnitifyError) -> (UnitSpec, JobRequest.Notes) {
        var request = JobRequest()
        request.line = line
        configure(&request)
        return try request.makeSpec(host: host)
    }

    func refusal(_ line: String, host: FakeSite = FakeSite(), _ configure: (inout JobRequest) -> Void = { _ in }) -> String? {
        do {
            _ = try spec(line, host: host, configure)
            return nil
        } catch {
            #expect(error.code == .usage, "bad input is a usage error: \(error.message)")
            return error.message
        }
    }

    @Test func thePidFileIsWhereTheShellWouldWriteIt() throws {
        // The shell runs `cd /srv && job &` in a subshell: the log is in /srv, the pid file where it was.
        let (unit, notes) = try spec("cd /srv && nohup python3 job.py > job.log 2>&1 & echo $! > job.pid")
        #expect(unit.pidFile == .truncate("/home/alice/project/job.pid"))
        #expect(unit.standardOutput == .truncate("/srv/job.log"))
        #expect(try spec("cd /srv\ntool &\necho $! > job.pid") { $0.directory = "/tmp" }.0.pidFile == .truncate("/srv/job.pid"))
        #expect(notes.isEmpty, "run says where it wrote the pid, once it did")
        #expect(try spec("./server & echo $! >> ~/server.pids").0.pidFile == .append("/home/alice/server.pids"))
        #expect(try spec("./server &").0.pidFile == nil)
    }

    @Test func aPidFileNeedsItsDirectoryAndAJobThatStartsNow() {
        #expect(refusal("./server & echo $! > /nowhere/server.pid") == "cannot write /nowhere/server.pid: directory /nowhere does not exist")
        #expect(refusal("./server & echo $! > /tmp") == "cannot write /tmp: it is a directory")
        #expect(refusal("./server & echo $! > server.pid") { $0.onCalendar = "daily" }
            == "'echo $! > FILE' keeps the pid of a job that starts now, and a timer starts it later: leave it out, and see the pid with 'unitify status NAME'")
    }

    @Test func droppedDetachersAreSaidOnce() throws {
        #expect(try spec("nohup ./server > s.log 2>&1 &").1.isEmpty)
        let (unit, notes) = try spec("setsid nohup ./server > s.log 2>&1 & disown\ndisown -h %1")
        #expect(unit.argv == ["./server"])
        #expect(unit.description == "setsid nohup ./server > s.log 2>&1 & disown\ndisown -h %1")
        #expect(notes == [
            "dropped 'setsid': systemd already starts the job in a session of its own, where setsid would fork and the unit take the job for exited",
            "dropped 'disown': the job is a unit, detached from your terminal already",
        ])
    }

    /// `~` and `$HOME` are the host's where the job runs: `run --host` passes that host's login
    /// environment, as it does for PATH.
    @Test func expansionsAreTheHosts() throws {
        var there = FakeSite()
        there.environment = ["PATH=/usr/bin:/bin", "HOME=/srv", "RUN=7"]
        there.currentDirectory = "/srv"
        there.executables.insert("/srv/server")
        let (unit, _) = try spec("nohup ./server > ~/s$RUN.log 2>&1 & echo $! > $HOME/s.pid", host: there)
        #expect(unit.standardOutput == .truncate("/srv/s7.log"))
        #expect(unit.pidFile == .truncate("/srv/s.pid"))
        #expect(refusal("./server > $RUN.log") == "the variable '$RUN' in '$RUN.log' is not set: export it, or write its value out")
    }
}
