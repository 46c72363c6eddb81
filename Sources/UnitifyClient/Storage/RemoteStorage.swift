import UnitifyCore

/// The names a remote directory held when the prelude listed it (`RemotePrelude.Answer`), kept
/// up to date with what this process writes and removes there: listing then costs no channel.
/// One host's thread uses it.
final class RemoteListing: @unchecked Sendable {
    var names: Set<String>

    init?(_ names: [String]?) {
        guard let names else { return nil }
        self.names = Set(names)
    }
}

/// Unit files on another host, in the directory its manager loads them from.
struct RemoteUnitFiles: UnitFileStore {
    let shell: RemoteShell
    let directory: String
    /// The generated units the prelude found, kept up to date here.
    var listing: RemoteListing? = nil
    /// `listing` names every file of the directory (the runtime one's: `runtime=`), so a unit
    /// not in it has no file: nothing to read, look at or remove, and no channel to ask.
    var listsEveryFile = false

    /// Whether the listing says for sure that `unit` has no file here. Names the prelude would
    /// have left out (other characters than a unit name's usual ones) are asked.
    func surelyAbsent(_ unit: String) -> Bool {
        guard listsEveryFile, let listing else { return false }
        return !listing.names.contains(unit) && unit.utf8.allSatisfy(RemotePrelude.isListedNameByte)
    }

    func read(_ unit: String) throws(UnitifyError) -> String? {
        if surelyAbsent(unit) { return nil }
        return try shell.read(path(unit))
    }

    func exists(_ unit: String) throws(UnitifyError) -> Bool {
        if surelyAbsent(unit) { return false }
        return try shell.exists(path(unit))
    }

    /// Every service file read in one channel, each after a line that names it (a record
    /// separator first, which no unit file holds).
    func generatedUnits() throws(UnitifyError) -> [String] {
        if let listing { return listing.names.sorted() }
        let script = #"[ -e "$1" ] || exit 0; cd -- "$1" || exit 3; for f in *.service; do [ -f "$f" ] || continue; printf '\036%s\n' "$f"; cat -- "$f" || exit 3; done; exit 0"#
        let outcome = try shell.check("read \(directory)", script, [directory])
        return outcome.text.split(separator: "\u{1E}").compactMap { file in
            guard let newline = file.firstIndex(of: "\n") else { return nil }
            return UnitFile.isGeneratedByUnitify(String(file[newline...])) ? String(file[..<newline]) : nil
        }.sorted()
    }

    /// One file after the other, each whole: a remote write has no all-or-none across files.
    func write(_ files: [(unit: String, text: String)]) throws {
        for (index, (unit, text)) in files.enumerated() {
            try shell.write(path(unit), text, mode: "0644", advancingTime: index == files.count - 1)
            if unit.hasSuffix(".service") || listsEveryFile { listing?.names.insert(unit) }
        }
    }

    func advanceModificationTime() throws {
        try shell.advanceModificationTime(of: directory)
    }

    func remove(_ unit: String) throws {
        if surelyAbsent(unit) { return }
        try shell.remove(path(unit))
        listing?.names.remove(unit)
    }
}

/// The texts of records the prelude printed (`HostFacts.Probe.record`), kept up to date with
/// what this process writes and removes: a record is read once a command.
final class RemoteTexts: @unchecked Sendable {
    var texts: [String: String]

    init(_ texts: [String: String]) {
        self.texts = texts
    }
}

/// Job records on another host, beside its manager as they are here (`JobRecordDirectory`): 0700, 0600.
struct RemoteJobRecords: JobRecordStore {
    let shell: RemoteShell
    let directory: String
    /// The records the prelude found.
    var listing: RemoteListing? = nil
    /// The texts of those the prelude printed.
    var known = RemoteTexts([:])

    func path(_ unit: String) -> String { directory + "/" + unit }

    func read(_ unit: String) throws -> JobRecord? {
        if let listing, !listing.names.contains(unit) { return nil }
        guard let text = try known.texts[unit] ?? shell.read(path(unit)) else { return nil }
        return try JobRecord(decoding: text, path: path(unit))
    }

    /// Every record asked for in one channel, each after a line that names it (a record
    /// separator first, which no record holds); none asked of a unit the listing says has none.
    /// A damaged record is left out, as the local store leaves it out; a record that could not be
    /// read is an error.
    func readAll(_ units: [String]) throws(UnitifyError) -> [String: JobRecord] {
        var records: [String: JobRecord] = [:]
        for unit in units where listing?.names.contains(unit) ?? true {
            guard let text = known.texts[unit] else { continue }
            records[unit] = try? JobRecord(decoding: text, path: path(unit))
        }
        let wanted = units.filter { (listing?.names.contains($0) ?? true) && known.texts[$0] == nil }
        guard !wanted.isEmpty else { return records }
        let script = #"[ -e "$1" ] || exit 0; cd -- "$1" || exit 3; shift; for f; do [ -f "$f" ] || continue; printf '\036%s\n' "$f"; cat -- "$f" || exit 3; done; exit 0"#
        let outcome = try shell.check("read the job records in \(directory)", script, [directory] + wanted)
        for file in outcome.text.split(separator: "\u{1E}") {
            guard let newline = file.firstIndex(of: "\n") else { continue }
            let unit = String(file[..<newline])
            records[unit] = try? JobRecord(decoding: String(file[file.index(after: newline)...]), path: path(unit))
        }
        return records
    }

    func exists(_ unit: String) throws(UnitifyError) -> Bool { try shell.exists(path(unit)) }

    func units() throws(UnitifyError) -> [String] {
        if let listing { return listing.names.sorted() }
        return try shell.list(directory).filter { $0.hasSuffix(".service") }.sorted()
    }

    func write(_ record: JobRecord) throws {
        let text = try record.encoded()
        try shell.write(path(record.spec.name), text, mode: "0600", privateDirectory: true)
        listing?.names.insert(record.spec.name)
        known.texts[record.spec.name] = text
    }

    /// The record's channel runs while the job starts over the bus (its round trips hidden behind
    /// the start's); it says what the record replaced, which a failed start puts back.
    func write(_ record: JobRecord, whenSucceeding start: () throws -> UnitStatus) throws -> UnitStatus {
        let unit = record.spec.name
        let text = try record.encoded()
        let writing = try shell.beginWrite(path(unit), text, mode: "0600", privateDirectory: true)
        let status: UnitStatus
        do {
            status = try start()
        } catch {
            // A write that failed replaced nothing.
            if case .success(let replaced) = Result(catching: { () throws(UnitifyError) in try writing.finish() }) {
                if let replaced { try? shell.write(path(unit), replaced, mode: "0600", privateDirectory: true) } else { try? shell.remove(path(unit)) }
            }
            known.texts[unit] = nil
            throw error
        }
        _ = try writing.finish()
        listing?.names.insert(unit)
        known.texts[unit] = text
        return status
    }

    func remove(_ unit: String) throws {
        try shell.remove(path(unit))
        listing?.names.remove(unit)
        known.texts[unit] = nil
    }
}

extension JobStorage {
    /// The files of a user's jobs on another host: the runtime directory the prelude found (the
    /// parent of the manager's socket) and, for unit files, the user's configuration directory
    /// among the manager's `UnitPath`.
    /// `unitPath` is asked only when a command needs the directory itself.
    ///
    /// The prelude's listings stand in for a listing channel. It lists the unit files of
    /// `${XDG_CONFIG_HOME:-~/.config}/systemd/user` as the login sees it, which is the manager's
    /// unless the two were given different environments.
    static func remote(_ connection: SSHConnection, answer: RemotePrelude.Answer, facts: HostFacts.Answer? = nil,
                       unitPath: @escaping () throws(UnitifyError) -> [String]) -> JobStorage {
        let shell = RemoteShell(connection: connection)
        let runtimeDirectory = answer.managerRuntimeDirectory ?? "/run/user/\(answer.uid)"
        let listed = RemoteListing(answer.generatedUnitFiles)
        let persistent = FoundUnitFiles { () throws(UnitifyError) -> FoundUnitFiles.Found in
            let paths = try unitPath()
            guard let directory = UnitSearchPath.userConfigDirectory(paths) else {
                return .nowhere(UnitifyError.remote(connection.host, "its manager names no unit directory of the user's (UnitPath: \(paths.joined(separator: ":")))"))
            }
            return .store(RemoteUnitFiles(shell: shell, directory: directory, listing: listed))
        }
        return JobStorage(
            persistent: persistent, listedUnitFiles: listed, listedTimers: answer.generatedTimers.map(Set.init),
            runtimeUnits: RemoteUnitFiles(shell: shell, directory: runtimeDirectory + "/systemd/user",
                                          listing: RemoteListing(answer.runtimeUnitFiles), listsEveryFile: true),
            records: RemoteJobRecords(shell: shell, directory: runtimeDirectory + "/unitify/jobs", listing: RemoteListing(answer.jobRecords),
                                      known: RemoteTexts(facts?.records ?? [:])),
            lockDirectory: nil, isOnThisMachine: false, pathExists: { path throws(UnitifyError) in try shell.exists(path) },
            readFiles: { paths throws(UnitifyError) in try shell.readAll(paths) })
    }
}
