/// The `journalctl` command line that reads a user's jobs on another host, where unitify is not
/// installed: the same matches unitify makes locally (`journalctl --user-unit`'s groups plus the
/// SYSLOG_IDENTIFIER one), written as journalctl's own match arguments (`FIELD=value` terms of
/// different fields are ANDed, of one field ORed, `+` between groups), and the export format,
/// which keeps every field whatever its size (`-o json` turns one over 4,096 bytes into null).
public enum RemoteJournalCommand {
    public static func arguments(units: [String], uid: UInt32, lines: Int?, follow: Bool, afterCursor: String?) -> [String] {
        var words = ["journalctl", "--no-pager", "--quiet", "--output=export"]
        if let afterCursor {
            words.append("--after-cursor=\(afterCursor)")
        } else {
            // journalctl's own default is all lines, or 10 with --follow.
            words.append("--lines=\(lines.map(String.init) ?? "all")")
        }
        if follow { words.append("--follow") }
        var groups: [[String]] = []
        if units.isEmpty {
            groups.append(["_SYSTEMD_USER_SLICE=\(UnitSpec.slice)", "_UID=\(uid)"])
        }
        for unit in units {
            let others = uid == 0 ? ["_UID=0"] : ["_UID=\(uid)", "_UID=0"]
            groups += [
                ["_SYSTEMD_USER_UNIT=\(unit)", "_UID=\(uid)"],
                ["SYSLOG_IDENTIFIER=\(UnitName.shortName(unit))", "_UID=\(uid)"],
                ["USER_UNIT=\(unit)", "_UID=\(uid)"],
                ["OBJECT_SYSTEMD_USER_UNIT=\(unit)"] + others,
                ["COREDUMP_USER_UNIT=\(unit)"] + others,
            ]
        }
        for (index, group) in groups.enumerated() {
            if index > 0 { words.append("+") }
            words += group
        }
        return words
    }
}
