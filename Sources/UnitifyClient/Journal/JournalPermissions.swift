import Glibc
import SystemPackage
import Systemd
import UnitifyCore

/// Whether this uid can read its jobs' journal lines, and what to say when it cannot.
extension UnitLog {
    static func unreadable(_ uid: UInt32) -> UnitifyError {
        UnitifyError.failed("cannot read any journal files as uid \(uid): \(unreadableWhyAndFix(uid))")
    }

    /// Why a user's own lines are out of reach and the ways out. With volatile storage journald
    /// writes every user's lines into the one system journal, which only root and the journal
    /// groups read; persistent storage gives each user (uid >= 1000) a file of their own.
    static func unreadableWhyAndFix(_ uid: UInt32) -> String {
        let user = Caller.current.user
        let group = "add \(user) to the systemd-journal group ('usermod -aG systemd-journal \(user)', then log in again)"
        if JournalFiles.storage == .volatile {
            return "journald keeps job output in the volatile system journal (Storage=volatile), which only root and the systemd-journal group read: set Storage=persistent in /etc/systemd/journald.conf (then \(user) gets a journal file of their own), or \(group), or run the job with --log-file"
        }
        return "they are readable only by root and the systemd-journal group here: \(group), or run the job with --log-file"
    }

    /// Said when nothing matched although some journal files are closed to this uid and none of
    /// its own is open to it: its jobs' lines may be in those files, and an empty answer would
    /// pass for "the job printed nothing". A readable `user-UID.journal` is where journald puts a
    /// user's lines on persistent storage, so with one of those an empty answer is a true one;
    /// not with volatile storage, where new lines go to the system journal whatever old files exist.
    static func linesOutOfReach(uid: UInt32) -> UnitifyError? {
        guard uid == getuid() else { return nil }
        let access = JournalFiles.scan(uid: uid)
        let volatile = JournalFiles.storage == .volatile
        guard let first = access.unreadable.first, !access.ownReadable || volatile else { return nil }
        if volatile { return UnitifyError.failed("no lines to show: \(unreadableWhyAndFix(uid))") }
        let count = access.unreadable.count
        let files = count == 1 ? "1 journal file here is" : "\(count) journal files here are"
        return UnitifyError.failed("no lines to show, but \(files) not readable by uid \(uid) (\(first)\(count > 1 ? ", ..." : "")), and your jobs' lines may be there: \(unreadableWhyAndFix(uid))")
    }
}

/// The journal files of this machine (`/run/log/journal/MACHINE` and `/var/log/journal/MACHINE`,
/// as `SD_JOURNAL_LOCAL_ONLY` opens them) as one uid can read them.
enum JournalFiles {
    static var storage: JournalStorage { JournalFacts.storage }

    struct Access {
        /// Files, or whole directories, this uid cannot read.
        var unreadable: [String] = []
        /// Whether one of the uid's own files (`user-UID.journal`, archived `user-UID@….journal`) is readable.
        var ownReadable = false
    }

    static func scan(uid: UInt32) -> Access {
        var result = Access()
        let machine = machineID()
        for root in ["/run/log/journal", "/var/log/journal"] {
            for name in directoryEntries(root) where machine == nil || name == machine {
                let directory = root + "/" + name
                guard (try? Stat(FilePath(directory)))?.type == .directory else { continue }
                guard Glibc.access(directory, R_OK | X_OK) == 0 else {
                    result.unreadable.append(directory)
                    continue
                }
                for file in directoryEntries(directory) where file.hasSuffix(".journal") || file.hasSuffix(".journal~") {
                    let path = directory + "/" + file
                    if Glibc.access(path, R_OK) != 0 {
                        result.unreadable.append(path)
                    } else if file.hasPrefix("user-\(uid).journal") || file.hasPrefix("user-\(uid)@") {
                        result.ownReadable = true
                    }
                }
            }
        }
        return result
    }

    static func machineID() -> String? {
        guard let text = try? LocalJobSite().readText("/etc/machine-id") else { return nil }
        let id = String(text.prefix { $0 != "\n" })
        return id.count == 32 ? id : nil
    }
}
