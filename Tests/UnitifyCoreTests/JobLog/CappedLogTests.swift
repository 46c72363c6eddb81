import Testing
@testable import UnitifyCore

/// Log caps: the sizes and counts `--log-max` and `--log-keep` take, the default, the command
/// line, and where the writer starts a new file.
@Suite struct CappedLogTests {
    @Test(arguments: [("100K", 102_400), ("50M", 52_428_800), ("1g", 1_073_741_824), ("4096", 4096), ("1K", 1024)] as [(String, UInt64)])
    func sizes(_ text: String, _ bytes: UInt64) throws {
        #expect(try LogCap.parseSize(text) == bytes)
    }

    @Test(arguments: ["", "K", "10", "1023", "-1M", "5X", "1.5M", "99999999999999999999G", "１M"])
    func refusedSizes(_ text: String) {
        #expect(throws: UnitifyError.usage("--log-max '\(text)' is not a size of 1K or more: give one such as 100K, 50M or 1G (or none for no cap)")) {
            try LogCap.parseSize(text)
        }
    }

    @Test func keepIsAWholeNumberUpToAHundred() throws {
        #expect(try LogCap.parseKeep("0") == 0 && LogCap.parseKeep("100") == 100)
        #expect(throws: UnitifyError.self) { try LogCap.parseKeep("101") }
        #expect(throws: UnitifyError.self) { try LogCap.parseKeep("two") }
    }

    /// The writer among a unit's processes: its own command line, not the program's.
    @Test func theWriterIsKnownByItsCommandLine() {
        #expect(CappedLog.isWriter(commandLine: "unitify write-log 52428800 5 /usr/bin/seq -- seq 1 9"))
        #expect(!CappedLog.isWriter(commandLine: "seq 1 9"))
        #expect(!CappedLog.isWriter(commandLine: "sh -c unitify write-log"))
        #expect(!CappedLog.isWriter(commandLine: "write-log"))
    }

    func request(_ configure: (inout JobRequest) -> Void) throws(UnitifyError) -> UnitSpec {
        var request = JobRequest()
        request.command = ["./server"]
        configure(&request)
        return try request.makeSpec(host: FakeSite()).0
    }

    @Test func filesOfTheOptionsAreCappedByDefaultALinesOnlyWhenAsked() throws {
        let logged = try request { $0.logFile = "/tmp/server.log" }
        #expect(logged.logCap == LogCap.standard && logged.helper == "/usr/bin/unitify")
        #expect(logged.execCommand.argv == ["unitify", "write-log", "52428800", "5", "/home/alice/project/server", "--", "./server"])
        #expect(try request { $0.logFile = "/tmp/server.log"; $0.logMax = "none" }.logCap == nil)
        #expect(try request { $0.stderr = "/tmp/errors.log"; $0.logMax = "100K"; $0.logKeep = "2" }.logCap == LogCap(maxBytes: 102_400, keep: 2))
        #expect(try request { _ in }.logCap == nil)
        var line = JobRequest()
        line.line = "nohup ./server > out.log 2>&1 &"
        #expect(try line.makeSpec(host: FakeSite()).0.logCap == nil)
        line.logMax = "1M"
        #expect(try line.makeSpec(host: FakeSite()).0.logCap == LogCap(maxBytes: 1 << 20, keep: 5))
    }

    @Test func aCapWithoutAFileIsRefused() {
        #expect(throws: UnitifyError.usage("--log-max and --log-keep cap the files of --log-file, --stdout and --stderr: give one of them (the journal has limits of its own, which 'unitify doctor' shows)")) {
            try request { $0.logMax = "10M" }
        }
        #expect(throws: UnitifyError.self) { try request { $0.logFile = "/tmp/x.log"; $0.logMax = "none"; $0.logKeep = "3" } }
    }

    @Test func theStandardCapIsDroppedWhereNoUnitifyCanWriteItAndSaidSo() throws {
        var request = JobRequest()
        request.command = ["./server"]
        request.logFile = "/tmp/server.log"
        let (spec, notes) = try request.makeSpec(host: WithoutUnitify())
        #expect(spec.logCap == nil && spec.helper == nil)
        #expect(notes == ["the log file is not capped: that needs unitify installed where the job runs"])
        request.logMax = "1M"
        #expect(throws: UnitifyError.self) { try request.makeSpec(host: WithoutUnitify()) }
    }

    @Test func aCappedTerminalJobReadsBackWhole() {
        var spec = UnitSpec(name: "mc.service", argv: ["java", "-jar", "s.jar"], executable: "/usr/bin/java", workingDirectory: "/srv")
        (spec.helper, spec.tty, spec.logCap) = ("/usr/bin/unitify", true, LogCap(maxBytes: 2048, keep: 1))
        let command = spec.execCommand
        #expect(command.argv.prefix(7) == ["unitify", "write-log", "2048", "1", "/usr/bin/unitify", "--", "unitify"])
        let read = UnitCommand(path: command.executable, argv: command.argv)
        #expect(read == UnitCommand(path: "/usr/bin/java", argv: ["java", "-jar", "s.jar"]).with(helper: "/usr/bin/unitify", tty: true, cap: spec.logCap))
    }

    func steps(_ text: String, size: UInt64 = 0, max: UInt64 = 10, atLineStart: Bool = true) -> ([String], CappedLog.Rotation) {
        var rotation = CappedLog.Rotation(size: size, cap: LogCap(maxBytes: max, keep: 1))
        rotation.atLineStart = atLineStart
        let bytes = Array(text.utf8)
        let result = rotation.steps(for: bytes[...]).map { step -> String in
            switch step {
            case .rotate: "|"
            case .write(let range): String(decoding: bytes[range], as: UTF8.self)
            }
        }
        return (result, rotation)
    }

    @Test func linesGoWholeIntoAFileThatStaysUnderTheCap() {
        // The lines between two rotations are written at once.
        #expect(steps("aaaa\nbbbb\ncccc\n").0 == ["aaaa\nbbbb\n", "|", "cccc\n"])
        // A line longer than the cap goes alone into a file of its own.
        #expect(steps("a\nbbbbbbbbbbbbbbb\nc\n").0 == ["a\n", "|", "bbbbbbbbbbbbbbb\n", "|", "c\n"])
        // A line not ended yet is written at once; its end follows it into the same file.
        let (partial, rotation) = steps("aaaa\nbbbb\ncc")
        #expect(partial == ["aaaa\nbbbb\n", "|", "cc"] && !rotation.atLineStart && rotation.size == 2)
        #expect(steps("ccccccc\n", size: 2, atLineStart: false).0 == ["ccccccc\n"])
        // One that never ends is cut at twice the cap.
        #expect(steps("xxxxxxxxxxxx", size: 15, atLineStart: false).0 == ["|", "xxxxxxxxxxxx"])
        // An existing file counts.
        #expect(steps("abc\n", size: 8).0 == ["|", "abc\n"])
    }

    @Test func bytesGoUnreadUntilNearTheCap() {
        var rotation = CappedLog.Rotation(size: 0, cap: LogCap(maxBytes: 100 << 10, keep: 2))
        #expect(rotation.unreadRoom == 100 << 10)
        rotation.size = 36 << 10
        #expect(rotation.unreadRoom == 64 << 10)
        rotation.size += 1
        #expect(rotation.unreadRoom == 0, "near the cap, lines are read")
        #expect(CappedLog.Rotation(size: 0, cap: LogCap(maxBytes: 64 << 10, keep: 1)).unreadRoom == 64 << 10)
        #expect(CappedLog.Rotation(size: 0, cap: LogCap(maxBytes: 1024, keep: 1)).unreadRoom == 0, "a cap under 64K is always near")
        rotation.resume(size: 90_000, lastByte: UInt8(ascii: "x"))
        #expect(rotation.size == 90_000 && !rotation.atLineStart)
        rotation.resume(size: 0, lastByte: nil)
        #expect(rotation.atLineStart)
    }

    /// The writer's two ways on a megabyte through a 100K cap: unread (as splice moves it, cut
    /// anywhere in a line) while it fits, read near the cap. Every line is in one file once, in
    /// order, and no file is over the cap by more than a line.
    @Test func aFloodGoesUnreadFarFromTheCapAndReadNearIt() {
        let cap = LogCap(maxBytes: 100 << 10, keep: 2)
        let flood = Array((0..<20_000).map { "line \($0) of the flood, as fast as it can\n" }.joined().utf8)
        var files: [[UInt8]] = [[]]
        var rotation = CappedLog.Rotation(size: 0, cap: cap)
        var (unread, read, wentUnread) = (0, 0, false)
        var offset = 0
        while offset < flood.count {
            // What the pipe holds at each turn: 3,000 bytes, cut anywhere.
            let chunk = flood[offset..<min(offset + 3000, flood.count)]
            if rotation.unreadRoom > 0 {
                let moved = min(rotation.unreadRoom, chunk.count)
                files[files.count - 1] += chunk.prefix(moved)
                rotation.size += UInt64(moved)
                (unread, wentUnread, offset) = (unread + moved, true, offset + moved)
                continue
            }
            if wentUnread {
                rotation.resume(size: UInt64(files[files.count - 1].count), lastByte: files[files.count - 1].last)
                wentUnread = false
            }
            for step in rotation.steps(for: chunk) {
                switch step {
                case .rotate: files.append([])
                case .write(let range): files[files.count - 1] += chunk[(chunk.startIndex + range.lowerBound)..<(chunk.startIndex + range.upperBound)]
                }
            }
            (read, offset) = (read + chunk.count, offset + chunk.count)
        }
        #expect(unread > 0 && read > 0, "unread \(unread), read \(read)")
        #expect(Array(files.joined()) == flood)
        for (index, file) in files.enumerated() {
            #expect(file.count <= (100 << 10) + 43, "file \(index) is \(file.count) bytes")
            #expect(file.last == UInt8(ascii: "\n") && file.starts(with: Array("line ".utf8)), "file \(index) holds part of a line")
        }
        #expect(files.count == flood.count / (100 << 10) + 1 || files.count == flood.count / (100 << 10) + 2)
    }
}

extension UnitCommand {
    func with(helper: String, tty: Bool, cap: LogCap?) -> UnitCommand {
        var command = self
        (command.helper, command.tty, command.logCap) = (helper, tty, cap)
        return command
    }
}

/// FakeSite's files, and no unitify there.
struct WithoutUnitify: JobSite {
    let base = FakeSite()
    var environment: [String] { base.environment }
    var currentDirectory: String? { base.currentDirectory }
    func fileKind(_ path: String) -> FileKind { base.fileKind(path) }
    func readText(_ path: String) throws(UnitifyError) -> String { try base.readText(path) }
}
