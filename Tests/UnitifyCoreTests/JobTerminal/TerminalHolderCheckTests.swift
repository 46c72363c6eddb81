import Testing
@testable import UnitifyCore

@Suite struct TerminalHolderCheckTests {
    @Test func doctorSaysWhetherTheHoldersPathLasts() {
        #expect(Check.terminalHolder("/usr/bin/unitify").verdict == .ok)
        let build = Check.terminalHolder("/home/alice/unitify/.build/release/unitify")
        #expect(build.verdict == .warning && build.summary.contains("it is a build's output"), "\(build.summary)")
        #expect(Check.terminalHolder("/tmp/unitify").summary.contains("it is under /tmp"))
        #expect(Check.terminalHolder(nil).verdict == .warning)
    }
}
