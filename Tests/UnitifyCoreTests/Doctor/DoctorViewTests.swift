import Testing
@testable import UnitifyCore

/// doctor's report for people, without a machine.
@Suite struct DoctorViewTests {
    @Test func checksFixesAndTheVerdict() {
        let checks = [Check(name: "manager", title: "user manager", verdict: .ok, summary: "reachable"),
                      Check(name: "linger", title: "linger", verdict: .warning, summary: "off", fix: "loginctl enable-linger alice")]
        #expect(DoctorView.lines(checks, colour: false) == [
            "ok       user manager  reachable",
            "warning  linger        off",
            "                       fix: loginctl enable-linger alice",
            "",
            "unitify can work here (1 warning above).",
        ])
        let broken = [Check(name: "manager", title: "user manager", verdict: .problem, summary: "gone")]
        #expect(DoctorView.lines(broken, colour: false).last == "unitify cannot work here until the problem above is fixed.")
        #expect(DoctorView.lines(broken, colour: true).first == "\u{1B}[31mproblem  \u{1B}[0muser manager  gone")
    }
}
