import Glibc
import SystemPackage
import UnitifyCore

/// A job's log file (`--log-file`), read and followed like the journal: nohup-style file logs are
/// first class. Following copes with truncation (copytruncate) and rotation (rename + new file).
public final class FileLog: JournalSource {
    let path: String
    let output: Output
    /// How many of the last lines the tail shows (all when nil), and whether a follow comes after.
    var lines: Int?
    var follows: Bool
    /// Where the tail ended, for the follow; nil when the file is missing.
    var place: Place?

    /// Written before each line: the host and its padding, for a unitify serving a client's
    /// `--host` (as `RemoteFileLog` labels them); empty here.
    let prefix: [UInt8]
    /// Whether the next byte copied starts a line.
    private var atLineStart = true

    public init(path: String, output: Output, lines: Int? = nil, follow: Bool = false, prefix: String = "") {
        self.path = path
        self.output = output
        self.lines = lines
        follows = follow
        self.prefix = Array(prefix.utf8)
    }

    /// Where following stands in one file: the open file, its inode, and how far it was printed.
    typealias Place = (file: FileDescriptor, inode: Inode, offset: Int64)

    /// Prints the last `lines` lines (all when nil); the file stays open when a follow comes after.
    /// A file missing is an error, unless it is to be followed: it may yet come.
    public func printTail(entryEnded: ((UInt64) -> Void)?, note: (String) -> Void) throws -> Int {
        let start: Place
        do {
            let file = try FileDescriptor.open(FilePath(path), .readOnly, options: .closeOnExec)
            do {
                let info = try Stat(file)
                start = (file, info.inode, lines.map { tailOffset(file, size: info.size, lines: $0) } ?? 0)
            } catch {
                try? file.close()
                throw error
            }
        } catch Errno.noSuchFileOrDirectory where follows {
            return 0
        } catch {
            throw UnitifyError.failed("cannot read the job's log file \(path): \(error)")
        }
        let offset = copy(start.file, from: start.offset)
        output.flush()
        entryEnded?(0)
        if follows {
            place = (start.file, start.inode, offset)
        } else {
            try? start.file.close()
        }
        return offset > start.offset ? 1 : 0
    }

    public func follow(entryEnded: ((UInt64) -> Void)?, note: @escaping (String) -> Void) throws {
        try follow(from: place, entryEnded: entryEnded)
    }

    /// The offset where the last `lines` lines begin, found by reading backwards in blocks.
    func tailOffset(_ file: FileDescriptor, size: Int64, lines: Int) -> Int64 {
        guard lines > 0 else { return size }
        var position = size
        var newlines = 0
        var block = [UInt8](repeating: 0, count: 65_536)
        // A final newline ends the last line; it does not start another.
        var skipFinal = true
        while position > 0 {
            let length = Int(min(Int64(block.count), position))
            position -= Int64(length)
            let count = (try? block.withUnsafeMutableBytes { try file.read(fromAbsoluteOffset: position, into: UnsafeMutableRawBufferPointer(rebasing: $0[..<length])) }) ?? 0
            guard count > 0 else { break }
            for index in stride(from: count - 1, through: 0, by: -1) where block[index] == UInt8(ascii: "\n") {
                if skipFinal && position + Int64(index) == size - 1 { continue }
                newlines += 1
                if newlines == lines { return position + Int64(index) + 1 }
            }
            skipFinal = false
        }
        return 0
    }

    /// Copies from `offset` to the end of the file; returns the new offset.
    func copy(_ file: FileDescriptor, from offset: Int64) -> Int64 {
        var position = offset
        var block = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = (try? block.withUnsafeMutableBytes { try file.read(fromAbsoluteOffset: position, into: $0) }) ?? 0
            guard count > 0 else { return position }
            StopSignals.honourRequest(output)
            if prefix.isEmpty {
                block.withUnsafeBytes { output.write(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            } else {
                var start = 0
                while start < count {
                    if atLineStart { prefix.withUnsafeBytes { output.write($0) } }
                    let end = block[start..<count].firstIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? count
                    block.withUnsafeBytes { output.write(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
                    atLineStart = block[end - 1] == UInt8(ascii: "\n")
                    start = end
                }
            }
            position += Int64(count)
        }
    }

    /// Polls every 50 ms: new bytes are printed; a shrunken file was truncated (start over); a
    /// different inode at the path was rotated (finish the old file, then read the new one).
    func follow(from start: Place?, entryEnded: ((UInt64) -> Void)? = nil) throws -> Never {
        StopSignals.listen()
        var current = start
        while true {
            if let (file, inode, lastOffset) = current {
                var offset = lastOffset
                if let size = try? Stat(file).size, size < offset { offset = 0 }
                let before = offset
                offset = copy(file, from: offset)
                if offset != before { entryEnded?(0) }
                if let atPath = try? Stat(FilePath(path)), atPath.inode != inode {
                    try? file.close()
                    current = reopen()
                } else {
                    current = (file, inode, offset)
                }
            } else {
                current = reopen()
            }
            output.flush()
            StopSignals.whileIdle { _ = usleep(50_000) }
        }
    }

    func reopen() -> Place? {
        guard let file = try? FileDescriptor.open(FilePath(path), .readOnly, options: .closeOnExec) else { return nil }
        guard let info = try? Stat(file) else {
            try? file.close()
            return nil
        }
        return (file, info.inode, 0)
    }
}
