import Foundation
import Glibc
import Systemd
import Testing
import UnitifyCore

/// `--log-max` and `--log-keep` on the real manager: the file rotated by the writer left in the
/// job, nothing lost between the parts, the job's status and journal as before.
@Suite(.enabled(if: Live.enabled, Live.reason))
struct LogCapTests {
    /// Far from the cap the writer moves the bytes unread (splice), near it it reads the lines to
    /// rotate between two: both ways in every part.
    @Test func aFloodThroughACapRotatesWithEveryLineAccountedFor() throws {
        let name = uniqueName("flood")
        let directory = makeTemporaryDirectory()
        defer { _ = unitify(["remove", name]); removeTree(directory) }
        let log = directory + "/flood.log"
        // 20,000 numbered lines of 52 bytes: a megabyte, as fast as sh writes, and errors too;
        // then the job stays, and its writer with it, to be asked what it wrote.
        let flood = #"i=0; while [ $i -lt 20000 ]; do printf 'line %06d of the flood, written as fast as it can\n' $i; i=$((i+1)); done; echo "all written" >&2; exec sleep 600"#
        let started = unitify(["run", "--name", name, "--log-file", log, "--log-max", "100K", "--log-keep", "2", "--", "sh", "-c", flood])
        #expect(started.status == 0, "\(started.stderr)")
        #expect(eventually { readFile(log).hasSuffix("all written\n") })

        // The kernel counts in wchar what write(2) wrote, not what splice(2) moved: of the
        // 1,040,012 bytes, some were read and written (near the cap) and some were not. How
        // many went unread depends on how the writer's rounds fall: most on a quiet machine,
        // 48K once under a heavy load (a fresh clone's run beside another).
        let writer = try userManager().unitProcesses(name + ".service").first { CappedLog.isWriter(commandLine: $0.command) }
        let io = readFile("/proc/\(writer?.pid ?? 0)/io").split(separator: "\n").first { $0.hasPrefix("wchar: ") }
        let written = io.flatMap { Int($0.dropFirst(7)) } ?? -1
        #expect(written > 0 && written < 1_040_012, "the writer wrote \(written) bytes of 1,040,012 itself (\(writer?.command ?? "no writer"))")

        let parts = [log + ".2", log + ".1", log].map(readFile)
        for (index, part) in parts.enumerated() {
            #expect(part.utf8.count <= 100 * 1024 + 52, "part \(index) is \(part.utf8.count) bytes")
            #expect(part.utf8.count > 0)
        }
        #expect(access(log + ".3", F_OK) != 0, "only two older parts are kept")
        // The kept lines are the flood's last ones, each once, in order, with no gap between parts.
        let numbers = parts.joined().split(separator: "\n").compactMap { $0.hasPrefix("line ") ? Int($0.dropFirst(5).prefix(6)) : nil }
        #expect(numbers.last == 19_999)
        #expect(numbers == Array((numbers.first ?? 0)...19_999), "a line is missing or repeated")
        #expect(numbers.count > 2 * (100 * 1024 / 52), "two full parts of 100K and the last one: \(numbers.count)")

        let status = unitify(["status", name, "-n", "2"]).stdout
        #expect(status.contains("Output: append:\(log) (rotated at 100K, 2 kept)"), "\(status)")
        #expect(status.contains("all written"), "\(status)")
        #expect(unitify(["journal", name, "-n", "1", "-o", "cat"]).stdout == "all written\n")
    }

    @Test func aLogFileIsCappedByDefaultAndRestartChangesTheCap() throws {
        let name = uniqueName("capped")
        let directory = makeTemporaryDirectory()
        defer { _ = unitify(["remove", name]); removeTree(directory) }
        #expect(unitify(["run", "--name", name, "--log-file", directory + "/job.log", "--", "sleep", "600"]).status == 0)
        #expect(unitify(["status", name, "-n", "0"]).stdout.contains("(rotated at 50M, 5 kept)"))
        let changed = unitify(["restart", name, "--log-max", "2M", "--log-keep", "1"])
        #expect(changed.status == 0, "\(changed.stderr)")
        #expect(unitify(["status", name, "-n", "0"]).stdout.contains("Output: append:\(directory)/job.log (rotated at 2M, 1 kept)"))
        let off = unitify(["restart", name, "--log-max", "none"])
        #expect(off.status == 0, "\(off.stderr)")
        #expect(!unitify(["status", name, "-n", "0"]).stdout.contains("rotated"))
        // The program is the job's main process still: nothing of unitify's in its place.
        let pid = unitify(["status", name, "-n", "0"]).stdout.split(separator: "\n").first { $0.contains("PID: ") }
        let comm = pid.map { readFile("/proc/\($0.split(separator: " ").last!)/comm") }
        #expect(comm == "sleep\n", "\(pid ?? "no pid")")
    }

    @Test func aCapWithoutAFileIsOneLineAndNothingStarts() {
        let name = uniqueName("nocap")
        let refused = unitify(["run", "--name", name, "--log-max", "10M", "--", "sleep", "60"])
        #expect(refused.status == 2)
        #expect(refused.stderr == "unitify: --log-max and --log-keep cap the files of --log-file, --stdout and --stderr: give one of them (the journal has limits of its own, which 'unitify doctor' shows)\n")
        #expect(unitify(["status", name]).status != 0)
    }
}
