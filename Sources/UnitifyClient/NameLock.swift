import Glibc
import UnitifyCore

/// An advisory lock per unit name in the manager's runtime directory, held while a run decides and starts.
/// The holder removes the file on release, so names run once leave nothing behind; a waiter that
/// then gets the lock on the removed file takes the lock again on the file now at the path.
struct NameLock {
    let path: String
    let fd: Int32

    init(_ unit: String, in directory: String) {
        mkdir(directory, 0o700)
        path = directory + "/" + unit + ".lock"
        var fd: Int32
        while true {
            fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else { break }
            while flock(fd, LOCK_EX) != 0 && errno == EINTR {}
            if Self.isStillAtPath(fd, path) { break }
            close(fd)
        }
        self.fd = fd
    }

    static func isStillAtPath(_ fd: Int32, _ path: String) -> Bool {
        var held = stat(), named = stat()
        return fstat(fd, &held) == 0 && stat(path, &named) == 0 && held.st_dev == named.st_dev && held.st_ino == named.st_ino
    }

    func release() {
        guard fd >= 0 else { return }
        unlink(path)
        close(fd)
    }
}
