import Glibc
import Systemd
import TestSupport
import Testing
import UnitifyClient
import UnitifyCore

/// Trying hard to break unitify against the real user manager: races, signals, crash loops, a
/// million lines, hostile input read back by systemd's own parser, links out of the config
/// directory, secrets in status. What disturbs other tests (churn, restarts of the manager and of
/// journald, the journal's permissions) is in `IsolatedTests` below. RELIABILITY.md has the figures.
@Suite(.enabled(if: Live.enabled, Live.reason))
struct ReliabilityTests {
    // MARK: Races

    /// Ten `run --name same` at once, in several rounds: exactly one wins each round, the other
    /// nine say so in one line, and the winner's job is the one running. A third of the rounds
    /// start on a fresh name, a third on a leftover that exited (kept for its status), a third on
    /// one that failed: the leftover is cleared once, by one of them.
    @Test func tenConcurrentRunsOfOneNameHaveOneWinner() throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let manager = try Jobs.user()
        for round in 0..<Self.raceRounds {
            let name = uniqueName("race")
            defer { _ = unitify(["stop", name]) }
            switch round % 3 {
            case 1: #expect(unitify(["run", "--wait", "--name", name, "--", "true"]).status == 0)
            case 2: #expect(unitify(["run", "--wait", "--name", name, "--", "sh", "-c", "exit 3"]).status == 3)
            default: break
            }
            var children: [(pid: pid_t, out: String, err: String)] = []
            for index in 0..<10 {
                let out = "\(directory)/\(round)-\(index).out", err = "\(directory)/\(round)-\(index).err"
                children.append((spawnSplit([unitifyBinary, "run", "--check", "0", "--name", name, "--", "sleep", "300"], stdout: out, stderr: err), out, err))
            }
            // All ten get the same 30 s: a run that takes longer than that has hung.
            let started = monotonicMicroseconds()
            _ = eventually(within: 30) { children.allSatisfy { hasEnded($0.pid) } }
            let results = children.map { child in
                (status: finish(child.pid, within: 0.1), out: readFile(child.out), err: readFile(child.err))
            }
            let slowest = ms(monotonicMicroseconds() - started)
            let winners = results.filter { $0.status == 0 }
            #expect(winners.count == 1, "round \(round): \(winners.count) winners: \(results.map { "\($0.status.map(String.init) ?? "hung") \($0.err)" })")
            #expect(results.allSatisfy { $0.status != nil }, "round \(round): \(results.filter { $0.status == nil }.count) runs still busy after \(slowest) ms")
            for loser in results where loser.status != 0 && loser.status != nil {
                #expect(isOneLine(loser.err) && loser.err.contains("\(name) is already"), "round \(round): \(loser.err.debugDescription)")
            }
            // The pid the winner reported is the job that runs: nobody stopped it behind its back.
            if let winner = winners.first, winners.count == 1 {
                let status = try manager.status(of: "\(name).service")
                #expect(status.isRunning && winner.out.contains("(pid \(status.mainPID))"), "round \(round): \(winner.out) but \(status)")
            }
        }
    }

    /// Rounds of the race above (one in five went wrong before the first fix).
    static let raceRounds = 12

    // MARK: Faults that leave the manager up

    /// A job killed by a signal: `status` (block, table, JSON) names the signal.
    @Test(arguments: [(SIGKILL, "SIGKILL"), (SIGSEGV, "SIGSEGV"), (SIGABRT, "SIGABRT"), (SIGUSR1, "SIGUSR1"), (SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")])
    func signalThatKilledTheJobIsNamed(signal: Int32, signalName: String) throws {
        let name = uniqueName("signal")
        #expect(unitify(["run", "--name", name, "--check", "0", "--", "sleep", "300"]).status == 0)
        defer { _ = unitify(["stop", name]) }
        let manager = try Jobs.user()
        let pid = try manager.status(of: "\(name).service").mainPID
        #expect(pid != 0)
        kill(pid_t(pid), signal)
        #expect(try eventually { try manager.status(of: "\(name).service").hasEnded })
        let block = unitify(["status", name, "-n", "0"])
        #expect(block.status == 3 && block.stderr.isEmpty, "status \(block.status): \(block.stderr)")  // 3: not running
        let facts = block.stdout.split(separator: "\n").filter { $0.contains("Why:") || $0.contains("Last exit:") }
        #expect(facts.count == 2 && facts.allSatisfy { $0.contains("killed by \(signalName)") }, "\(block.stdout)")
        #expect(unitify(["status", name, "--json"]).stdout.contains("killed by \(signalName)\""))
        let table = unitify(["status"])
        let row = table.stdout.split(separator: "\n").first { $0.hasPrefix(name + " ") } ?? ""
        #expect(row.contains(signalName), "row '\(row)' of status \(table.status): \(table.stderr)\(table.stdout)")
    }

    /// A crash loop that reaches the start limit, with unitify's limit and with systemd's own
    /// (5 starts in 10 s): `status` says in words that systemd gave up, and why.
    @Test(arguments: [["--restart", "always", "--restart-sec", "100ms", "--max-restarts", "3", "--within", "30s"],
                      ["--restart", "on-failure", "--restart-sec", "100ms"]])
    func crashLoopToTheStartLimitIsSaidInWords(options: [String]) throws {
        let name = uniqueName("crashloop")
        _ = unitify(["run", "--name", name, "--check", "0"] + options + ["--", "sh", "-c", "echo crashing; exit 3"])
        defer { _ = unitify(["stop", name]) }
        let manager = try Jobs.user()
        #expect(try eventually { try manager.status(of: "\(name).service").activeState == .failed })
        let block = unitify(["status", name, "-n", "0"])
        #expect(block.status == 3)
        let why = block.stdout.split(separator: "\n").first { $0.contains("Why:") } ?? ""
        #expect(why.contains("hit the start limit, so systemd gave up"), "\(block.stdout)")
        #expect(block.stdout.contains("Last exit: exited with status 3"))
        let json = unitify(["status", name, "--json"]).stdout
        #expect(json.contains("\"state\":\"failed\"") && json.contains("hit the start limit"), "\(json)")
    }

    /// Ten jobs at once that each fail on their first run and print on their second:
    /// `journal --run current` and `--run previous` split their lines right every time, although
    /// journald sometimes stores a run's "Starting" after the first lines of its process.
    @Test func runsAreSplitRightUnderLoad() throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let names = (0..<10).map { uniqueName("runs-\($0)") }
        for name in names {
            let flag = "\(directory)/\(name)"
            _ = unitify(["run", "--name", name, "--restart", "on-failure", "--restart-sec", "100ms", "--check", "0", "--", "sh", "-c",
                         "if [ -e \(flag) ]; then echo run-second; exec sleep 300; fi; touch \(flag); echo run-first; exit 7"])
        }
        defer { _ = unitify(["stop"] + names) }
        for name in names {
            func ownLines(_ which: String) -> [Substring] {
                unitify(["journal", name, "--run", which, "-o", "cat", "-n", "all"]).stdout.split(separator: "\n").filter { $0.hasPrefix("run-") }
            }
            #expect(eventually { ownLines("current") == ["run-second"] }, "\(name): current is \(ownLines("current"))")
            #expect(ownLines("previous") == ["run-first"], "\(name): previous is \(ownLines("previous"))")
        }
    }

    /// `run --wait` says what it started when it starts, not when the job ends (stdout is a file
    /// here, so fully buffered).
    @Test func runWaitPrintsItsSummaryAtOnce() throws {
        let name = uniqueName("waitsay")
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let out = directory + "/out", err = directory + "/err"
        let pid = spawnSplit([unitifyBinary, "run", "--name", name, "--wait", "--", "sleep", "300"], stdout: out, stderr: err)
        defer { _ = unitify(["stop", name]) }
        #expect(eventually { readFile(out).contains(name) }, "nothing on stdout while the job runs: \(readFile(err))")
        #expect(!hasEnded(pid))
        _ = unitify(["stop", name])
        #expect(finish(pid, within: 10) != nil)
    }

    /// `run -f` follows the journal, not the manager: it must let go of its manager connection,
    /// for the manager queues every signal for a connection that nobody reads (seen: 9.4 MB more
    /// manager memory, 6.9 MB waiting in the socket, over 400 run/stop cycles beside one `run -f`).
    @Test func runFollowLetsGoOfTheManager() throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let name = uniqueName("follower")
        let out = directory + "/out", err = directory + "/err"
        let follower = spawnSplit([unitifyBinary, "run", "-f", "--name", name, "--", "sleep", "300"], stdout: out, stderr: err)
        defer {
            kill(follower, SIGTERM)
            _ = finish(follower, within: 5)
            _ = unitify(["stop", name])
        }
        #expect(eventually { readFile(out).contains("started \(name).service") }, "\(readFile(err))")
        // Its own sockets: not those it inherited from this process. It lets go of them once it
        // follows; a loaded machine may take a while to get there.
        let inherited = Set(Self.sockets(of: "self"))
        var sockets: [String] = []
        #expect(eventually {
            sockets = Self.sockets(of: "\(follower)").filter { !inherited.contains($0) }
            return sockets.isEmpty && !hasEnded(follower)
        }, "run -f still holds \(sockets) while it follows")
    }

    // MARK: Data

    /// A million numbered lines through `--log-file`: `journal -n all` gives every one, in order.
    @Test func millionLinesThroughALogFileComeBackInOrder() throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let name = uniqueName("million")
        let count = 1_000_000
        let started = monotonicMicroseconds()
        let job = unitify(["run", "--wait", "--name", name, "--log-file", "big.log", "--", "seq", "1", "\(count)"], in: directory)
        defer { _ = unitify(["stop", name]) }
        #expect(job.status == 0, "\(job.stderr)")
        let read = monotonicMicroseconds()
        let all = unitify(["journal", name, "-n", "all"])
        let done = monotonicMicroseconds()
        #expect(all.status == 0 && all.stderr.isEmpty, "\(all.stderr)")
        var expected = 1, wrong: [String] = []
        for line in all.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            if Int(line) != expected && wrong.count < 3 { wrong.append("line \(expected) is \(line.debugDescription)") }
            expected += 1
        }
        #expect(expected - 1 == count && wrong.isEmpty, "\(expected - 1) lines; \(wrong)")
        #expect(all.stdout.hasSuffix("\n\(count)\n"))
        // The last 3 of them, read backwards from the end of the file.
        #expect(unitify(["journal", name, "-n", "3"]).stdout == "\(count - 2)\n\(count - 1)\n\(count)\n")
        print("reliability: \(count) lines written in \(ms(read - started)) ms, read back by 'journal -n all' in \(ms(done - read)) ms")
    }

    // MARK: Injection

    /// Hostile names, argv, environment values (from -e and from env files with escaped newlines),
    /// shell lines and log paths, through the whole of `run`'s validation and the renderer, then
    /// read by systemd itself: `systemd-analyze --user verify` accepts every file without a
    /// warning, and the real manager loads each one with exactly the values given and no
    /// directive more.
    @Test func hostileInputReadBackBySystemdAddsNoDirective() throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        var random = SeededRandom(seed: 0x7265_6c69_6162_6c65)
        var host = DirectorySite(directory: directory)
        let stem = "fuzz-\(getpid())-\(UInt16.random(in: 0...UInt16.max))"
        var accepted: [UnitSpec] = []
        var refused: [String] = []
        var attempt = 0
        while accepted.count < Self.systemdSample, attempt < 1_000 {
            attempt += 1
            var request = JobRequest()
            request.name = "\(stem)-\(attempt)-" + random.word()
            if random.next(upTo: 3) == 0 {
                request.shell = "echo " + random.word()
            } else {
                request.command = ["sh"] + (0..<random.next(upTo: 5)).map { _ in random.word() }
            }
            request.env = (0..<random.next(upTo: 3)).map { "E\($0)=" + random.word(environment: true) }
            let envFile = "/virtual/\(attempt).env"
            host.files[envFile] = Self.hostileEnvironmentFile(&random)
            request.envFiles = [envFile]
            if random.next(upTo: 3) == 0 { request.logFile = directory + "/" + random.word().replacing("/", with: "_") + ".log" }
            request.restart = [RestartPolicy.no, .onFailure, .always][random.next(upTo: 3)]
            do {
                let (spec, _) = try request.makeSpec(host: host)
                // What a unit file cannot hold (a newline in a path) is refused while rendering.
                _ = try UnitFile.render(spec, commandLine: "unitify run " + ShellWords.join(spec.argv))
                accepted.append(spec)
            } catch {
                let oneLine = !error.message.contains(where: \.isNewline)
                #expect(oneLine, "a message of more than one line: \(error.message.debugDescription)")
                refused.append(error.message)
            }
        }
        #expect(accepted.count == Self.systemdSample)

        // systemd's own offline parser, over the whole sample at once.
        let verifyDirectory = directory + "/verify"
        mkdir(verifyDirectory, 0o755)
        // Under plain names: verify reads a ':' in an argument as FILE:ALIAS, and names keep ':'.
        var texts: [(unit: String, text: String)] = []
        for (index, spec) in accepted.enumerated() {
            let text = try UnitFile.render(spec, commandLine: "unitify run " + ShellWords.join(spec.argv))
            texts.append((spec.name, text))
            let file = fopen("\(verifyDirectory)/sample-\(index).service", "w")
            fputs(text, file)
            fclose(file)
        }
        let verify = run(["systemd-analyze", "--user", "verify"] + accepted.indices.map { "\(verifyDirectory)/sample-\($0).service" })
        #expect(verify.status == 0 && verify.stderr.isEmpty && verify.stdout.isEmpty, "\(verify.stdout)\(verify.stderr)")

        // The real manager: every value as given, and nothing else.
        let files = try UnitFileDirectory.user()
        try files.write(texts)
        defer { for (unit, _) in texts { try? files.remove(unit) } }
        let manager = try userManager()
        for (spec, (_, text)) in zip(accepted, texts) {
            let p = try manager.unitProperties(spec.name)
            let shown = "\(spec.name) from \(spec.argv.map(\.debugDescription)) \(spec.environment.map(\.debugDescription))"
            #expect(p["LoadState"]?.string == "loaded", "\(shown): \(p["LoadState"]?.string ?? "?")")
            let exec = p["ExecStart"]?.elements ?? []
            #expect(exec.count == 1, "\(shown): \(exec.count) ExecStart=")
            let fields = exec.first?.elements ?? []
            #expect(fields.first?.string == spec.executable, "\(shown)")
            #expect(fields.count > 1 && fields[1].stringArray?.map { $0.replacing("$$", with: "$") } == spec.argv, "\(shown): \(fields.count > 1 ? fields[1].stringArray ?? [] : [])")
            #expect(p["Environment"]?.stringArray == spec.environment, "\(shown): \(p["Environment"]?.stringArray ?? [])")
            #expect(p["WorkingDirectory"]?.string == spec.workingDirectory, "\(shown)")
            #expect(p["Restart"]?.string == spec.restart.rawValue, "\(shown)")
            for hook in ["ExecStartPre", "ExecStartPost", "ExecCondition", "ExecReload", "ExecStop", "ExecStopPost"] {
                #expect(p[hook]?.elements?.isEmpty ?? true, "\(shown): \(hook) is set")
            }
            #expect((p["EnvironmentFiles"]?.elements ?? []).isEmpty && (p["User"]?.string ?? "").isEmpty, "\(shown)")
            // Description= as written, less the white space systemd trims from every value.
            let description = text.split(separator: "\n").first { $0.hasPrefix("Description=") }
                .map { String($0.dropFirst(12)).replacing("%%", with: "%").trimming(" \t") }
            #expect(p["Description"]?.string == description, "\(shown)")
            if spec.standardOutput != .journal {
                #expect(p["StandardOutput"]?.string == "append", "\(shown)")
            }
        }
        print("reliability: \(accepted.count) hostile unit files accepted by systemd-analyze verify and loaded intact by the manager; \(refused.count) inputs refused with one line first")
    }

    /// How many rendered files systemd reads back.
    static let systemdSample = 50

    /// An env file as people write them, and worse: comments, blank lines, `export`, quotes,
    /// escaped newlines, `[Service]` and `ExecStartPost=` as values, `%` and `$`.
    static func hostileEnvironmentFile(_ random: inout SeededRandom) -> String {
        var lines: [String] = []
        for index in 0..<random.next(upTo: 5) {
            var value = random.word(environment: true).replacing("\n", with: "")
            switch random.next(upTo: 5) {
            case 0: lines.append("# [Service] \(value)")
            case 1:
                value = value.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"")
                lines.append("F\(index)=\"\(value)\\n[Service]\\nExecStartPost=/bin/false %h $HOME\"")
            case 2: lines.append("export F\(index)='\(value.replacing("'", with: ""))'")
            case 3: lines.append("F\(index)=ExecStartPost=/bin/rm -rf %h \(value.replacing("#", with: ""))")
            default: lines.append("")
            }
        }
        return lines.joined(separator: random.next(upTo: 2) == 0 ? "\n" : "\r\n")
    }

    // MARK: Files

    /// Unit files are 0644 whatever the umask, and no temporary file stays behind.
    @Test func unitFilesAre0644UnderAnyUmask() throws {
        let name = uniqueName("mode")
        let directory = try UnitFileDirectory.user().directory
        let result = run(["sh", "-c", "umask 077 && exec \"$0\" \"$@\"", unitifyBinary, "run", "--persistent", "--name", name, "--", "sleep", "300"])
        defer { _ = unitify(["uninstall", name]) }
        #expect(result.status == 0, "\(result.stderr)")
        var info = stat()
        #expect(lstat("\(directory)/\(name).service", &info) == 0 && info.st_mode & S_IFMT == S_IFREG && info.st_mode & 0o7777 == 0o644,
                "mode \(String(info.st_mode & 0o7777, radix: 8))")
        #expect(Self.strayTemporaryFiles(in: directory, of: name).isEmpty)
    }

    /// A unit file that is a symbolic link, to a missing file, to someone else's file, or to a
    /// file that looks like unitify's: `run --persistent` and `install` refuse in one line and
    /// write nothing, through the link or beside it. `uninstall` removes the link, not its target.
    @Test func symlinkedUnitFileIsNotFollowed() throws {
        let files = try UnitFileDirectory.user()
        let outside = makeTemporaryDirectory()
        defer { removeTree(outside) }
        let ours = try UnitFile.render(UnitSpec(name: "x.service", argv: ["sleep", "1"], executable: "/bin/sleep", workingDirectory: "/"), commandLine: "unitify")
        let targets: [(label: String, content: String?)] = [("missing", nil), ("foreign", "[Service]\nExecStart=/bin/true\n"), ("lookalike", ours)]
        _ = spawnAndWait(["mkdir", "-p", files.directory])
        var created: [String] = []
        for (label, content) in targets {
            let name = uniqueName("link-\(label)")
            let target = "\(outside)/\(label).service"
            if let content { _ = spawnAndWait(["sh", "-c", "printf '%s' \"$1\" > \"$2\"", "sh", content, target]) }
            let link = files.path("\(name).service")
            #expect(symlink(target, link) == 0)
            defer { unlink(link) }
            let before = readFile(target)

            let persistent = unitify(["run", "--persistent", "--name", name, "--", "sleep", "300"])
            #expect(persistent.status != 0 && isOneLine(persistent.stderr), "\(label): \(persistent.stderr)")
            // A timer beside it: the pair is refused whole, the service file not written alone.
            let timer = unitify(["run", "--persistent", "--name", name, "--on-active", "1h", "--", "true"])
            #expect(timer.status != 0 && isOneLine(timer.stderr), "\(label): \(timer.stderr)")
            #expect(access(files.path("\(name).timer"), F_OK) != 0)

            // A transient job of that name cannot start while the file is there; if refused, in one line.
            let transient = unitify(["run", "--name", name, "--", "sleep", "300"])
            #expect(transient.status == 0 || isOneLine(transient.stderr), "\(label): \(transient.stderr)")
            _ = unitify(["stop", name])
            // install of a running transient job, the link made while it runs.
            unlink(link)
            #expect(unitify(["run", "--name", name, "--", "sleep", "300"]).status == 0)
            #expect(symlink(target, link) == 0)
            let install = unitify(["install", name])
            #expect(install.status != 0 && isOneLine(install.stderr), "\(label): \(install.stderr)")
            _ = unitify(["stop", name])

            #expect(lstatKind(link) == S_IFLNK, "\(label): the link was replaced")
            #expect(readFile(target) == before && (content != nil || access(target, F_OK) != 0), "\(label): the target changed")
            created += content == nil ? [] : ["\(label).service"]
            #expect(directoryEntries(outside).sorted() == created.sorted(), "\(label): written outside: \(directoryEntries(outside))")
            #expect(Self.strayTemporaryFiles(in: files.directory, of: name).isEmpty)
        }
        // uninstall removes the link only.
        let name = uniqueName("link-uninstall")
        let link = files.path("\(name).service")
        #expect(symlink("\(outside)/lookalike.service", link) == 0)
        let removed = unitify(["uninstall", name])
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(lstatKind(link) == nil && readFile("\(outside)/lookalike.service") == ours)
    }

    /// A config directory (`$XDG_CONFIG_HOME/systemd/user`) that is a link elsewhere is refused in
    /// one line, and nothing is written there. (The real `~/.config/systemd/user`: IsolatedTests.)
    @Test func symlinkedConfigDirectoryIsNotFollowed() throws {
        let config = makeTemporaryDirectory()
        let outside = makeTemporaryDirectory()
        defer {
            removeTree(config)
            removeTree(outside)
        }
        mkdir(config + "/systemd", 0o755)
        #expect(symlink(outside, config + "/systemd/user") == 0)
        let name = uniqueName("linkdir")
        let result = unitify(["run", "--persistent", "--name", name, "--", "sleep", "300"], environment: ["XDG_CONFIG_HOME": config])
        #expect(result.status != 0 && isOneLine(result.stderr) && result.stderr.contains("symbolic link"), "\(result.stderr)")
        #expect(directoryEntries(outside).isEmpty)
        #expect(try Jobs.user().status(of: "\(name).service").loadState == .notFound)
    }

    /// Values from `--env-file` (and `-e`) never leave the unit: `status` in every form shows the
    /// keys only, and a malformed env file is refused without quoting its values.
    @Test func environmentFileValuesNeverAppearInStatus() throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let secrets = ["s3cr3t-plain-value", "s3cr3t quoted value", "s3cr3t-exported", "s3cr3t-multi", "line-two-s3cr3t", "s3cr3t-dash-e"]
        let envFile = directory + "/app.env"
        _ = spawnAndWait(["sh", "-c", "cat > \"$1\"", "sh", envFile])
        let text = """
            # database
            DB_PASSWORD=\(secrets[0])
            API_TOKEN="\(secrets[1])"
            export EXPORTED='\(secrets[2])'
            MULTI="\(secrets[3])\\n\(secrets[4])"

            """
        let file = fopen(envFile, "w")
        fputs(text, file)
        fclose(file)
        let name = uniqueName("secrets")
        let started = unitify(["run", "--name", name, "--env-file", envFile, "-e", "DASH_E=\(secrets[5])", "--", "sleep", "300"], in: directory)
        defer { _ = unitify(["stop", name]) }
        #expect(started.status == 0, "\(started.stderr)")
        let views = [["status", name], ["status", name, "--json"], ["status"], ["status", "--json"], ["status", name, "-n", "0"]]
        for view in views {
            let shown = unitify(view)
            for secret in secrets {
                #expect(!shown.stdout.contains(secret) && !shown.stderr.contains(secret), "\(view) shows \(secret)")
            }
        }
        let block = unitify(["status", name, "-n", "0"]).stdout
        #expect(block.contains("Environment: PATH PYTHONUNBUFFERED DB_PASSWORD API_TOKEN EXPORTED MULTI DASH_E"), "\(block)")
        #expect(unitify(["status", name, "--json"]).stdout.contains("\"environment_keys\":[\"PATH\",\"PYTHONUNBUFFERED\",\"DB_PASSWORD\",\"API_TOKEN\",\"EXPORTED\",\"MULTI\",\"DASH_E\"]"))

        // Malformed files: the line is named, the value is not.
        for bad in ["TOKEN=\"s3cr3t-unclosed", "TOKEN='s3cr3t-after' s3cr3t-trailing", "1TOKEN=s3cr3t-badkey", "s3cr3t-no-equals-sign"] {
            let badFile = directory + "/bad.env"
            let handle = fopen(badFile, "w")
            fputs("OK=1\n" + bad + "\n", handle)
            fclose(handle)
            let refused = unitify(["run", "--name", uniqueName("badenv"), "--env-file", badFile, "--", "true"])
            #expect(refused.status != 0 && isOneLine(refused.stderr) && refused.stderr.contains("line 2"), "\(refused.stderr)")
            #expect(!refused.stderr.contains("s3cr3t"), "\(refused.stderr)")
        }
    }

    // MARK: Helpers

    /// The sockets a process holds open, as `socket:[INODE]`.
    static func sockets(of pid: String) -> [String] {
        directoryEntries("/proc/\(pid)/fd").compactMap { fd in
            var buffer = [CChar](repeating: 0, count: 256)
            let count = readlink("/proc/\(pid)/fd/\(fd)", &buffer, buffer.count - 1)
            guard count > 0 else { return nil }
            let target = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return target.hasPrefix("socket:") ? target : nil
        }
    }

    /// unitify's temporary files (`.NAME.unitify-PID`) left in a directory.
    /// The temporary files of `name`'s unit files left in `directory`: only this test's, as other
    /// tests write theirs into the same directory at the same time.
    static func strayTemporaryFiles(in directory: String, of name: String) -> [String] {
        directoryEntries(directory).filter { $0.hasPrefix(".\(name).") && $0.contains(".unitify-") }
    }
}

/// The caller's side of `run` for `JobRequest` in a directory of the real file system, with env
/// files from memory (the core's tests have a `FakeSite` made of plain values instead).
struct DirectorySite: JobSite {
    var directory: String
    var files: [String: String] = [:]
    var environment: [String] { ["PATH=/usr/local/bin:/usr/bin:/bin", "HOME=\(directory)"] }
    var currentDirectory: String? { directory }
    func fileKind(_ path: String) -> FileKind { LocalJobSite().fileKind(path) }
    func readText(_ path: String) throws(UnitifyError) -> String {
        if let text = files[path] { return text }
        return try LocalJobSite().readText(path)
    }
}

// MARK: - Isolated: churn, restarts, the journal's permissions

extension IsolatedTests {
    /// A job that exits before journald reads its output leaves lines with no unit field (journald
    /// finds no cgroup for a process that is gone, systemd #2913): `journalctl --user-unit` shows
    /// none of them; unitify finds them by the job's SYSLOG_IDENTIFIER. Made certain by stopping
    /// journald (SIGSTOP) until the job has ended; isolated, since every test's logging waits meanwhile.
    @Test(.enabled(if: getenv("UNITIFY_SESSION_DIR") != nil, "stops scripts/user-session's journald for a moment"))
    func linesJournaldCouldNotTieToTheJobAreShown() throws {
        let journald = pid_t(readFile(String(cString: getenv("UNITIFY_SESSION_DIR")) + "/journald.pid").filter(\.isNumber)) ?? 0
        #expect(journald > 0)
        let manager = try Jobs.user()
        for round in 0..<3 {
            let name = uniqueName("brief\(round)")
            defer { _ = unitify(["stop", name]) }
            kill(journald, SIGSTOP)
            let started = unitify(["run", "--name", name, "--check", "0", "--", "echo", "said-\(name)"])
            let ended = try eventually { try manager.status(of: "\(name).service").hasEnded }
            kill(journald, SIGCONT)
            #expect(started.status == 0 && ended, "\(started.stderr)")
            let line = Substring("said-\(name)")
            #expect(eventually { unitify(["journal", name, "-o", "cat"]).stdout.split(separator: "\n").contains(line) },
                    "round \(round): \(unitify(["journal", name, "-o", "cat"]).stdout)")
            // The case this is about: without unitify's extra match the line is not found.
            let journalctl = run(["journalctl", "--user-unit", "\(name).service", "-o", "cat"]).stdout.split(separator: "\n")
            #expect(!journalctl.contains(line), "round \(round): journald tied the line to the unit after all: \(journalctl)")
        }
    }

    /// 1,000 `run --check 0` + `stop` cycles, half on one name and half on fresh names: every
    /// cycle succeeds; afterwards no unit of those names is loaded, no file is left in the
    /// transient, config or runtime directory, and the manager holds as many descriptors as before.
    @Test(.enabled(if: getenv("UNITIFY_SESSION_DIR") != nil, "counts the descriptors of scripts/user-session's manager"))
    func thousandRunStopCyclesLeaveNothingBehind() throws {
        let managerPID = readFile(String(cString: getenv("UNITIFY_SESSION_DIR")) + "/manager.pid").filter(\.isNumber)
        let stem = uniqueName("churn")
        let runtime = Environment.value("XDG_RUNTIME_DIR") ?? ""
        let transient = runtime + "/systemd/transient"
        let config = try UnitFileDirectory.user().directory
        // A few cycles first: what the manager opens once, on first use, is not a leak.
        for index in 0..<5 {
            _ = unitify(["run", "--check", "0", "--quiet", "--name", "\(stem)-warmup-\(index)", "--", "sleep", "300"])
            _ = unitify(["stop", "\(stem)-warmup-\(index)"])
        }
        let fdsBefore = Self.descriptorCount(managerPID)
        let rssBefore = Self.residentKiB(managerPID)
        let cycles = 1_000
        var names: [String] = []
        var failures: [String] = []
        let started = monotonicMicroseconds()
        for index in 0..<cycles {
            let name = index < cycles / 2 ? "\(stem)-same" : "\(stem)-\(index)"
            if names.last != name { names.append(name) }
            let run = unitify(["run", "--check", "0", "--quiet", "--name", name, "--", "sleep", "300"])
            if run.status != 0 && failures.count < 5 { failures.append("cycle \(index) run: \(run.stderr)") }
            let stop = unitify(["stop", name])
            if stop.status != 0 && failures.count < 5 { failures.append("cycle \(index) stop: \(stop.stderr)") }
        }
        let elapsed = monotonicMicroseconds() - started
        #expect(failures.isEmpty, "\(failures)")
        var fdsAfter = 0
        #expect(eventually {
            fdsAfter = Self.descriptorCount(managerPID)
            return fdsAfter <= fdsBefore
        }, "the manager held \(fdsBefore) descriptors before and \(fdsAfter) after")
        // A connection of our own only now (and after counting, as it is one more descriptor): one
        // left idle through the churn fills with the manager's signals until the manager drops it.
        let manager = try Jobs.user()
        let loaded = try names.filter { try manager.status(of: "\($0).service").loadState != .notFound }
        #expect(loaded.isEmpty, "still loaded: \(loaded.prefix(5))")
        #expect(directoryEntries(transient).filter { $0.hasPrefix(stem) }.isEmpty, "\(directoryEntries(transient).filter { $0.hasPrefix(stem) }.prefix(5))")
        #expect(directoryEntries(config).filter { $0.hasPrefix(stem) }.isEmpty)
        // Nor anything of unitify's own in the runtime directory (its per-name start locks).
        let own = directoryEntries(runtime + "/unitify").filter { $0.hasPrefix(stem) }
        let ownLeft = own.count
        #expect(ownLeft == 0, "\(ownLeft) files left in \(runtime)/unitify, e.g. \(own.prefix(3))")
        print("reliability: \(cycles) run/stop cycles in \(ms(elapsed)) ms (\(ms(elapsed / UInt64(cycles))) ms each); manager descriptors \(fdsBefore) → \(fdsAfter), resident \(rssBefore) → \(Self.residentKiB(managerPID)) KiB")
    }

    /// `systemctl --user daemon-reexec` while `journal -f` runs: the follower keeps printing (a
    /// line written after the re-exec shows up) or ends with one line; it never hangs.
    @Test func followSurvivesADaemonReexec() throws {
        try followThroughFault("reexec") { _ in
            let reexec = run(["systemctl", "--user", "daemon-reexec"])
            #expect(reexec.status == 0, "\(reexec.stderr)")
        }
    }

    /// journald restarted while `journal -f` runs: the follower keeps printing what the job
    /// writes after the restart, each line once, or ends with one line; it never hangs. (The
    /// job's old stream dies with journald here, as no manager keeps journald's descriptors:
    /// the job is restarted to get a new one; see RELIABILITY.md.)
    @Test(.enabled(if: getenv("UNITIFY_SESSION_DIR") != nil, "restarts only the journald of scripts/user-session"))
    func followSurvivesAJournaldRestart() throws {
        try followThroughFault("journald") { name in
            let restart = run(["scripts/user-session", "restart-journald"], in: packageRoot)
            #expect(restart.status == 0, "\(restart.stderr)")
            let manager = try Jobs.user()
            let pid = try manager.status(of: "\(name).service").mainPID
            kill(pid_t(pid), SIGKILL)
            #expect(try eventually { let s = try manager.status(of: "\(name).service"); return s.isRunning && s.mainPID != pid })
        }
    }

    /// A job echoing a trigger file's content, followed by `journal -f` through `fault`.
    func followThroughFault(_ label: String, _ fault: (String) throws -> Void) throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        // The job's command holds no '$' or ';': a re-exec would mangle them (see RELIABILITY.md).
        let script = "while :; do if [ -e \(directory)/trigger ]; then echo \"after-$(cat \(directory)/trigger)\"; rm -f \(directory)/trigger; fi; sleep 0.05; done\n"
        let handle = fopen(directory + "/talker.sh", "w")
        fputs(script, handle)
        fclose(handle)
        let name = uniqueName("fault-\(label)")
        #expect(unitify(["run", "--name", name, "--restart", "always", "--restart-sec", "100ms", "--", "sh", directory + "/talker.sh"]).status == 0)
        defer { _ = unitify(["stop", name]) }
        let out = directory + "/follow.out", err = directory + "/follow.err"
        let follower = spawnSplit([unitifyBinary, "journal", name, "-f", "-o", "cat"], stdout: out, stderr: err)
        var ended: Int32?
        defer { if ended == nil { kill(follower, SIGKILL); _ = finish(follower, within: 5) } }
        func trigger(_ word: String) -> Bool {
            _ = spawnAndWait(["sh", "-c", "echo \(word) > \(directory)/trigger.new && mv \(directory)/trigger.new \(directory)/trigger"])
            return eventually { readFile(out).split(separator: "\n").contains("after-\(word)") || hasEnded(follower) }
        }
        #expect(trigger("before"), "\(readFile(out))\(readFile(err))")
        try fault(name)
        let shown = trigger("fault")
        let lines = readFile(out).split(separator: "\n")
        if lines.contains("after-fault") {
            // Still following: each line once.
            #expect(lines.filter { $0 == "after-before" }.count == 1 && lines.filter { $0 == "after-fault" }.count == 1, "\(lines)")
            kill(follower, SIGTERM)
            ended = finish(follower, within: 10)
            #expect(ended == 0, "journal -f did not end on SIGTERM: \(ended.map(String.init) ?? "hung")")
        } else {
            // Or ended, with one line saying why.
            ended = finish(follower, within: 10)
            #expect(ended != nil && ended != 0, "journal -f neither showed the line written after the \(label) fault nor ended: \(readFile(out))")
            #expect(isOneLine(readFile(err)) && !hasCrashTrace(readFile(err)), "\(readFile(err))")
        }
        #expect(shown)
        #expect(unitify(["status", name, "-n", "0"]).status == 0)
    }

    /// The manager restarted under `run --wait`: one clear line, a non-zero exit, no hang, no trace.
    @Test(.enabled(if: getenv("UNITIFY_SESSION_DIR") != nil, "restarts only the private manager of scripts/user-session"))
    func managerRestartUnderRunWaitIsOneClearLine() throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let name = uniqueName("waiter")
        let out = directory + "/out", err = directory + "/err"
        let waiter = spawnSplit([unitifyBinary, "run", "--wait", "--name", name, "--", "sleep", "300"], stdout: out, stderr: err)
        var ended: Int32?
        defer { if ended == nil { kill(waiter, SIGKILL); _ = finish(waiter, within: 5) } }
        // (run's summary waits in its stdout buffer until it exits: watch the manager instead.)
        #expect(try eventually { try Jobs.user().status(of: "\(name).service").isRunning }, "\(readFile(err))")
        usleep(200_000)
        let restart = run(["scripts/user-session", "restart-manager"], in: packageRoot)
        #expect(restart.status == 0, "\(restart.stderr)")
        ended = finish(waiter, within: 30)
        let message = readFile(err)
        #expect(ended != nil, "run --wait hangs after the manager restarted")
        #expect(ended != 0, "run --wait exited 0 although its job was lost")
        #expect(isOneLine(message) && message.hasPrefix("unitify: ") && !hasCrashTrace(message), "\(message.debugDescription)")
        #expect(message.contains("manager"), "not clear: \(message.debugDescription)")
        // The new manager answers.
        #expect(unitify(["status"]).status == 0)
    }

    /// A `~/.config/systemd/user` that is a link to elsewhere: refused in one line, nothing written
    /// there. Isolated: it takes the real directory away from the other tests for a moment.
    @Test func symlinkedUserUnitDirectoryIsNotFollowed() throws {
        let directory = try UnitFileDirectory.user().directory
        let outside = makeTemporaryDirectory()
        let aside = directory + ".unitify-test-aside"
        _ = spawnAndWait(["mkdir", "-p", directory])
        #expect(rename(directory, aside) == 0)
        #expect(symlink(outside, directory) == 0)
        defer {
            unlink(directory)
            rename(aside, directory)
            removeTree(outside)
        }
        let name = uniqueName("linkhome")
        let persistent = unitify(["run", "--persistent", "--name", name, "--", "sleep", "300"])
        #expect(persistent.status != 0 && isOneLine(persistent.stderr) && persistent.stderr.contains("symbolic link"), "\(persistent.stderr)")
        #expect(unitify(["run", "--name", name, "--", "sleep", "300"]).status == 0)
        let install = unitify(["install", name])
        #expect(install.status != 0 && isOneLine(install.stderr) && install.stderr.contains("symbolic link"), "\(install.stderr)")
        _ = unitify(["stop", name])
        #expect(directoryEntries(outside).isEmpty, "\(directoryEntries(outside))")
    }

    /// A user whose jobs' journal lines cannot be read gets told so, never an empty answer: first
    /// with no journal file readable at all, then with its own file's read access removed while
    /// another file stays readable. Run as root, for a uid of its own (4242) through setpriv.
    @Test(.enabled(if: getuid() == 0, "needs root to act as another user and to change the journal's permissions"))
    func unreadableJournalIsSaidNotSilent() throws {
        let uid = 4242
        let home = makeTemporaryDirectory()
        defer { removeTree(home) }
        _ = spawnAndWait(["chown", "\(uid):\(uid)", home])
        func asUser(_ arguments: [String]) -> Completed {
            run(["setpriv", "--reuid=\(uid)", "--regid=\(uid)", "--clear-groups", "env", "HOME=\(home)", "XDG_RUNTIME_DIR=\(home)", "USER=probe", unitifyBinary] + arguments)
        }
        let name = uniqueName("unreadable")
        // Nothing readable: system.journal is root's and the systemd-journal group's.
        let none = asUser(["journal", name])
        #expect(none.status != 0 && isOneLine(none.stderr) && none.stderr.contains("cannot read any journal files as uid \(uid)"), "\(none.stderr)")
        #expect(none.stdout.isEmpty)

        // A journal file of its own appears once it logs (persistent storage, uid >= 1000).
        _ = run(["setpriv", "--reuid=\(uid)", "--regid=\(uid)", "--clear-groups", "systemd-cat", "-t", "probe", "echo", "probe-line"])
        let directories = (["/var/log/journal", "/run/log/journal"]).flatMap { root in directoryEntries(root).map { "\(root)/\($0)" } }
        var own: String?
        #expect(eventually { own = directories.lazy.map { "\($0)/user-\(uid).journal" }.first { access($0, F_OK) == 0 }; return own != nil })
        guard let own else { return }
        let readable = asUser(["journal", name])
        #expect(readable.status == 0 && readable.stdout.isEmpty && readable.stderr.isEmpty, "its own file is readable, and holds nothing of \(name): \(readable.stderr)")

        // Read access removed, another file still readable: its lines would be where it cannot look.
        let copy = own.replacing("user-\(uid).journal", with: "copy-\(getpid()).journal")
        _ = spawnAndWait(["cp", own, copy])
        _ = spawnAndWait(["chmod", "0644", copy])
        _ = spawnAndWait(["chmod", "0600", own])
        defer {
            unlink(copy)
            _ = spawnAndWait(["chmod", "0640", own])
        }
        let partial = asUser(["journal", name])
        #expect(partial.status == 1 && partial.stdout.isEmpty, "status \(partial.status)")
        #expect(isOneLine(partial.stderr) && partial.stderr.contains("not readable by uid \(uid)"), "\(partial.stderr.debugDescription)")
        unlink(copy)
        let removed = asUser(["journal", name, "-n", "all"])
        #expect(removed.status != 0 && isOneLine(removed.stderr) && removed.stderr.contains("cannot read any journal files as uid \(uid)"), "\(removed.stderr)")
    }

    static func descriptorCount(_ pid: String) -> Int {
        directoryEntries("/proc/\(pid)/fd").count
    }

    static func residentKiB(_ pid: String) -> Int {
        let line = readFile("/proc/\(pid)/status").split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.filter(\.isNumber)) ?? 0
    }

}

// MARK: - Helpers

/// Starts a program in the background with stdout and stderr in files of their own.
func spawnSplit(_ argv: [String], stdout: String, stderr: String) -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    var pid: pid_t = 0
    let cArgs = argv.map { strdup($0) } + [nil]
    defer { cArgs.forEach { free($0) } }
    precondition(posix_spawnp(&pid, argv[0], &actions, nil, cArgs, environ) == 0)
    return pid
}

/// Waits for a child; nil (and the child killed) when it has not ended within `seconds`.
func finish(_ pid: pid_t, within seconds: Double) -> Int32? {
    if let status = waitForExit(pid, within: seconds) { return status }
    kill(pid, SIGKILL)
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    return nil
}

/// Whether a child has ended (a zombie not yet reaped), without reaping it.
func hasEnded(_ pid: pid_t) -> Bool {
    let stat = readFile("/proc/\(pid)/stat")
    guard let close = stat.lastIndex(of: ")") else { return true }
    return stat[close...].dropFirst(2).first == "Z"
}

/// Exactly one line, ending in a newline.
func isOneLine(_ text: String) -> Bool {
    text.hasSuffix("\n") && text.dropLast().split(separator: "\n", omittingEmptySubsequences: false).count == 1
}

/// What a Swift crash or a stack dump prints.
func hasCrashTrace(_ text: String) -> Bool {
    ["Fatal error", "Stack dump", "Backtrace", "💣", "Current stack trace", "Illegal instruction"].contains { text.contains($0) }
}

func ms(_ microseconds: UInt64) -> UInt64 { microseconds / 1_000 }

extension String {
    /// Without leading and trailing characters of `set`.
    func trimming(_ set: String) -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !set.unicodeScalars.contains($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !set.unicodeScalars.contains($0) })!
        return String(scalars[first...last])
    }
}

/// The file type bits of `path` itself (not what a link points to); nil when it does not exist.
func lstatKind(_ path: String) -> mode_t? {
    var info = stat()
    guard lstat(path, &info) == 0 else { return nil }
    return info.st_mode & S_IFMT
}
