import Glibc
import UnitifyCore

/// Unit files of one kind for a manager (persistent ones, or the runtime ones of exit hooks),
/// wherever that manager runs: on this machine (`UnitFileDirectory`) or on another host, through
/// ssh (`RemoteUnitFiles`).
///
/// A file that could not be read (ssh failed, no permission) is an error, never "no file": what
/// is written or removed here is decided on these answers.
public protocol UnitFileStore: Sendable {
    var directory: String { get }
    /// The file's text, or nil when there is none.
    func read(_ unit: String) throws(UnitifyError) -> String?
    /// Whether anything is at the unit's path, a dangling link too.
    func exists(_ unit: String) throws(UnitifyError) -> Bool
    /// The units of the files unitify wrote here, by name.
    func generatedUnits() throws(UnitifyError) -> [String]
    /// Writes every file whole, never through a symbolic link, and then advances the directory's
    /// modification time (`advanceModificationTime`), so that the manager's next load finds them.
    func write(_ files: [(unit: String, text: String)]) throws
    /// Moves the directory's modification time past every earlier one.
    ///
    /// The manager maps unit names to files once, and maps them again only when the modification
    /// times of its search path's directories have changed since (systemd's
    /// `lookup_paths_timestamp_hash_same()`, asked by `unit_file_build_name_map()` and
    /// `manager_unit_cache_should_retry_load()`). A map made in the same tick of the file-time
    /// clock as a new file's rename does not list the file; a map made while a transient unit of
    /// the same name was loaded points at that unit's file, deleted with it (the transient
    /// directory's time is not looked at). Either way `StartUnit` answers "Unit … not found", for
    /// good, until a directory's time changes. A later time makes the next load map them anew,
    /// with no daemon-reload (which in systemd 252 rewrites `$` and `;` in transient units).
    func advanceModificationTime() throws
    /// Removes a unit's file; a missing one is fine.
    func remove(_ unit: String) throws
}

extension UnitFileStore {
    public func path(_ unit: String) -> String {
        directory + "/" + unit
    }

    /// Whether a file exists that unitify did not write.
    public func isForeign(_ unit: String) throws(UnitifyError) -> Bool {
        guard let text = try read(unit) else { return try exists(unit) }
        return !UnitFile.isGeneratedByUnitify(text)
    }
}

/// The records of a manager's transient jobs (`JobRecord`), wherever that manager runs. As with
/// `UnitFileStore`, a place that could not be looked at is an error, not an absence.
public protocol JobRecordStore: Sendable {
    var directory: String { get }
    func path(_ unit: String) -> String
    /// The record of `unit`; nil when there is none, an error when it is damaged or unreadable.
    func read(_ unit: String) throws -> JobRecord?
    /// Whether anything is at the record's path, a damaged record too.
    func exists(_ unit: String) throws(UnitifyError) -> Bool
    /// The units that have a record, by name.
    func units() throws(UnitifyError) -> [String]
    func write(_ record: JobRecord) throws
    /// Forgets `unit`; a missing record is fine.
    func remove(_ unit: String) throws
    /// The records of those of `units` that have a readable one.
    func readAll(_ units: [String]) throws(UnitifyError) -> [String: JobRecord]
    /// `start` (a job's start), and `record` written when it succeeds: after it here; on another
    /// host at the same time, over a channel of its own, and put back as it was when it fails.
    func write(_ record: JobRecord, whenSucceeding start: () throws -> UnitStatus) throws -> UnitStatus
}

extension JobRecordStore {
    public func write(_ record: JobRecord, whenSucceeding start: () throws -> UnitStatus) throws -> UnitStatus {
        let status = try start()
        try write(record)
        return status
    }

    /// Here a record's read fails only on the record itself (damaged, or not the user's), which
    /// leaves that one out, as `RemoteJobRecords` leaves out a damaged one.
    public func readAll(_ units: [String]) throws(UnitifyError) -> [String: JobRecord] {
        var records: [String: JobRecord] = [:]
        for unit in units { records[unit] = try? read(unit) }
        return records
    }
}

extension UnitFileDirectory: UnitFileStore {
    public func exists(_ unit: String) throws(UnitifyError) -> Bool { fileType(atPath: path(unit)) != nil }
}

extension JobRecordDirectory: JobRecordStore {
    public func exists(_ unit: String) throws(UnitifyError) -> Bool { fileType(atPath: path(unit)) != nil }
}

/// Where one manager's jobs keep what the manager does not: persistent unit files, the runtime
/// units of exit hooks, the records of transient jobs, the locks of names. They are on the
/// manager's own machine, so that every unitify that works with that manager, here or from
/// another host, finds the same ones.
public struct JobStorage {
    /// Persistent unit files, found on first use (on another host that costs a round trip);
    /// an error when there is no place for them (HOME unset, say), which only the commands that
    /// need them report.
    let persistent: FoundUnitFiles
    /// The units of the files unitify wrote, when something listed them already (the remote
    /// prelude), kept up to date by the store's writes.
    let listedUnitFiles: RemoteListing?
    /// The timers among the files unitify wrote, when the prelude listed them (`timers=`): with
    /// `listedUnitFiles`, whether a job has unit files of unitify's at all, without the
    /// manager's `UnitPath` or a channel.
    var listedTimers: Set<String>? = nil
    public let runtimeUnits: any UnitFileStore
    public let records: any JobRecordStore
    /// Where runs of one name take turns (`NameLock`); nil on another host, where the manager's
    /// refusal of a second unit of the same name is the only guard.
    public let lockDirectory: String?
    /// Whether the manager's machine is this one, so that its jobs' processes are in this /proc.
    public let isOnThisMachine: Bool
    /// Whether a path exists on the manager's machine: a unit's `FragmentPath`, say; an error
    /// when that machine could not be asked.
    let pathExists: (String) throws(UnitifyError) -> Bool
    /// The texts of files on the manager's machine, of those that can be read (units'
    /// `FragmentPath`s: where their output goes, which the bus does not say), all at once; an
    /// error when that machine could not be asked.
    let readFiles: ([String]) throws(UnitifyError) -> [String: String]

    /// A file's text on the manager's machine; nil when it cannot be read.
    func readFile(_ path: String) throws(UnitifyError) -> String? {
        try readFiles([path])[path]
    }

    public func unitFiles() throws(UnitifyError) -> any UnitFileStore {
        try persistent.get()
    }

    /// The persistent unit files; nil when there is no place for them (HOME unset, a manager that
    /// names no directory of the user's), so none; an error when the manager could not be asked.
    public func existingUnitFiles() throws(UnitifyError) -> (any UnitFileStore)? {
        try persistent.existing()
    }

    /// Whether the listings say for sure that unitify wrote no unit file for the job `short`
    /// (neither its service nor its timer), so none need be looked for. A file of that name
    /// that unitify did not write is no job's of unitify's either.
    func surelyNoUnitFiles(of short: String) -> Bool {
        guard let listedUnitFiles, let listedTimers else { return false }
        return !listedUnitFiles.names.contains(short + ".service") && !listedTimers.contains(short + ".timer")
    }

    /// The units of the files unitify wrote, by name.
    public func generatedUnits() throws(UnitifyError) -> [String] {
        if let listedUnitFiles { return listedUnitFiles.names.sorted() }
        return try existingUnitFiles()?.generatedUnits() ?? []
    }

    /// Files on this machine, for the manager of `scope`.
    public static func local(_ scope: ManagerScope) -> JobStorage {
        JobStorage(
            persistent: FoundUnitFiles { () throws(UnitifyError) in
                do throws(UnitifyError) { return .store(try scope.unitFiles()) } catch { return .nowhere(error) }
            }, listedUnitFiles: nil, listedTimers: nil,
            runtimeUnits: scope.runtimeUnitFiles, records: scope.jobRecords,
            lockDirectory: scope.lockDirectory, isOnThisMachine: true, pathExists: { access($0, F_OK) == 0 },
            readFiles: { paths in
                var texts: [String: String] = [:]
                for path in paths { texts[path] = try? LocalJobSite().readText(path) }
                return texts
            })
    }
}

/// Persistent unit files, found when first asked for, then kept: the store, or why there is none.
/// Not a generic `Once<Result<any UnitFileStore, UnitifyError>>`: that type's metadata, built from
/// its mangled name when the first `JobStorage` is made, cost every command ~0.2 M instructions
/// of start-up (BENCHMARKS.md).
final class FoundUnitFiles {
    /// What finding them tells: the store, or that there is no place for unit files (why, for the
    /// commands that need one). Finding throws when it could not ask.
    enum Found {
        case store(any UnitFileStore)
        case nowhere(UnitifyError)
    }

    private var find: (() throws(UnitifyError) -> Found)?
    private var found: Found?
    private var failure: UnitifyError?

    init(_ find: @escaping () throws(UnitifyError) -> Found) { self.find = find }

    func get() throws(UnitifyError) -> any UnitFileStore {
        switch try outcome() {
        case .store(let store): store
        case .nowhere(let why): throw why
        }
    }

    /// The store; nil when there is no place for one.
    func existing() throws(UnitifyError) -> (any UnitFileStore)? {
        if case .store(let store) = try outcome() { return store }
        return nil
    }

    private func outcome() throws(UnitifyError) -> Found {
        if let found { return found }
        if let failure { throw failure }
        do throws(UnitifyError) {
            let outcome = try find!()
            found = outcome
            find = nil
            return outcome
        } catch {
            failure = error
            find = nil
            throw error
        }
    }
}
