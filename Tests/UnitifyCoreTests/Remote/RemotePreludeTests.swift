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

    /// The runtime unit directory's names (exit hooks), for removals that need no channel: only
    /// names of a unit name's usual characters, so that a name left out is asked, never skipped.
    @Test func listsTheRuntimeUnitDirectory() throws {
        let answer = try runPrelude(sockets: ["bus"], keep: [
            "rt/systemd/user/web-on-success.service": "[Unit]\n",
            "rt/systemd/user/odd name.service": "",
            "rt/systemd/user/esc\\x2d.service": "",
        ])
        #expect(answer.parsed?.runtimeUnitFiles == ["web-on-success.service"], "\(String(describing: answer.parsed))")
        #expect(!"esc\\x2d.service".utf8.allSatisfy(RemotePrelude.isListedNameByte))
        let none = try runPrelude(sockets: ["bus"])
        #expect(none.parsed?.runtimeUnitFiles == [])
    }

    /// `run --host`'s facts, in the prelude's channel: the login environment and the kinds of the
    /// paths it will look at, each line after the lead byte, before the answer's line.
    @Test func answersRunsFactsBeforeItsLine() throws {
        _ = shell("mkdir -p /tmp/unitify-facts-bin && printf '#!/bin/sh\\n' > /tmp/unitify-facts-bin/facts-prog && chmod +x /tmp/unitify-facts-bin/facts-prog && : > /tmp/unitify-facts-bin/plain && chmod 644 /tmp/unitify-facts-bin/plain")
        defer { _ = shell("rm -rf /tmp/unitify-facts-bin") }
        let probes: [HostFacts.Probe] = [.home(""), .home("missing dir"), .absolute("/tmp/unitify-facts-bin/plain"), .onPath("facts-prog")]
        let answer = try runPrelude(sockets: ["bus"], facts: HostFacts.script(probes), path: "/nowhere:/tmp/unitify-facts-bin/:relative:/usr/bin:/bin")
        #expect(answer.parsed?.uid == getuid(), "\(answer.lines)")
        let before = answer.lines.prefix { !$0.hasPrefix(RemotePrelude.marker) }.map { Substring($0) }
        let facts = try #require(HostFacts.parse(before))
        #expect(facts.environment?.contains("HOME=\(answer.scratch)/home") == true)
        #expect(facts.environment?.contains("UNITIFY_TWO_LINES=one") == true, "a value's lines each as a line, as `env` prints them")
        #expect(facts.kinds["\(answer.scratch)/home"] == .directory)
        #expect(facts.kinds["\(answer.scratch)/home/missing dir"] == .missing)
        #expect(facts.kinds["/tmp/unitify-facts-bin/plain"] == .notExecutable)
        #expect(facts.kinds["/nowhere/facts-prog"] == .missing)
        #expect(facts.kinds["/tmp/unitify-facts-bin/facts-prog"] == .executable)
        #expect(facts.kinds["/usr/bin/facts-prog"] == .missing && facts.kinds["/bin/facts-prog"] == .missing)
        #expect(facts.kinds.count == 7, "a relative directory of PATH is probed when asked: \(facts.kinds)")
        #expect(HostFacts.parse(["Welcome to web1!", "\u{1F}=A=b"]) == nil)
    }

    /// The records of the jobs a command names, printed in the prelude's channel: each whole,
    /// a last line without a newline too; none for a job without one; no environment asked.
    @Test func printsTheRecordsAsked() throws {
        let answer = try runPrelude(sockets: ["bus"], keep: [
            "rt/unitify/jobs/web.service": "version=1\nname=web.service\n\n|odd|\n",
            "rt/unitify/jobs/tail.service": "version=1\nlast",
        ], facts: HostFacts.script([.record("web.service"), .record("tail.service"), .record("none.service")]))
        #expect(answer.parsed?.jobRecords == ["tail.service", "web.service"], "\(answer.lines)")
        let before = answer.lines.prefix { !$0.hasPrefix(RemotePrelude.marker) }.map { Substring($0) }
        let facts = try #require(HostFacts.parse(before))
        #expect(facts.records == ["web.service": "version=1\nname=web.service\n\n|odd|\n", "tail.service": "version=1\nlast\n"])
        #expect(facts.environment == nil && facts.kinds.isEmpty)
        // The table's: the records of jobs with no transient unit file (stopped, unloaded) only.
        let table = try runPrelude(sockets: ["bus"], keep: [
            "rt/unitify/jobs/stopped.service": "version=1\n",
            "rt/unitify/jobs/running.service": "version=1\n",
            "rt/systemd/transient/running.service": "[Service]\n",
        ], facts: HostFacts.script([.unloadedRecords]))
        let unloaded = try #require(HostFacts.parse(table.lines.prefix { !$0.hasPrefix(RemotePrelude.marker) }.map { Substring($0) }))
        #expect(unloaded.records == ["stopped.service": "version=1\n"], "\(table.lines)")
    }

    /// What `run` will look at, named before the host's environment is known.
    /// A host with this unitify on its PATH runs the command itself: the prelude says so in one
    /// line, then execs it with the words as given (quoted through sh) and the client's variables.
    @Test func handsTheCommandToTheHostsOwnUnitifyOfTheSameVersion() throws {
        let words = ["status", "--host", "alice@web1", "it's a job", "$HOME", "two\nlines", "*"]
        let delegation = RemotePrelude.delegation(version: "0.1.0", arguments: words, environment: ["UNITIFY_FOR_HOST=alice@web1", "NO_COLOR="])
        let answer = try runPrelude(sockets: ["bus"], path: "BIN:/usr/bin:/bin", delegation: fakeUnitify(version: "0.1.0") + delegation)
        #expect(answer.status == 7, "the host's unitify's exit status: \(answer.output)")
        #expect(answer.output == RemotePrelude.delegatedLine + "\n[status][--host][alice@web1][it's a job][$HOME][two\nlines][*] for=alice@web1 no_color=[]\n",
                "\(answer.output)")
        #expect(answer.bridgeArguments == nil && answer.parsed == nil)
    }

    /// Another version (whose options or JSON may differ), none on the PATH, one found by a
    /// relative PATH entry, or one of the same version from before hosts could hand it commands
    /// (it knows `--version`, not the question): the prelude goes on to the bridge as without it.
    @Test func goesOnToTheBridgeWithoutTheSameUnitifyThere() throws {
        let delegation = RemotePrelude.delegation(version: "0.1.0", arguments: ["status"], environment: [])
        let older = fakeUnitify(version: "0.1.0").replacing("[ \"$1\" = \(RemotePrelude.delegationQuery) ]", with: "[ \"$1\" = --version ]")
        for (fake, path) in [(fakeUnitify(version: "0.0.9"), "BIN:/usr/bin:/bin"), ("", "/usr/bin:/bin"), (fakeUnitify(version: "0.1.0"), "bin:/usr/bin:/bin"), (older, "BIN:/usr/bin:/bin")] {
            let answer = try runPrelude(sockets: ["bus"], path: path, delegation: fake + delegation)
            #expect(answer.status == 0 && answer.bridgeArguments == "--bus-path=unix:path=\(answer.runtime)/bus", "\(path): \(answer.output)")
            #expect(!answer.output.contains("delegated") && !answer.output.contains("["), "\(path): \(answer.output)")
            #expect(answer.parsed?.bus == answer.runtime + "/bus")
        }
    }

    /// The client stops reading the prelude at its marker: the delegated line starts with it, and
    /// is no answer of the bridge's way.
    @Test func theDelegatedLineIsNoBridgesAnswer() {
        #expect(RemotePrelude.delegatedLine.hasPrefix(RemotePrelude.marker + " "))
        #expect(RemotePrelude.parse(RemotePrelude.delegatedLine) == nil)
    }

    /// sh that makes `bin/unitify` in the scratch directory (the prelude's working directory;
    /// `BIN` in a PATH becomes its absolute path): the question prints the answer of `version`, anything else its
    /// words in brackets, UNITIFY_FOR_HOST and NO_COLOR, and exits 7.
    func fakeUnitify(version: String) -> String {
        """
        mkdir -p bin && cat > bin/unitify <<'EOF'
        #!/bin/sh
        [ "$1" = \(RemotePrelude.delegationQuery) ] && { echo '\(RemotePrelude.delegationAnswer(version: version))'; exit 0; }
        printf '[%s]' "$@"; echo " for=$UNITIFY_FOR_HOST no_color=[${NO_COLOR-unset}]"; exit 7
        EOF
        chmod +x bin/unitify; PATH=$(echo "$PATH" | sed "s|BIN|$PWD/bin|")

        """
    }

    @Test func namesTheProbesOfARun() {
        var request = JobRequest()
        request.command = ["sleep", "900"]
        #expect(request.likelyProbes == [.home(""), .onPath("sleep")])
        request.command = ["./bin/../server"]
        #expect(request.likelyProbes == [.home("")], "a path with .. is probed when asked")
        request.command = ["./server"]
        request.directory = "work/./app"
        request.logFile = "logs/out.log"
        #expect(request.likelyProbes == [.home(""), .home("work/app"), .home("work/app/server"), .home("work/app/logs"), .home("work/app/logs/out.log")])
        request.directory = "/srv"
        request.logFile = "/var/log/x.log"
        request.command = ["nohup", "python3", "job.py"]
        #expect(request.likelyProbes == [.home(""), .absolute("/srv"), .onPath("python3"), .absolute("/var/log"), .absolute("/var/log/x.log")])
        request.shell = "make | tee log"
        request.logFile = nil
        #expect(request.likelyProbes == [.home(""), .absolute("/srv"), .absolute("/bin/sh")])
        request.shell = nil
        request.line = "nohup ./x > out &"
        #expect(request.likelyProbes == [.home("")], "a line's words are expanded with the host's environment")
    }

    struct Answer {
        var status: Int32
        var parsed: RemotePrelude.Answer?
        var runtime: String
        var bridgeArguments: String?
        var lines: [String] = []
        var scratch = ""
        /// Everything printed, as printed.
        var output = ""
    }

    /// - Parameter keep: files to write first, by path under the scratch directory (`rt/...` is
    ///   the runtime directory, `home/...` the home directory), and their text.
    func runPrelude(sockets: [String], files: [String] = [], bridgeExists: Bool = true, runtimeVariable: String?? = .some(nil),
                    keep: [String: String] = [:], facts: String? = nil, path: String? = nil, delegation: String? = nil) throws -> Answer {
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
        fputs(RemotePrelude.script(bridge: bridge, facts: facts, delegation: delegation), file)
        fclose(file)
        _ = shell("mkdir -p '\(scratch)/home'")
        let extra = (path.map { "PATH='\($0)' " } ?? "") + "UNITIFY_TWO_LINES=\"$(printf 'one\\ntwo=2')\" "
        let status = shell("cd '\(scratch)' && env -u XDG_CONFIG_HOME \(environment) \(extra)HOME='\(scratch)/home' /bin/sh '\(scriptPath)' > '\(scratch)/out'")
        let output = readAll(scratch + "/out").split(separator: "\n").map(String.init)
        let bridged = output.first { $0.hasPrefix("bridge ") }.map { String($0.dropFirst(7)) }
        return Answer(status: status, parsed: output.first { $0.hasPrefix(RemotePrelude.marker) }.flatMap(RemotePrelude.parse), runtime: runtime,
                      bridgeArguments: bridged, lines: output, scratch: scratch, output: readAll(scratch + "/out"))
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
