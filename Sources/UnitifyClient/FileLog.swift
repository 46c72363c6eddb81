import Glibc
import UnitifyCore

/// A job's log file (`--log-file`), read and followed like the journal: nohup-style file logs are
/// first class. Following copes with truncation (copytruncate) and rotation (rename + new file).
public final class FileLog {
    let path: String
    let output: Output

    public init(path: String, output: Output) {
        self.path = path
        self.output = output
    }

    /// Prints the last `lines` lines (all when nil), then follows when asked.
    public func show(lines: Int?, follow: Bool) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT && follow { try self.follow(from: nil) }
            throw UnitifyError.failed("cannot read the job's log file \(path): \(describe(errno: errno))")
        }
        var info = stat()
        fstat(fd, &info)
        var offset = lines.map { tailOffset(fd: fd, size: Int64(info.st_size), lines: $0) } ?? 0
        offset = copy(fd: fd, from: offset)
        output.flush()
        if follow { try self.follow(from: (fd, info.st_ino, offset)) }
        close(fd)
    }

    /// The offset where the last `lines` lines begin, found by reading backwards in blocks.
    func tailOffset(fd: Int32, size: Int64, lines: Int) -> Int64 {
        guard lines > 0 else { return size }
        var position = size
        var newlines = 0
        var block = [UInt8](repeating: 0, count: 65_536)
        // A final newline ends the last line; it does not start another.
        var skipFinal = true
        while position > 0 {
            let length = Int(min(Int64(block.count), position))
            position -= Int64(length)
            let count = pread(fd, &block, length, off_t(position))
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
    func copy(fd: Int32, from offset: Int64) -> Int64 {
        var position = offset
        var block = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = pread(fd, &block, block.count, off_t(position))
            guard count > 0 else { return position }
            block.withUnsafeBytes { output.write(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            position += Int64(count)
        }
    }

    /// Polls every 50 ms: new bytes are printed; a shrunken file was truncated (start over); a
    /// different inode at the path was rotated (finish the old file, then read the new one).
    func follow(from start: (fd: Int32, inode: UInt, offset: Int64)?) throws -> Never {
        let stop: @convention(c) (Int32) -> Void = { _ in
            Output.standard.flush()
            _exit(0)
        }
        listenForStop(stop)
        var current = start
        while true {
            if let (fd, inode, lastOffset) = current {
                var offset = lastOffset
                var info = stat()
                fstat(fd, &info)
                if info.st_size < offset { offset = 0 }
                offset = copy(fd: fd, from: offset)
                var atPath = stat()
                if stat(path, &atPath) == 0, atPath.st_ino != inode {
                    close(fd)
                    current = reopen()
                } else {
                    current = (fd, inode, offset)
                }
            } else {
                current = reopen()
            }
            output.flush()
            usleep(50_000)
        }
    }

    func reopen() -> (fd: Int32, inode: UInt, offset: Int64)? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        var info = stat()
        fstat(fd, &info)
        return (fd, info.st_ino, 0)
    }
}

extension UnitStatus {
    /// Prints the job's last lines from wherever they went: its log file or the journal. When
    /// they cannot be read (a journal closed to this user, a log file gone), that is said on
    /// stderr in one line: callers show these lines as an extra, and must not show nothing.
    public func printLastLines(_ lines: Int, to output: Output, scope: ManagerScope = .user) throws {
        do {
            if let file = logFile {
                try FileLog(path: file, output: output).show(lines: lines, follow: false)
            } else {
                try UnitLog(units: [unit], lines: lines, scope: scope, output: output).printTail()
            }
        } catch let failure as UnitifyError {
            output.flush()
            printError("unitify: \(failure.description)")
        } catch {
            output.flush()
            printError("unitify: cannot show the last lines of \(UnitName.shortName(unit)): \(error)")
        }
    }
}
