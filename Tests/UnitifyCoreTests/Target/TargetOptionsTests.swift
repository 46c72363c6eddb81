import Testing
import UnitifyCore

/// The hints' commands, as they were printed when the options were a string with a trailing space.
@Suite struct TargetOptionsTests {
    @Test func theOptionsFollowTheVerb() throws {
        let hosts = [try HostAddress(parsing: "web1"), try HostAddress(parsing: "alice@[::1]:2222")]
        #expect(TargetOptions.none.command("status") == "unitify status")
        #expect(TargetOptions.system.command("status", "web") == "unitify status --system web")
        #expect(TargetOptions.host(hosts).command("down") == "unitify down --host 'web1,alice@[::1]:2222'")
        #expect(TargetOptions.host([hosts[0]]).command("journal", "web -f") == "unitify journal --host web1 web -f")
        #expect(StatusView.noJobs(.none) == "no jobs: start one with 'unitify run -- COMMAND'")
        #expect(StatusView.noJobs(.system) == "no jobs: start one with 'unitify run --system -- COMMAND'")
    }

    @Test func theTerminalsHintsPutThemFirst() {
        #expect(TargetOptions.system.command("restart", "web --tty", optionsFirst: true) == "unitify --system restart web --tty")
        #expect(TargetOptions.none.command("status", optionsFirst: true) == "unitify status")
    }
}
