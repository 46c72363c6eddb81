import Testing
@testable import UnitifyCore

@Suite struct ReadinessTests {
    @Test func parsesEachKind() throws {
        #expect(try Readiness(parsing: "8080", directory: "/srv") == .tcp(8080))
        #expect(try Readiness(parsing: "tcp:5432", directory: "/srv") == .tcp(5432))
        #expect(try Readiness(parsing: "unix:run/app.sock", directory: "/srv") == .unixSocket("/srv/run/app.sock"))
        #expect(try Readiness(parsing: "file:/tmp/ready", directory: "/srv") == .file("/tmp/ready"))
        #expect(try Readiness(parsing: "cmd:curl -sf localhost:8080/health", directory: "/srv") == .command("curl -sf localhost:8080/health"))
        for bad in ["http:80", "tcp:0", "tcp:70000", "unix:", "cmd: ", "ready"] {
            #expect(throws: UnitifyError.self) { try Readiness(parsing: bad, directory: "/srv") }
        }
    }

    @Test func theValueIsAnArgumentNeverPartOfTheScript() {
        let wait = Readiness.tcp(8080).waitCommand
        #expect(wait.first == "/bin/sh" && wait.last == "1F90")
        #expect(wait[2].contains("/proc/net/tcp") && wait[2].contains("$1"))
        #expect(Readiness.hex(5) == "0005" && Readiness.hex(65535) == "FFFF")
        #expect(Readiness.command("test -f 'a b'").waitCommand.last == "test -f 'a b'")
        for readiness in [Readiness.tcp(8080), .unixSocket("/run/a.sock"), .file("/tmp/f"), .command("true")] {
            #expect(Readiness(waitCommand: readiness.waitCommand) == readiness)
        }
        #expect(Readiness(waitCommand: ["/bin/sh", "-c", "true"]) == nil)
    }
}
