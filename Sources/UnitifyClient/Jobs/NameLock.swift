import Glibc
import SystemPackage
import UnitifyCore

/// An advisory lock per unit name in the manager's runtime directory, held while a run decides
/// and starts, and released (its file removed) when the lock goes out of scope: names run once
/// leave nothing behind. A waiter that then gets the lock on the removed file takes the lock again
/// on the file now at the path. A lock that cannot be taken is an error: running unlocked could
/// let two runs both clear a leftover and both start.
struct NameLock: ~Copyable {
    let path: String
    let descriptor: FileDescriptor

    /// Waits for the lock on `unit` in `directory` (created, mode 0700, when missing).
    /// The corresponding C functions are `open` and `flock`; `lock` stands for `flock` in tests.
    init(_ unit: String, in directory: String, lock: (Int32) -> Int32 = { flock($0, LOCK_EX) }) throws(UnitifyError) {
        try? makeDirectory(directory, permissions: .ownerReadWriteExecute)  // a failure shows at open
        let path = directory + "/" + unit + ".lock"
        while true {
            func failure(_ error: any Error) -> UnitifyError {
                .failed("cannot take the lock \(path) that runs of \(UnitName.shortName(unit)) share: \(error)")
            }
            let descriptor: FileDescriptor
            do {
                descriptor = try FileDescriptor.open(
                    FilePath(path), .readWrite, options: [.create, .closeOnExec], permissions: [.ownerReadWrite])
            } catch {
                throw failure(error)
            }
            do {
                try retryOnInterrupt { lock(descriptor.rawValue) }
            } catch {
                try? descriptor.close()
                throw failure(error)
            }
            if Self.isStillAtPath(descriptor, path) {
                self.path = path
                self.descriptor = descriptor
                return
            }
            try? descriptor.close()
        }
    }

    /// Whether the file locked is still the one at `path`: its holder may have removed it while
    /// this process waited.
    static func isStillAtPath(_ descriptor: FileDescriptor, _ path: String) -> Bool {
        guard let held = try? Stat(descriptor), let named = try? Stat(FilePath(path)) else { return false }
        return held.deviceID == named.deviceID && held.inode == named.inode
    }

    deinit {
        unlink(path)
        try? descriptor.close()
    }
}
