import Glibc
import UnitifyCore

/// Unit files of one kind for a manager (persistent ones, or the runtime ones of exit hooks),
/// wherever that manager runs: on this machine (`UnitFileDirectory`) or on another host, through
/// ssh (`RemoteUnitFiles`).
public protocol UnitFileStore: Sendable {
    var directory: String { get }
    /// The file's text, or nil when there is none.
    func read(_ unit: String) -> String?
    /// Whether anything is at the unit's path, a dangling link too.
    func exists(_ unit: String) -> Bool
    /// The units of the files unitify wrote here, by name.
    func generatedUnits() -> [String]
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
    public func isForeign(_ unit: String) -> Bool {
        guard let text = read(unit) else { return exists(unit) }
        return !UnitFile.isGeneratedByUnitify(text)
    }
}

/// The records of a manager's transient jobs (`JobRecord`), wherever that manager runs.
public protocol JobRecordStore: Sendable {
    var directory: String { get }
    func path(_ unit: String) -> String
    /// The record of `unit`; nil when there is none, an error when it is damaged or unreadable.
    func read(_ unit: String) throws -> JobRecord?
    /// Whether anything is at the record's path, a damaged record too.
    func exists(_ unit: String) -> Bool
    /// The units that have a record, by name.
    func units() -> [String]
    func write(_ record: JobRecord) throws
    /// Forgets `unit`; a missing record is fine.
    func remove(_ unit: String) throws
    /// The records of those of `units` that have a readable one.
    func readAll(_ units: [String]) -> [String: JobRecord]
}

extension JobRecordStore {
    public func readAll(_ units: [String]) -> [String: JobRecord] {
        var records: [String: JobRecord] = [:]
        for unit in units { records[unit] = try? read(unit) }
        return records
    }
}

extension UnitFileDirectory: UnitFileStore {
    public func exists(_ unit: String) -> Bool { fileType(atPath: path(unit)) != nil }
}

extension JobRecordDirectory: JobRecordStore {
    public func exists(_ unit: String) -> Bool { fileType(atPath: path(unit)) != nil }
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
    public let runtimeUnits: any UnitFileStore
    public let records: any JobRecordStore
    /// Where runs of one name take turns (`NameLock`); nil on another host, where the manager's
    /// refusal of a second unit of the same name is the only guard.
    public let lockDirectory: String?
    /// Whether the manager's machine is this one, so that its jobs' processes are in this /proc.
    public let isOnThisMachine: Bool
    /// Whether a path exists on the manager's machine: a unit's `FragmentPath`, say.
    let pathExists: (String) -> Bool
    /// The texts of files on the manager's machine, of those that can be read (units'
    /// `FragmentPath`s: where their output goes, which the bus does not say), all at once.
    let readFiles: ([String]) -> [String: String]

    /// A file's text on the manager's machine; nil when it cannot be read.
    func readFile(_ path: String) -> String? {
        readFiles([path])[path]
    }

    public func unitFiles() throws(UnitifyError) -> any UnitFileStore {
        try persistent.get()
    }

    /// The units of the files unitify wrote, by name.
    public func generatedUnits() -> [String] {
        listedUnitFiles.map { $0.names.sorted() } ?? (try? unitFiles().generatedUnits()) ?? []
    }

    /// Files on this machine, for the manager of `scope`.
    public static func local(_ scope: ManagerScope) -> JobStorage {
        JobStorage(
            persistent: FoundUnitFiles { () throws(UnitifyError) in try scope.unitFiles() }, listedUnitFiles: nil,
            runtimeUnits: scope.runtimeUnitFiles, records: scope.jobRecords,
            lockDirectory: scope.lockDirectory, isOnThisMachine: true, pathExists: { access($0, F_OK) == 0 },
            readFiles: { paths in
                var texts: [String: String] = [:]
                for path in paths { texts[path] = try? LiveHost().readText(path) }
                return texts
            })
    }
}

/// Persistent unit files, found when first asked for, then kept: the store, or why there is none.
/// Not a generic `Once<Result<any UnitFileStore, UnitifyError>>`: that type's metadata, built from
/// its mangled name when the first `JobStorage` is made, cost every command ~0.2 M instructions
/// of start-up (BENCHMARKS.md).
final class FoundUnitFiles {
    private var find: (() throws(UnitifyError) -> any UnitFileStore)?
    private var found: (any UnitFileStore)?
    private var failure: UnitifyError?

    init(_ find: @escaping () throws(UnitifyError) -> any UnitFileStore) { self.find = find }

    func get() throws(UnitifyError) -> any UnitFileStore {
        if let found { return found }
        if let failure { throw failure }
        do throws(UnitifyError) {
            let store = try find!()
            found = store
            find = nil
            return store
        } catch {
            failure = error
            find = nil
            throw error
        }
    }
}
