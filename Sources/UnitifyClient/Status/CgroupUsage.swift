import Glibc
import SystemPackage
import UnitifyCore

/// A job's processes read from its cgroup and /proc, for `Accounting` where the manager reports
/// nothing (see UnitifyCore/Status/ProcAccounting.swift).
///
/// The unit's `ControlGroup` (e.g. `/user.slice/user-0.slice/user@0.service/app.slice/app-unitify.slice/web.service`)
/// is a directory in every hierarchy systemd mounts: the unified one, `/sys/fs/cgroup/unified` on
/// a hybrid host (this one) or `/sys/fs/cgroup` itself on a v2 host, and the `name=systemd` one of
/// a v1 or hybrid host (`/sys/fs/cgroup/systemd`). Its `cgroup.procs` lists the job's processes.
/// The unified hierarchy is tried first: v1 builds a sorted, deduplicated pid list on every open
/// of `cgroup.procs`, v2 only walks the cgroup's tasks.
public enum CgroupUsage {
    static let hierarchies = ["/sys/fs/cgroup/unified", "/sys/fs/cgroup", "/sys/fs/cgroup/systemd"]
    static let ticksPerSecond = UInt64(max(sysconf(Int32(_SC_CLK_TCK)), 1))
    static let pageSize = UInt64(max(sysconf(Int32(_SC_PAGESIZE)), 1))
    /// The hierarchy that last had a unit's processes: the one to try first for the next unit.
    nonisolated(unsafe) static var lastRoot: String?

    /// What the processes of `controlGroup` use now; nil when no hierarchy has it (the unit has no
    /// processes, or this machine mounts no cgroup file system).
    public static func usage(controlGroup: String) -> ProcessUsage? {
        guard controlGroup.hasPrefix("/"), !climbsUp(controlGroup) else { return nil }
        for root in (lastRoot.map { [$0] } ?? []) + hierarchies.filter({ $0 != lastRoot }) {
            guard let procs = readSmallFile(root + controlGroup + "/cgroup.procs") else { continue }
            lastRoot = root
            // A job's children are in its cgroup: unitify delegates none, so there are no
            // sub-cgroups to walk.
            let stats = CgroupProcs.pids(bytes: procs).compactMap { pid in readSmallFile("/proc/\(pid)/stat").flatMap { ProcStat(bytes: $0) } }
            return ProcessUsage(stats, ticksPerSecond: ticksPerSecond, pageSize: pageSize)
        }
        return nil
    }

    /// Whether `path` holds "/../", which would lead out of the hierarchy. Byte by byte, not
    /// `contains("/../")`: that is _StringProcessing's, whose first call costs 300,000 instructions.
    static func climbsUp(_ path: String) -> Bool {
        var lastFour: UInt32 = 0
        for byte in path.utf8 {
            lastFour = lastFour << 8 | UInt32(byte)
            if lastFour == 0x2F2E_2E2F { return true }  // "/../"
        }
        return false
    }

    /// A file of /proc or /sys, read whole with one buffer (they report no size); nil when it
    /// cannot be opened, as when the process has just ended.
    static func readSmallFile(_ path: String) -> [UInt8]? {
        guard let file = try? FileDescriptor.open(FilePath(path), .readOnly, options: .closeOnExec) else { return nil }
        defer { try? file.close() }
        var bytes = [UInt8](repeating: 0, count: 1024)
        var count = 0
        while true {
            if count == bytes.count { bytes += [UInt8](repeating: 0, count: bytes.count) }
            let room = bytes.count - count
            // A failed read (the process ended meanwhile) ends the file as the end would.
            let got = (try? bytes.withUnsafeMutableBytes { try file.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[count...])) }) ?? 0
            guard got > 0 else { break }
            count += got
            // These are seq_files, which fill the buffer unless at the end: a short read is the
            // end, and the read that would say so is saved (two thousand of them in a status of 1,000).
            if got < room { break }
        }
        bytes.removeSubrange(count...)
        return bytes
    }
}

extension UnitStatus {
    /// The status with memory, CPU time and tasks completed from the unit's cgroup where the
    /// manager reported none. A unit with no processes is left as it is.
    func completingAccounting() -> UnitStatus {
        guard accounting.isIncomplete, let controlGroup, !isDown,
              let usage = CgroupUsage.usage(controlGroup: controlGroup), usage.processes > 0 else { return self }
        var status = self
        status.accounting = accounting.completed(with: usage)
        return status
    }
}
