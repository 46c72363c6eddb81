/// The cap on a job's log file: at most `maxBytes` (more by one line at most), the older parts
/// kept as FILE.1 … FILE.`keep`.
public struct LogCap: Sendable, Equatable {
    public var maxBytes: UInt64
    public var keep: Int

    public init(maxBytes: UInt64, keep: Int) {
        self.maxBytes = maxBytes
        self.keep = keep
    }

    /// The cap of files unitify creates (`--log-file`, `--stdout`, `--stderr`): 50 MB and 5 older
    /// parts, 300 MB a stream at most, as supervisord keeps 50 MB × 10.
    public static let standard = LogCap(maxBytes: 50 * 1024 * 1024, keep: 5)

    /// `--log-max 0`, `none`, `infinity`: no cap.
    public static func isOff(_ text: String) -> Bool {
        ["0", "none", "infinity", "off"].contains(text)
    }

    /// `100K`, `50M`, `1G` (powers of 1024, as systemd reads sizes), or plain bytes; at least 1K.
    public static func parseSize(_ text: String) throws(UnitifyError) -> UInt64 {
        let units: [Character: UInt64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        var digits = Substring(text)
        var scale: UInt64 = 1
        if let last = text.last?.uppercased().first, let unit = units[last] {
            scale = unit
            digits = text.dropLast()
        }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let number = UInt64(digits),
              number.multipliedReportingOverflow(by: scale).overflow == false, number * scale >= 1024 else {
            throw UnitifyError.usage("--log-max '\(text)' is not a size of 1K or more: give one such as 100K, 50M or 1G (or none for no cap)")
        }
        return number * scale
    }

    public static func parseKeep(_ text: String) throws(UnitifyError) -> Int {
        guard let keep = Int(text), (0...100).contains(keep) else {
            throw UnitifyError.usage("--log-keep '\(text)' is not a number from 0 to 100: how many older parts of a capped file to keep")
        }
        return keep
    }

    /// `50M, 5 kept`.
    public var words: String {
        let size = maxBytes % (1 << 30) == 0 ? "\(maxBytes >> 30)G" : maxBytes % (1 << 20) == 0 ? "\(maxBytes >> 20)M"
            : maxBytes % (1 << 10) == 0 ? "\(maxBytes >> 10)K" : "\(maxBytes)"
        return "\(size), \(keep) kept"
    }
}

/// How a job with capped log files reads in its unit: `unitify write-log MAX KEEP -- PROGRAM
/// ARGV…`. systemd opens the files (`StandardOutput=append:FILE`) as for any job; that process
/// puts a pipe between the program and each file, leaves a writer of the pipes behind in the
/// job, which rotates the files at MAX, and becomes the program.
public enum CappedLog {
    public static let verb = "write-log"

    public static func command(_ cap: LogCap, executable: String, argv: [String]) -> [String] {
        ["unitify", verb, "\(cap.maxBytes)", "\(cap.keep)", executable, "--"] + argv
    }

    /// The cap and the command beneath it in a unit's command line; nil when it has none.
    public static func program(in argv: [String]) -> (cap: LogCap, executable: String, argv: [String])? {
        guard argv.count >= 7, argv[1] == verb, argv[5] == "--", let max = UInt64(argv[2]), let keep = Int(argv[3]) else { return nil }
        return (LogCap(maxBytes: max, keep: keep), argv[4], Array(argv[6...]))
    }

    /// Whether a process's command line, as the manager lists a unit's processes, is the writer
    /// left behind: the helper's own words, which it keeps after the program takes its place.
    public static func isWriter(commandLine: String) -> Bool {
        let words = commandLine.split(separator: " ", maxSplits: 2)
        return words.count > 1 && words[1] == verb
    }

    /// Where the writer stands in the current file, and what to do with the next bytes.
    public struct Rotation: Sendable, Equatable {
        public var size: UInt64
        public var atLineStart = true
        public let cap: LogCap

        public init(size: UInt64, cap: LogCap) {
            self.size = size
            self.cap = cap
        }

        /// Near the cap: its last 64K, what a pipe holds by default.
        public static let nearCap: UInt64 = 64 << 10

        /// How many bytes may go to the file unread (splice(2), with no copy through the writer):
        /// all that fits under the cap, since no line among them can need a new file. None near
        /// the cap, where the writer reads the lines to start the new file between two.
        public var unreadRoom: Int {
            size + Self.nearCap <= cap.maxBytes ? Int(cap.maxBytes - size) : 0
        }

        /// The file as bytes that went unread left it: its size, and its last byte (nil when
        /// empty or unknown), which says whether the next bytes start a line.
        public mutating func resume(size: UInt64, lastByte: UInt8?) {
            self.size = size
            atLineStart = lastByte.map { $0 == UInt8(ascii: "\n") } ?? true
        }

        public enum Step: Equatable {
            /// Start a new file first (the current one becomes FILE.1).
            case rotate
            /// Write these bytes of the chunk.
            case write(Range<Int>)
        }

        /// The steps for `chunk`: each line goes whole into the current file unless it would take
        /// the file past the cap, then into a new one; a line longer than the cap alone into one.
        /// A line not ended yet is written at once (never held back), and its end follows it.
        /// The lines between two rotations are one write. Ranges are offsets into `chunk`.
        /// Concrete, not generic: the writer passes every byte a job logs through it.
        public mutating func steps(for chunk: ArraySlice<UInt8>) -> [Step] {
            var steps: [Step] = []
            var unwritten = chunk.startIndex
            var start = chunk.startIndex
            while start < chunk.endIndex {
                let end = chunk[start...].firstIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? chunk.endIndex
                let length = UInt64(end - start)
                // A line that never ends is cut at twice the cap.
                if size > 0, atLineStart ? size + length > cap.maxBytes : size + length > 2 * cap.maxBytes {
                    if start > unwritten { steps.append(.write((unwritten - chunk.startIndex)..<(start - chunk.startIndex))) }
                    steps.append(.rotate)
                    size = 0
                    unwritten = start
                }
                size += length
                atLineStart = chunk[end - 1] == UInt8(ascii: "\n")
                start = end
            }
            if chunk.endIndex > unwritten { steps.append(.write((unwritten - chunk.startIndex)..<(chunk.endIndex - chunk.startIndex))) }
            return steps
        }
    }
}
