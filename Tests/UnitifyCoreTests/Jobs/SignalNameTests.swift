import Testing
@testable import UnitifyCore

@Suite struct SignalNameTests {
    @Test func acceptsWhatKillAccepts() {
        for text in ["HUP", "SIGHUP", "hup", "sighup", "1"] { #expect(SignalName(text)?.number == 1, "\(text)") }
        #expect(SignalName("USR1")?.number == 10)
        #expect(SignalName("SIGUSR2")?.number == 12)
        #expect(SignalName("TERM")?.number == 15)
        #expect(SignalName("9")?.description == "SIGKILL")
        #expect(SignalName("RTMIN")?.number == 34)
        #expect(SignalName("RTMIN+2")?.description == "SIGRTMIN+2")
        #expect(SignalName("SIGRTMAX-1")?.number == 63)
        #expect(SignalName("64")?.number == 64)
    }

    @Test func refusesWhatIsNoSignal() {
        for text in ["", "0", "65", "-1", "HUPP", "SIG", "USR3", "RTMIN+31", "RTMAX+1", "1.5", "SIGSIGHUP"] {
            #expect(SignalName(text) == nil, "\(text)")
        }
        #expect(SignalName.invalid("FOO") == "invalid signal 'FOO': give a name or number as kill -l lists them, e.g. HUP, SIGUSR1, TERM or 9")
    }
}
