import Testing
@testable import UnitifyCore

@Suite struct HeldTerminalTests {
    @Test func aTerminalJobRunsUnitifyBeforeItsProgramAndReadsBack() throws {
        var spec = UnitSpec(name: "mc.service", argv: ["java", "-jar", "server.jar"], executable: "/usr/bin/java", workingDirectory: "/srv/mc")
        #expect(spec.execCommand.executable == "/usr/bin/java")
        (spec.helper, spec.tty) = ("/usr/bin/unitify", true)
        let command = spec.execCommand
        #expect(command.executable == "/usr/bin/unitify")
        #expect(command.argv == ["unitify", "hold-terminal", "mc", "/usr/bin/java", "--", "java", "-jar", "server.jar"])
        let program = try #require(HeldTerminal.program(in: command.argv))
        #expect(program.name == "mc" && program.executable == "/usr/bin/java" && program.argv == spec.argv)
        #expect(HeldTerminal.program(in: spec.argv) == nil)
        let text = try UnitFile.render(spec, commandLine: "unitify run --tty -- java -jar server.jar")
        #expect(text.contains(#"ExecStart=@"/usr/bin/unitify" "unitify" "hold-terminal" "mc" "/usr/bin/java" "--" "java" "-jar" "server.jar""# + "\n"))
    }
}
