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

@Suite struct TerminalMessageTests {
    @Test(arguments: [
        TerminalMessage.hello(.interactive, rows: 40, columns: 132), .hello(.watching, rows: 0, columns: 0),
        .hello(.sending, rows: 1, columns: 65535), .input(Array("say hi\r".utf8)), .input([]), .resize(rows: 50, columns: 200),
    ])
    func roundTrips(_ message: TerminalMessage) throws {
        var reader = TerminalMessage.Reader()
        let bytes = message.encoded
        // Byte by byte: nothing until the whole message has come.
        for byte in bytes.dropLast() {
            reader.append([byte])
            #expect(try reader.next() == nil)
        }
        reader.append([bytes.last!])
        #expect(try reader.next() == message)
        #expect(try reader.next() == nil)
    }

    @Test func twoMessagesInOneRead() throws {
        var reader = TerminalMessage.Reader()
        reader.append(TerminalMessage.hello(.sending, rows: 0, columns: 0).encoded + TerminalMessage.input([65]).encoded)
        #expect(try reader.next() == .hello(.sending, rows: 0, columns: 0))
        #expect(try reader.next() == .input([65]))
    }

    @Test(arguments: [[9, 0, 0, 0, 0], [1, 1, 0, 0, 0, 7], [1, 5, 0, 0, 0, 9, 0, 0, 0, 0], [2, 255, 255, 255, 127]] as [[UInt8]])
    func refusesWhatIsNotTheProtocol(_ bytes: [UInt8]) {
        var reader = TerminalMessage.Reader()
        reader.append(bytes)
        #expect(throws: UnitifyError.self) { try reader.next() }
    }
}

@Suite struct DetachKeyTests {
    @Test(arguments: [("^\\", 0x1C), ("^A", 0x01), ("^a", 0x01), ("ctrl-b", 0x02), ("C-]", 0x1D), ("Ctrl+Z", 0x1A), ("^?", 0x7F)] as [(String, UInt8)])
    func parses(_ text: String, _ byte: UInt8) throws {
        #expect(try DetachKey.parse(text) == byte)
    }

    @Test func noneMeansNoKey() throws {
        #expect(try DetachKey.parse("none") == nil)
    }

    @Test(arguments: ["", "a", "^", "^ab", "ctrl-1", "F1", "^é"])
    func refusesWhatIsNoControlKey(_ text: String) {
        #expect(throws: UnitifyError.self) { try DetachKey.parse(text) }
    }

    @Test func namesTheKey() {
        #expect(DetachKey.name(DetachKey.standard) == "Ctrl-\\")
        #expect(DetachKey.name(0x01) == "Ctrl-A")
    }
}

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

@Suite struct TerminalRequestTests {
    @Test func ttyTakesTheHostsUnitify() throws {
        var request = JobRequest()
        request.command = ["python3", "-i"]
        request.tty = true
        let (spec, _) = try request.makeSpec(host: FakeHost())
        #expect(spec.tty && spec.helper == "/usr/bin/unitify")
        #expect(spec.executable == "/usr/bin/python3")
    }

    @Test func ttyAndALinesInputFileExcludeEachOther() {
        var request = JobRequest()
        request.line = "nohup python3 job.py < app.env &"
        request.tty = true
        #expect(throws: UnitifyError.usage("--tty gives the job a terminal to read from: leave out the line's '< app.env', or --tty")) {
            try request.makeSpec(host: FakeHost())
        }
    }

    @Test func restartTtyGivesAJobATerminalAndOtherChangesKeepIt() throws {
        var spec = UnitSpec(name: "repl.service", argv: ["python3"], executable: "/usr/bin/python3", workingDirectory: "/home/alice/project")
        var change = JobRequest()
        change.tty = true
        spec = try JobChange.apply(change, to: spec, host: FakeHost())
        #expect(spec.tty && spec.helper == "/usr/bin/unitify")
        change = JobRequest()
        change.env = ["MODE=x"]
        #expect(try JobChange.apply(change, to: spec, host: FakeHost()).tty)
    }
}

@Suite struct TerminalHolderCheckTests {
    @Test func doctorSaysWhetherTheHoldersPathLasts() {
        #expect(Check.terminalHolder("/usr/bin/unitify").verdict == .ok)
        let build = Check.terminalHolder("/home/alice/unitify/.build/release/unitify")
        #expect(build.verdict == .warning && build.summary.contains("it is a build's output"), "\(build.summary)")
        #expect(Check.terminalHolder("/tmp/unitify").summary.contains("it is under /tmp"))
        #expect(Check.terminalHolder(nil).verdict == .warning)
    }
}
