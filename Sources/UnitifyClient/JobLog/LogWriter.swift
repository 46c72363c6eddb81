import Glibc
import UnitifyCore

/// `unitify write-log MAX KEEP PROGRAM -- ARGV…`, what systemd runs for a job whose log files
/// are capped (`--log-max`, and by default for `--log-file`, `--stdout`, `--stderr`).
///
/// systemd has opened the files as for any job (`StandardOutput=append:FILE`). This process puts
/// a pipe between the program and each file among its standard output and error, leaves a
/// writer of the pipes behind in the job, and becomes the program. The writer appends what comes
/// to the file and rotates it at MAX (`CappedLog.Rotation`): FILE becomes FILE.1, FILE.1 FILE.2…,
/// up to KEEP, then a new FILE. Far from MAX the bytes go from the pipe to the file unread
/// (splice(2)); only near it are the lines read. It takes as fast as the program writes, so the
/// job is never held up by the cap, and ends when the program and everything it started have
/// closed the pipes: nothing is lost at the end and nothing is left behind.
public enum LogWriter {
    public static func main(_ arguments: [String]) -> Never {
        guard arguments.count >= 4, arguments[3] == "--", let max = UInt64(arguments[0]), let keep = Int(arguments[1]), max > 0, keep >= 0 else {
            failBeforeTheProgram("usage: unitify \(CappedLog.verb) MAX KEEP PROGRAM -- ARGV… (systemd runs this for a job with capped log files)", status: 2)
        }
        let cap = LogCap(maxBytes: max, keep: keep)
        let (program, argv) = (arguments[2], Array(arguments[4...]))
        var files: [CappedFile] = []
        var pipes: [(streams: [Int32], reader: Int32, writer: Int32)] = []
        for stream in [STDOUT_FILENO, STDERR_FILENO] {
            guard let file = CappedFile(descriptor: stream, cap: cap) else { continue }
            if let same = files.firstIndex(where: { $0.isSameFile(as: file) }) {
                pipes[same].streams.append(stream)  // --log-file: one pipe, in the order written
                continue
            }
            var ends: [Int32] = [0, 0]
            guard pipe(&ends) == 0 else { failBeforeTheProgram("unitify: cannot make a pipe for \(file.path): \(String(cString: strerror(errno)))", status: 1) }
            // A pipe of 1 MiB (F_SETPIPE_SZ) rather than 64K: a job that writes in bursts waits less for
            // the writer. Refused (an unprivileged user over /proc/sys/fs/pipe-max-size), it stays 64K.
            _ = fcntl(ends[1], 1031, 1 << 20)
            files.append(file)
            pipes.append(([stream], ends[0], ends[1]))
        }
        if !files.isEmpty {
            do {
                try leaveBehind("the log writer") {
                    for pipe in pipes { close(pipe.writer) }
                    ignoreJobSignals()
                    write(files: files, readers: pipes.map(\.reader))
                }
            } catch {
                failBeforeTheProgram("unitify: \(error.message)", status: 1)
            }
            for pipe in pipes {
                close(pipe.reader)
                for stream in pipe.streams { dup2(pipe.writer, stream) }
                close(pipe.writer)
            }
        }
        becomeProgram(program, argv)
    }

    /// What a round took from the pipes at least for the writer not to pause: 128K.
    static let gathered = 128 << 10

    /// The writer's loop: each pipe into its file until every pipe has ended.
    ///
    /// A job that writes a little at a time would wake the writer for each write, and both pay
    /// for every wake-up (most of the cap's cost on a job that floods its log, with the bytes
    /// spliced). So after a round that took less than `gathered` the writer waits a millisecond
    /// for more: the job does not wait for it, its pipe of 1 MiB holds more than a job writes
    /// in a millisecond. Where the pipes could not be made that big, it never waits.
    static func write(files: [CappedFile], readers: [Int32]) -> Never {
        var files = files
        var open = readers.map { _ in true }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        let pauses = readers.allSatisfy { fcntl($0, 1032) >= 1 << 20 }  // F_GETPIPE_SZ
        while open.contains(true) {
            var descriptors = readers.enumerated().map { pollfd(fd: open[$0.offset] ? $0.element : -1, events: Int16(POLLIN), revents: 0) }
            if poll(&descriptors, nfds_t(descriptors.count), -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            var taken = 0
            for (index, descriptor) in descriptors.enumerated() where descriptor.revents != 0 {
                switch files[index].take(from: readers[index], buffer: &buffer) {
                case .ended: open[index] = false
                case .bytes(let count): taken += count
                }
            }
            if pauses && taken < gathered && open.contains(true) { usleep(1000) }
        }
        _exit(0)
    }
}

/// What one take from a pipe did: put so many bytes into the file, or found the pipe ended.
enum Taken {
    case bytes(Int)
    case ended
}

/// A log file the writer appends to and rotates: the descriptor systemd opened, and its path.
struct CappedFile {
    let descriptor: Int32
    /// The same file opened again, for splice(2), which refuses a file opened to append (as
    /// systemd's `append:` is), and for its last byte; nil where it cannot be opened so, or
    /// splice failed: then every byte is read.
    var unreadDescriptor: Int32?
    /// Whether bytes went to the file unread since the writer last read: where the file stands
    /// (its size, whether it ends a line) is then to be asked of the file.
    var wentUnread = false
    let path: String
    let device: UInt, inode: UInt
    var rotation: CappedLog.Rotation

    /// The file on `descriptor` when it is a regular file; nil otherwise (the journal, a pipe,
    /// a terminal: nothing to cap).
    init?(descriptor: Int32, cap: LogCap) {
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        guard let path = symbolicLinkTarget("/proc/self/fd/\(descriptor)"), path.hasPrefix("/"), !path.hasSuffix(" (deleted)") else { return nil }
        // A descriptor of its own, so that the stream's can become the pipe.
        self.descriptor = fcntl(descriptor, F_DUPFD_CLOEXEC, 3)
        unreadDescriptor = Self.openAgain(self.descriptor)
        self.path = path
        (device, inode) = (UInt(info.st_dev), UInt(info.st_ino))
        rotation = CappedLog.Rotation(size: UInt64(info.st_size), cap: cap)
    }

    func isSameFile(as other: CappedFile) -> Bool {
        device == other.device && inode == other.inode
    }

    /// The file on `descriptor` opened again, to read and write at offsets given (not to append).
    static func openAgain(_ descriptor: Int32) -> Int32? {
        let again = open("/proc/self/fd/\(descriptor)", O_RDWR | O_CLOEXEC)
        return again >= 0 ? again : nil
    }

    /// Moves what the pipe holds into the file: how much, or that the pipe has ended. Far from the cap
    /// the bytes go unread (splice(2)): no copy through the writer, which is most of what the
    /// cap costs a job that floods its log. Near it they are read, to rotate between two lines.
    mutating func take(from pipe: Int32, buffer: inout [UInt8]) -> Taken {
        if let spliced = spliceUnread(from: pipe) { return spliced }
        if wentUnread { resumeAfterUnread() }
        let count = read(pipe, &buffer, buffer.count)
        if count < 0 { return errno == EINTR ? .bytes(0) : .ended }
        guard count > 0 else { return .ended }
        append(buffer[..<count])
        return .bytes(count)
    }

    /// Splices from the pipe what fits under the cap, at the file's end; nil when nothing went
    /// (near the cap, or splice refused).
    mutating func spliceUnread(from pipe: Int32) -> Taken? {
        guard let unread = unreadDescriptor, rotation.unreadRoom > 0, let splice = Splice.function else { return nil }
        // The end as the file has it, as a write to append would: after `: > FILE` too.
        var info = stat()
        guard fstat(unread, &info) == 0 else { return nil }
        rotation.size = UInt64(info.st_size)
        let room = rotation.unreadRoom
        guard room > 0 else { return nil }
        var offset = Int64(info.st_size)
        let moved = splice(pipe, nil, unread, &offset, room, Splice.nonBlocking)
        if moved >= 0 {
            rotation.size = UInt64(offset)
            wentUnread = wentUnread || moved > 0
            return moved > 0 ? .bytes(moved) : .ended
        }
        if errno == EINTR || errno == EAGAIN { return .bytes(0) }
        // Any other failure but "not here" (EINVAL, ENOSYS: a file system without splice) may pass
        // (ENOMEM): these bytes are read, and the next round splices again.
        if wentUnread { resumeAfterUnread() }
        guard errno == EINVAL || errno == ENOSYS else { return nil }
        // Refused here: every byte is read from now on.
        close(unread)
        unreadDescriptor = nil
        return nil
    }

    /// Where the file stands after bytes went to it unread: its size, and its last byte.
    mutating func resumeAfterUnread() {
        wentUnread = false
        var info = stat()
        var last: UInt8 = 0
        guard let unread = unreadDescriptor, fstat(unread, &info) == 0 else { return }
        let known = info.st_size > 0 && pread(unread, &last, 1, info.st_size - 1) == 1
        rotation.resume(size: UInt64(info.st_size), lastByte: known ? last : nil)
    }

    mutating func append(_ bytes: ArraySlice<UInt8>) {
        for step in rotation.steps(for: bytes) {
            switch step {
            case .rotate: rotate()
            case .write(let range): writeAll(descriptor, bytes[(bytes.startIndex + range.lowerBound)..<(bytes.startIndex + range.upperBound)])
            }
        }
    }

    /// FILE.KEEP goes, each FILE.N becomes FILE.N+1, FILE becomes FILE.1, and a new FILE takes
    /// its descriptor's place. With KEEP 0 the file starts again empty. A step that fails leaves
    /// the writing going on where it can: the job's output is never held up by the log.
    mutating func rotate() {
        let keep = rotation.cap.keep
        guard keep > 0 else {
            _ = ftruncate(descriptor, 0)
            return
        }
        unlink("\(path).\(keep)")
        for number in stride(from: keep - 1, through: 1, by: -1) { rename("\(path).\(number)", "\(path).\(number + 1)") }
        rename(path, "\(path).1")
        let fresh = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fresh >= 0 else { return }
        dup2(fresh, descriptor)  // the writer runs nothing: close-on-exec does not matter
        close(fresh)
        // Bytes that go unread go to the new file too, or, when it cannot be opened so, none do.
        if let unread = unreadDescriptor {
            close(unread)
            unreadDescriptor = Self.openAgain(descriptor)
        }
    }
}

/// splice(2), which Glibc's Swift module leaves out (a GNU extension): the C library's own,
/// looked up once by name.
enum Splice {
    typealias Function = @convention(c) (Int32, UnsafeMutablePointer<Int64>?, Int32, UnsafeMutablePointer<Int64>?, Int, UInt32) -> Int

    static let function: Function? = dlsym(dlopen(nil, RTLD_NOW), "splice").map { unsafeBitCast($0, to: Function.self) }

    /// SPLICE_F_NONBLOCK: an empty pipe is EAGAIN, not a wait.
    static let nonBlocking: UInt32 = 2
}
