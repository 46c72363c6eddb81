import Glibc
import Systemd
import UnitifyCore

extension UnitLog {
    /// A unit's runs in the journal, oldest first: each invocation ID with the time of its last
    /// entry. A run is the time after the previous run's last entry up to its own last entry:
    /// its output may reach the journal before the manager's "Starting" message, but is never
    /// written before the previous run's final "Stopped". (Output of a process that exited at once
    /// carries no ID at all, systemd #2913, so runs go by time, not by ID.)
    public static func runs(of unit: String, scope: ManagerScope = .user, uid: UInt32 = getuid()) throws -> [(id: String, end: UInt64)] {
        let output = try Journal(flags: .localOnly), manager = try Journal(flags: .localOnly)
        if scope.isSystem {
            try output.addMatch("_SYSTEMD_UNIT=\(unit)")
            try manager.addMatch("UNIT=\(unit)")
            try manager.addMatch("_PID=1")
        } else {
            try output.addMatch("_SYSTEMD_USER_UNIT=\(unit)")
            try output.addMatch("_UID=\(uid)")
            try manager.addMatch("USER_UNIT=\(unit)")
            try manager.addMatch("_UID=\(uid)")
        }
        let entries = JournalMerge([output, manager])
        try entries.seekHead()
        var runs: [(id: String, end: UInt64)] = []
        while try entries.next() {
            let journal = entries.current
            guard let run = try JournalRun.of(journal, ownOutput: journal === output, system: scope.isSystem) else { continue }
            // When the manager logged it, not when journald got to it: journald reads its
            // sockets in its own order, so a native message can land after later stream output.
            let time = try journal.string("_SOURCE_REALTIME_TIMESTAMP").flatMap { UInt64($0) } ?? entries.currentTime
            if let index = runs.lastIndex(where: { $0.id == run }) {
                runs[index].end = time
            } else {
                runs.append((run, time))
            }
        }
        return runs
    }
}
