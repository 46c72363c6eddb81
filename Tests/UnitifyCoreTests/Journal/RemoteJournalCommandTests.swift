import Testing
@testable import UnitifyCore

@Suite struct RemoteJournalCommandTests {
    @Test func matchesAsUnitifyDoesLocally() {
        let words = RemoteJournalCommand.arguments(units: ["web.service"], uid: 1000, lines: 50, follow: false, afterCursor: nil)
        #expect(words.prefix(5) == ["journalctl", "--no-pager", "--quiet", "--output=export", "--lines=50"])
        let groups = words.dropFirst(5).split(separator: "+").map(Array.init)
        #expect(groups == [
            ["_SYSTEMD_USER_UNIT=web.service", "_UID=1000"],
            ["SYSLOG_IDENTIFIER=web", "_UID=1000"],
            ["USER_UNIT=web.service", "_UID=1000"],
            ["OBJECT_SYSTEMD_USER_UNIT=web.service", "_UID=1000", "_UID=0"],
            ["COREDUMP_USER_UNIT=web.service", "_UID=1000", "_UID=0"],
        ])
    }

    @Test func resumesAfterACursorInsteadOfCountingLines() {
        let words = RemoteJournalCommand.arguments(units: [], uid: 0, lines: 10, follow: true, afterCursor: "s=ab;i=9")
        #expect(words == ["journalctl", "--no-pager", "--quiet", "--output=export", "--after-cursor=s=ab;i=9", "--follow",
                          "_SYSTEMD_USER_SLICE=\(UnitSpec.slice)", "_UID=0"])
    }
}
