import Glibc
import Testing
@testable import UnitifyCore

/// The prelude run by the local /bin/sh (dash on Debian, as on most remote hosts), in runtime
/// directories made to look like each case, with a stand-in for systemd-stdio-bridge that prints
/// its arguments: its answers are what unitify reads before the bus traffic starts.
@Suite struct RemotePreludeTests {
    @Test func parsesItsOwnLines() {
        let ok = RemotePrelude.parse("unitify-remote 1 uid=1000 user=alice linger=yes client=no bus=/run/user/1000/systemd/private")
        #expect(ok == RemotePrelude.Answer(uid: 1000, user: "alice", lingers: true, bus: "/run/user/1000/systemd/private",
                                           throughBroker: false, problem: nil, runtimeDirectory: nil))
        let spaced = RemotePrelude.parse("unitify-remote 1 uid=5 user=x linger=no client=yes bus=/tmp/my dir/bus")
        #expect(spaced?.bus == "/tmp/my dir/bus" && spaced?.throughBroker == true)
        let none = RemotePrelude.parse("unitify-remote 1 error=no-manager uid=1000 user=alice linger=no rt=/run/user/1000")
        #expect(none?.problem == .noManager && none?.runtimeDirectory == "/run/user/1000" && none?.lingers == false)
        #expect(RemotePrelude.parse("Welcome to web1!") == nil)
        #expect(RemotePrelude.parse("unitify-remote 1 error=on-fire uid=1 user=a") == nil)
        #expect(RemotePrelude.parse("unitify-remote 1 uid=1 user=a linger=no") == nil)  // no bus, no error
        #expect(RemotePrelude.parse("unitify-remote 2 uid=1 user=a bus=/x") == nil)
        let listed = RemotePrelude.parse("unitify-remote 1 uid=1 user=a linger=no client=no jobs=b.service,a.service, files= bus=/x")
        #expect(listed?.jobRecords == ["a.service", "b.service"] && listed?.generatedUnitFiles == [] && listed?.bus == "/x")
        #expect(ok?.jobRecords == nil, "a line that does not list says nothing of them")
    }

    /// The records and the unit files unitify wrote, listed in the same line: what `status`
    /// needs of the files, without a second ssh channel.
    @Test func listsWhatUnitifyKeepsBesideTheManager() throws {
        let answer = try runPrelude(sockets: ["bus"], keep: [
            "rt/unitify/jobs/web.service": "Version=1",
            "rt/unitify/jobs/.web.service.tmp": "",
            "home/.config/systemd/user/mine.service": "[Service]\nExecStart=/bin/true\n\n  \(UnitFile.markerSection)  \nVersion=1\n",
            "home/.config/systemd/user/theirs.service": "[Service]\nExecStart=/bin/true\n# [X-Unitify] in a comment\n",
            "home/.config/systemd/user/mine.timer": "\(UnitFile.markerSection)\n",
        ])
        #expect(answer.status == 0)
        #expect(answer.parsed?.jobRecords == ["web.service"], "\(String(describing: answer.parsed))")
        #expect(answer.parsed?.generatedUnitFiles == ["mine.service"], "\(String(describing: answer.parsed))")
        let empty = try runPrelude(sockets: ["bus"])
        #expect(empty.parsed?.jobRecords == [] && empty.parsed?.generatedUnitFiles == [])
    }

    @Test func picksTheUserBusWhenTheBrokerRuns() throws {
        let answer = try runPrelude(sockets: ["bus", "systemd/private"])
        #expect(answer.status == 0)
        #expect(answer.parsed?.bus == answer.runtime + "/bus" && answer.parsed?.throughBroker == true)
        #expect(answer.bridgeArguments == "--bus-path=unix:path=\(answer.runtime)/bus")
    }

    @Test func fallsBackToTheManagersPrivateSocket() throws {
        let answer = try runPrelude(sockets: ["systemd/private"])
        #expect(answer.status == 0)
        #expect(answer.parsed?.bus == answer.runtime + "/systemd/private" && answer.parsed?.throughBroker == false)
        #expect(answer.bridgeArguments == "--bus-path=unix:path=\(answer.runtime)/systemd/private")
        #expect(answer.parsed?.uid == getuid())
    }

    @Test func saysWhenNoManagerListens() throws {
        let answer = try runPrelude(sockets: [])
        #expect(answer.status == 3)
        #expect(answer.parsed?.problem == .noManager && answer.parsed?.runtimeDirectory == answer.runtime)
        #expect(answer.bridgeArguments == nil)
    }

    @Test func aRegularFileIsNoSocket() throws {
        let answer = try runPrelude(sockets: [], files: ["bus"])
        #expect(answer.parsed?.problem == .noManager)
    }

    @Test func saysWhenTheBridgeIsMissing() throws {
        let answer = try runPrelude(sockets: ["bus"], bridgeExists: false)
        #expect(answer.status == 127)
        #expect(answer.parsed?.problem == .noBridge)
    }

    @Test func withoutXdgRuntimeDirItLooksInRunUser() throws {
        let answer = try runPrelude(sockets: [], runtimeVariable: nil)
        #expect(answer.parsed?.runtimeDirectory == "/run/user/\(getuid())" || answer.parsed?.bus?.hasPrefix("/run/user/\(getuid())/") == true)
    }

    struct Answer {
        var status: Int32
        var parsed: RemotePrelude.Answer?
        var runtime: String
        var bridgeArguments: String?
    }

    /// - Parameter keep: files to write first, by path under the scratch directory (`rt/...` is
    ///   the runtime directory, `home/...` the home directory), and their text.
    func runPrelude(sockets: [String], files: [String] = [], bridgeExists: Bool = true, runtimeVariable: String?? = .some(nil),
                    keep: [String: String] = [:]) throws -> Answer {
        var template = Array("/tmp/unitify-prelude.XXXXXX".utf8CString)
        let scratch = String(cString: mkdtemp(&template)!)
        defer { _ = shell("rm -rf '\(scratch)'") }
        let runtime = scratch + "/rt"
        mkdir(runtime, 0o700)
        mkdir(runtime + "/systemd", 0o755)
        for path in sockets { try bindSocket(runtime + "/" + path) }
        for path in files { _ = shell("touch '\(runtime)/\(path)'") }
        for (path, text) in keep {
            _ = shell("mkdir -p \"$(dirname '\(scratch)/\(path)')\"")
            let file = fopen(scratch + "/" + path, "w")!
            fputs(text, file)
            fclose(file)
        }
        let bridge = scratch + "/bridge"
        if bridgeExists {
            _ = shell("printf '#!/bin/sh\\necho \"bridge $*\"\\n' > '\(bridge)' && chmod +x '\(bridge)'")
        }
        let environment: String
        switch runtimeVariable {
        case .some(.none): environment = "XDG_RUNTIME_DIR='\(runtime)'"
        case .some(.some(let value)): environment = "XDG_RUNTIME_DIR='\(value)'"
        case .none: environment = "-u XDG_RUNTIME_DIR"
        }
        let scriptPath = scratch + "/prelude"
        let file = fopen(scriptPath, "w")!
        fputs(RemotePrelude.script(bridge: bridge), file)
        fclose(file)
        let status = shell("env -u XDG_CONFIG_HOME \(environment) HOME='\(scratch)/home' /bin/sh '\(scriptPath)' > '\(scratch)/out'")
        let output = readAll(scratch + "/out").split(separator: "\n").map(String.init)
        let bridged = output.first { $0.hasPrefix("bridge ") }.map { String($0.dropFirst(7)) }
        return Answer(status: status, parsed: output.first.flatMap(RemotePrelude.parse), runtime: runtime, bridgeArguments: bridged)
    }

    func bindSocket(_ path: String) throws {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #expect(fd >= 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() where index < raw.count - 1 { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0, "bind \(path): \(errno)")
        close(fd)  // the socket file stays
    }

    func shell(_ command: String) -> Int32 {
        let status = system(command)
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    func readAll(_ path: String) -> String {
        guard let file = fopen(path, "r") else { return "" }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while case let count = fread(&chunk, 1, chunk.count, file), count > 0 { bytes += chunk[..<count] }
        return String(decoding: bytes, as: UTF8.self)
    }
}
