import Glibc
import Testing
@testable import UnitifyClient
import UnitifyCore

/// `NameLock` against the real file system; `flock` stood in for where it must fail.
struct NameLockTests {
    /// This process's descriptors open on a file in `directory`, by number.
    static func descriptors(openIn directory: String) -> [String] {
        directoryEntries("/proc/self/fd").filter { fd in
            var target = [CChar](repeating: 0, count: 4_096)
            return readlink("/proc/self/fd/" + fd, &target, target.count - 1) > 0 && String(cString: target).hasPrefix(directory + "/")
        }
    }

    @Test func aLockThatCannotBeTakenLeavesNoDescriptorOpen() throws {
        var template = Array("/tmp/unitify-namelock.XXXXXX".utf8CString)
        let directory = String(cString: try #require(mkdtemp(&template)))
        defer {
            unlink(directory + "/job.service.lock")
            rmdir(directory)
        }
        #expect(throws: UnitifyError.self) {
            _ = try NameLock("job.service", in: directory) { _ in errno = ENOLCK; return -1 }
        }
        #expect(Self.descriptors(openIn: directory).isEmpty, "the lock file is still open")
    }

    @Test func aLockTakenIsReleasedWithItsFile() throws {
        var template = Array("/tmp/unitify-namelock.XXXXXX".utf8CString)
        let directory = String(cString: try #require(mkdtemp(&template)))
        defer { rmdir(directory) }
        do {
            let lock = try NameLock("job.service", in: directory)
            #expect(access(lock.path, F_OK) == 0)
        }
        #expect(access(directory + "/job.service.lock", F_OK) != 0)
    }
}
