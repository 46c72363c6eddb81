import Testing
@testable import UnitifyCore

/// A terminal job's output as journal lines (`TerminalLog`), the attach protocol
/// (`TerminalMessage`), the detach key, and a terminal job's command line (`HeldTerminal`).
@Suite struct TerminalLogTests {
    func lines(_ text: String, now: UInt64 = 0, log: inout TerminalLog) -> [String] {
        log.feed(Array(text.utf8), now: now)
    }

    @Test func plainLinesPassWithTheTerminalsCarriageReturnsRemoved() {
        var log = TerminalLog()
        #expect(lines("hello\r\nworld\r\n", log: &log) == ["hello", "world"])
        #expect(log.deadline == nil)
    }

    @Test func coloursAndCursorSequencesDoNotReachTheJournal() {
        var log = TerminalLog()
        let text = "\u{1B}[1;31merror\u{1B}[0m: \u{1B}]0;title\u{07}disk \u{1B}(Bfull\u{1B}[K\r\n"
        #expect(lines(text, log: &log) == ["error: disk full"])
    }

    @Test func aRedrawnLineIsLoggedWhileDrawnAtMostOncePerInterval() {
        var log = TerminalLog()
        #expect(lines("\rtraining:   0%|          |", now: 0, log: &log) == [])  // not redrawn yet
        #expect(lines("\rtraining:  10%|#         |", now: 100_000, log: &log) == ["training:  10%|#         |"])
        #expect(lines("\rtraining:  20%|##        |", now: 200_000, log: &log) == [])  // within the interval
        #expect(log.deadline == 600_000)
        #expect(log.tick(now: 599_999) == nil)
        #expect(log.tick(now: 600_000) == "training:  20%|##        |")
        #expect(log.deadline == nil)
        // The last state again at the newline only when it changed since it was logged.
        #expect(lines("\rtraining: 100%|##########|\r\n", now: 700_000, log: &log) == ["training: 100%|##########|"])
        #expect(lines("\rdone 1/1\r\n", now: 800_000, log: &log) == ["done 1/1"])
    }

    @Test func aLoggedStateIsNotRepeatedAtTheNewline() {
        var log = TerminalLog()
        _ = lines("\r 5%", now: 0, log: &log)
        #expect(lines("\r50%", now: 1_000_000, log: &log) == ["50%"])
        #expect(lines("\r\n", now: 1_100_000, log: &log) == [])
    }

    @Test func aShorterFrameOverwritesOnlyWhatItCovers() {
        #expect(TerminalLog.shown("downloading 100 files\rdone") == "doneloading 100 files")
        #expect(TerminalLog.shown("  0%|   |\r 50%|#  |\r100%|###|") == "100%|###|")
        #expect(TerminalLog.shown("erase\u{1B}[2K\rnew") == "new")
        #expect(TerminalLog.shown("no carriage return") == "no carriage return")
    }

    @Test func aPromptWithoutNewlineWaitsForTheLine() {
        var log = TerminalLog()
        #expect(lines(">>> ", now: 0, log: &log) == [])
        #expect(log.tick(now: 10_000_000) == nil)
        #expect(lines("1+1\r\n2\r\n", now: 10_000_001, log: &log) == [">>> 1+1", "2"])
        #expect(lines(">>> ", log: &log) == [])
        #expect(log.finish() == ">>>")
    }

    @Test func aFullScreenProgramIsNotLogged() {
        var log = TerminalLog()
        let top = "\u{1B}[?1049h\u{1B}[H\u{1B}[2Jtop - 10:00:00 up 1 day\r\nTasks: 3 total\r\n\u{1B}[?1049l"
        #expect(lines(top + "after\r\n", log: &log) == ["after"])
    }

    @Test func outputWithoutNewlinesIsLoggedInPiecesOfAJournalLine() {
        var log = TerminalLog()
        let lines = log.feed([UInt8](repeating: UInt8(ascii: "x"), count: 2 * TerminalLog.maxLineLength + 10), now: 0)
        #expect(lines.map(\.count) == [TerminalLog.maxLineLength, TerminalLog.maxLineLength])
        #expect(log.finish()?.count == 10)
    }

    @Test func backspaceTabsAndSplitUTF8() {
        var log = TerminalLog()
        #expect(lines("ab\u{8}c\tx\r\n", log: &log) == ["ac      x"])
        let euro = Array("€ ok\r\n".utf8)
        #expect(log.feed(euro[..<2], now: 0) == [])
        #expect(log.feed(euro[2...], now: 0) == ["€ ok"])
        #expect(log.feed([0xE2, UInt8(ascii: "a"), UInt8(ascii: "\n")], now: 0) == ["\u{FFFD}a"])
    }
}
