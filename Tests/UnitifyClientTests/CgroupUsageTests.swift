import Testing
@testable import UnitifyClient

@Suite struct CgroupUsageTests {
    /// A control group path that climbs out of the hierarchy is never read.
    @Test func aPathThroughDotDotClimbsUp() {
        #expect(CgroupUsage.climbsUp("/user.slice/../../etc/x"))
        #expect(CgroupUsage.climbsUp("/../"))
        #expect(!CgroupUsage.climbsUp("/user.slice/user@0.service/app.slice/web.service"))
        #expect(!CgroupUsage.climbsUp("/a/..b/c../"))
        #expect(!CgroupUsage.climbsUp("/a/.."))
        #expect(!CgroupUsage.climbsUp(""))
        #expect(CgroupUsage.usage(controlGroup: "/../../proc/self") == nil)
    }
}
