/// Which journal entries are a job's, as one table for both readers: the local one adds these
/// groups to sd-journal handles, the remote one writes them as `journalctl` match arguments, so
/// the two cannot drift apart.
///
/// A group's terms are `FIELD=value`: terms of different fields AND, of one field OR; groups OR.
/// These are `journalctl --user-unit`'s matches (systemd's `add_matches_for_user_unit_full`, and
/// `add_matches_for_unit_full` for a system unit), plus one group for output whose unit journald
/// could not tell (matched by SYSLOG_IDENTIFIER, see SyslogIdentifier=).
public struct JournalMatchGroup: Sendable, Equatable {
    /// `own`: the unit's own output, nearly every entry; `about`: what others (the manager,
    /// systemd-coredump) write about it, a few entries. The local reader puts the two kinds on
    /// separate handles, for speed; an entry of an `own` group belongs to its run by its cgroup's
    /// invocation, one of an `about` group by the manager's word.
    public enum Kind: Sendable { case own, about }

    public var kind: Kind
    public var terms: [String]

    public init(_ kind: Kind, _ terms: [String]) {
        self.kind = kind
        self.terms = terms
    }
}

public enum JournalMatchTable {
    /// The groups for `units` (none: every unit in unitify's slice) of the user `uid`, or with
    /// `system` of PID 1.
    public static func groups(units: [String], uid: UInt32, system: Bool) -> [JournalMatchGroup] {
        guard !units.isEmpty else {
            return [system ? JournalMatchGroup(.own, ["_SYSTEMD_SLICE=\(UnitSpec.slice)"])
                           : JournalMatchGroup(.own, ["_SYSTEMD_USER_SLICE=\(UnitSpec.slice)", "_UID=\(uid)"])]
        }
        return units.flatMap { system ? systemGroups(unit: $0) : userGroups(unit: $0, uid: uid) }
    }

    static func userGroups(unit: String, uid: UInt32) -> [JournalMatchGroup] {
        // Messages from system services about it (coredumps), which run as root.
        let serviceUIDs = uid == 0 ? ["_UID=0"] : ["_UID=\(uid)", "_UID=0"]
        return [
            JournalMatchGroup(.own, ["_SYSTEMD_USER_UNIT=\(unit)", "_UID=\(uid)"]),
            JournalMatchGroup(.own, ["SYSLOG_IDENTIFIER=\(UnitName.shortName(unit))", "_UID=\(uid)"]),
            // The manager's messages about the unit.
            JournalMatchGroup(.about, ["USER_UNIT=\(unit)", "_UID=\(uid)"]),
            JournalMatchGroup(.about, ["OBJECT_SYSTEMD_USER_UNIT=\(unit)"] + serviceUIDs),
            JournalMatchGroup(.about, ["COREDUMP_USER_UNIT=\(unit)"] + serviceUIDs),
        ]
    }

    static func systemGroups(unit: String) -> [JournalMatchGroup] {
        [
            JournalMatchGroup(.own, ["_SYSTEMD_UNIT=\(unit)"]),
            JournalMatchGroup(.own, ["SYSLOG_IDENTIFIER=\(UnitName.shortName(unit))", "_UID=0"]),
            // PID 1's messages about the unit.
            JournalMatchGroup(.about, ["UNIT=\(unit)", "_PID=1"]),
            JournalMatchGroup(.about, ["OBJECT_SYSTEMD_UNIT=\(unit)", "_UID=0"]),
            JournalMatchGroup(.about, ["COREDUMP_UNIT=\(unit)", "_UID=0"]),
        ]
    }
}

extension JournalMatchGroup {
    /// Whether an entry's fields satisfy this group, as sd-journal decides: for each field the
    /// group names, one of the entry's values of it is one of the group's values.
    public func matches(_ entry: JournalExportReader.Entry) -> Bool {
        var fields: [Substring: [Substring]] = [:]
        for term in terms {
            guard let equals = term.firstIndex(of: "=") else { continue }
            fields[term[..<equals], default: []].append(term[term.index(after: equals)...])
        }
        return fields.allSatisfy { name, values in
            entry.fields.contains { field in field.name == name && values.contains { Array($0.utf8) == field.value } }
        }
    }
}
