import Glibc
import UnitifyCore

/// `unitify write-log MAX KEEP PROGRAM -- ARGV…`, what systemd runs for a job whose log files
/// are capped (`--log-max`, and by default for `--log-file`, `--stdout`, `--stderr`).
///
/// systemd has opened the files as for any job (`StandardOutput=append:FILE`). This process puts
/// a pipe between the program and each file among its standard output and error, leaves a
/// writer of the pipes behind in the job, and becomes the program. The writer appends what comes
/// to the file and rotates it at MAX (`CappedLog.Rotation`): FILE becomes FILE.1, FILE.1 FILE.2…,
/// up to KEEP, then a new FILE. It reads as fast as the program writes, so the job is never
/// held up by the cap, and ends when the program and everything it started have closed the
/// pipes: nothing is lost at the end and nothing is left behind.
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

    /// The writer's loop: each pipe into its file until every pipe has ended.
    static func write(files: [CappedFile], readers: [Int32]) -> Never {
        var files = files
        var open = readers.map { _ in true }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while open.contains(true) {
            var descriptors = readers.enumerated().map { pollfd(fd: open[$0.offset] ? $0.element : -1, events: Int16(POLLIN), revents: 0) }
            if poll(&descriptors, nfds_t(descriptors.count), -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            for (index, descriptor) in descriptors.enumerated() where descriptor.revents != 0 {
                let count = read(readers[index], &buffer, buffer.count)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else {
                    open[index] = false
                    continue
                }
                files[index].append(buffer[..<count])
            }
        }
        _exit(0)
    }
}

/// A log file the writer appends to and rotates: the descriptor systemd opened, and its path.
struct CappedFile {
    let descriptor: Int32
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
        self.path = path
        (device, inode) = (UInt(info.st_dev), UInt(info.st_ino))
        rotation = CappedLog.Rotation(size: UInt64(info.st_size), cap: cap)
    }

    func isSameFile(as other: CappedFile) -> Bool {
        device == other.device && inode == other.inode
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
    func rotate() {
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
    }
}
