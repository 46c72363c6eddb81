import Glibc
import UnitifyCore

/// One run of a health check. nil: it passed; else why it failed, in a few words.
enum Probe {
    static func check(_ probe: HealthProbe, timeout: TimeSpan) -> String? {
        let deadline = monotonicMilliseconds() + Int(timeout.microseconds / 1000)
        switch probe {
        case .ready(.file(let path)):
            var info = stat()
            return stat(path, &info) == 0 ? nil : "\(path): \(reason(errno))"
        case .ready(.unixSocket(let path)):
            return connectUnix(path, deadline: deadline).failure
        case .ready(.tcp(let port)):
            var first: String?
            for host in ["127.0.0.1", "::1"] {
                let attempt = connectTCP(host: host, port: port, deadline: deadline)
                if let fd = attempt.fd { close(fd); return nil }
                first = first ?? attempt.failure
            }
            return first
        case .ready(.command(let command)):
            return runCommand(command, deadline: deadline)
        case .http(let host, let port, let path):
            return http(host: host, port: port, path: path, deadline: deadline)
        }
    }

    static func monotonicMilliseconds() -> Int {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return time.tv_sec * 1000 + time.tv_nsec / 1_000_000
    }

    static func reason(_ code: Int32) -> String {
        String(cString: strerror(code)).lowercased()
    }

    /// Waits until `fd` is ready for `events` or the deadline passes.
    static func wait(_ fd: Int32, _ events: Int32, deadline: Int) -> Bool {
        while true {
            let left = deadline - monotonicMilliseconds()
            guard left > 0 else { return false }
            var descriptor = pollfd(fd: fd, events: Int16(events), revents: 0)
            let result = poll(&descriptor, 1, Int32(left))
            if result < 0 && errno == EINTR { continue }
            return result > 0
        }
    }

    /// A non-blocking connect to `address`, finished within the deadline.
    static func connect(family: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t, deadline: Int) -> (fd: Int32?, failure: String?) {
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { return (nil, "socket: \(reason(errno))") }
        if Glibc.connect(fd, address, length) != 0 {
            guard errno == EINPROGRESS || errno == EAGAIN else {
                let failure = reason(errno)
                close(fd)
                return (nil, failure)
            }
            guard wait(fd, Int32(POLLOUT), deadline: deadline) else {
                close(fd)
                return (nil, "timed out connecting")
            }
            var code: Int32 = 0
            var size = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &size)
            guard code == 0 else {
                close(fd)
                return (nil, reason(code))
            }
        }
        return (fd, nil)
    }

    static func connectUnix(_ path: String, deadline: Int) -> (fd: Int32?, failure: String?) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return (nil, "\(path): path too long") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(family: AF_UNIX, $0, socklen_t(MemoryLayout<sockaddr_un>.size), deadline: deadline) }
        }
        if let fd = result.fd { close(fd); return (nil, nil) }
        return (nil, "\(path): \(result.failure ?? "cannot connect")")
    }

    /// The first address of `host` that takes a connection.
    static func connectTCP(host: String, port: UInt16, deadline: Int) -> (fd: Int32?, failure: String?) {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let code = getaddrinfo(host, "\(port)", &hints, &list)
        guard code == 0, let list else { return (nil, "\(host): \(String(cString: gai_strerror(code)))") }
        defer { freeaddrinfo(list) }
        var failure = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let current = entry {
            let attempt = connect(family: current.pointee.ai_family, current.pointee.ai_addr, current.pointee.ai_addrlen, deadline: deadline)
            if attempt.fd != nil { return attempt }
            failure = attempt.failure ?? failure
            entry = current.pointee.ai_next
        }
        return (nil, failure)
    }

    /// `GET PATH HTTP/1.0`: healthy on a 2xx or 3xx status.
    static func http(host: String, port: UInt16, path: String, deadline: Int) -> String? {
        let attempt = connectTCP(host: host, port: port, deadline: deadline)
        guard let fd = attempt.fd else { return attempt.failure }
        defer { close(fd) }
        let authority = (host.contains(":") ? "[\(host)]" : host) + (port == 80 ? "" : ":\(port)")
        var request = Array("GET \(path) HTTP/1.0\r\nHost: \(authority)\r\nUser-Agent: unitify-health\r\nConnection: close\r\n\r\n".utf8)
        while !request.isEmpty {
            guard wait(fd, Int32(POLLOUT), deadline: deadline) else { return "timed out sending the request" }
            let sent = send(fd, request, request.count, Int32(MSG_NOSIGNAL))
            if sent < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return reason(errno)
            }
            request.removeFirst(sent)
        }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1024)
        while !answer.contains(UInt8(ascii: "\n")) && answer.count < 4096 {
            guard wait(fd, Int32(POLLIN), deadline: deadline) else { return "timed out waiting for an answer" }
            let count = recv(fd, &buffer, buffer.count, 0)
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return reason(errno)
            }
            guard count > 0 else { break }
            answer += buffer[..<count]
        }
        let line = String(decoding: answer.prefix { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        let words = line.split(separator: " ")
        guard words.count >= 2, words[0].hasPrefix("HTTP/"), let status = Int(words[1]) else {
            return answer.isEmpty ? "no answer" : "not an HTTP answer"
        }
        return (200..<400).contains(status) ? nil : "HTTP \(line.split(separator: " ", maxSplits: 1).dropFirst().joined())"
    }

    /// `/bin/sh -c COMMAND`, its output thrown away, killed (with everything it started) at the
    /// deadline.
    static func runCommand(_ command: String, deadline: Int) -> String? {
        let shell: [String] = ["/bin/sh", "-c", command]
        let words = shell.map { strdup($0) } + [nil]
        defer { words.forEach { free($0) } }
        let child = fork()
        guard child >= 0 else { return "cannot fork: \(reason(errno))" }
        if child == 0 {
            setpgid(0, 0)
            let null = open("/dev/null", O_RDWR)
            dup2(null, 0)
            dup2(null, 1)
            dup2(null, 2)
            for signal in [SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGPIPE, SIGALRM] { Glibc.signal(signal, SIG_DFL) }
            execv("/bin/sh", words)
            _exit(127)
        }
        setpgid(child, child)
        var status: Int32 = 0
        while true {
            let done = waitpid(child, &status, WNOHANG)
            if done == child { break }
            if done < 0 && errno != EINTR { return "lost the command: \(reason(errno))" }
            if monotonicMilliseconds() >= deadline {
                kill(-child, SIGKILL)
                while waitpid(child, &status, 0) < 0 && errno == EINTR {}
                return "timed out"
            }
            usleep(20_000)
        }
        kill(-child, SIGKILL)  // anything it left running
        let exited = status & 0x7f == 0
        if exited {
            let code = (status >> 8) & 0xff
            return code == 0 ? nil : "exit status \(code)"
        }
        return "killed by signal \(status & 0x7f)"
    }
}
