import Glibc
import SystemPackage
import UnitifyCore

/// Where the caller's ssh master sockets live. Whoever can write to that directory can put a
/// socket of their own in place of a master and read or answer everything unitify sends through
/// it (ssh_config(5), `ControlPath`), so every level of it must be a real directory of the
/// caller's own, with no access for anyone else.
enum ControlDirectory {
    /// `$XDG_RUNTIME_DIR/unitify/ssh`, else `${TMPDIR:-/tmp}/unitify-UID/unitify/ssh` (cron,
    /// `sudo -i`, a service: no runtime directory). When one of those is not the caller's alone
    /// (another user made it first, say), a new private directory for this command only, and
    /// `note` hears, in one line, what was refused.
    static func find(note: (String) -> Void) throws(UnitifyError) -> String {
        let uid = geteuid()
        let runtime = ManagerLocation.current().runtimeDirectory
        let base = runtime ?? temporaryDirectory + "/unitify-\(uid)"
        var refusal: String?
        for directory in [base, base + "/unitify", base + "/unitify/ssh"] {
            // The runtime directory is the system's (pam_systemd's): never made or changed here.
            let isRuntime = directory == runtime
            if !isRuntime { try? makeDirectory(directory, permissions: .ownerReadWriteExecute) }
            refusal = whyNotPrivate(directory, uid: uid, mayTighten: !isRuntime)
            if refusal != nil { break }
        }
        guard let refusal else { return base + "/unitify/ssh" }
        var template = Array((temporaryDirectory + "/unitify-\(uid).XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw UnitifyError.failed("\(refusal), and no private directory could be made in \(temporaryDirectory) (\(Errno(rawValue: errno))): set XDG_RUNTIME_DIR or TMPDIR to a directory of yours")
        }
        let directory = String(cString: made)
        note("\(refusal): ssh's master sockets go to \(directory) for this command")
        return directory
    }

    /// `$TMPDIR` when it is an absolute path, else `/tmp`.
    static var temporaryDirectory: String {
        guard let directory = Environment.value("TMPDIR"), directory.hasPrefix("/"), directory.count > 1 else { return "/tmp" }
        return directory.hasSuffix("/") ? String(directory.dropLast()) : directory
    }

    /// Why `path` cannot hold master sockets (nil when it can): not a directory itself (a link
    /// to one is not), another owner, or access for others. A directory of the caller's that
    /// only has too wide a mode is narrowed to 0700 when `mayTighten`.
    static func whyNotPrivate(_ path: String, uid: uid_t, mayTighten: Bool) -> String? {
        let directory: FileDescriptor
        do {
            directory = try FileDescriptor.open(FilePath(path), .readOnly, options: [.directory, .noFollow, .closeOnExec])
        } catch {
            return "\(path) is not a directory of yours (\(error))"
        }
        defer { try? directory.close() }
        guard let info = try? directory.stat() else { return "\(path) cannot be looked at" }
        guard info.userID.rawValue == uid else {
            return "\(path) belongs to uid \(info.userID.rawValue), not to you"
        }
        let mode = info.permissions.rawValue & 0o7777
        guard mode & 0o077 != 0 else { return nil }
        if mayTighten, (try? retryOnInterrupt({ fchmod(directory.rawValue, 0o700) })) != nil { return nil }
        return "\(path) is open to others (mode \(String(mode, radix: 8)))"
    }
}
