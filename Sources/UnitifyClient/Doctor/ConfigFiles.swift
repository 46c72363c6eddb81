import UnitifyCore

/// systemd's configuration files: `/etc/systemd/NAME` (else the vendor copy), then drop-ins
/// from `NAME.d` directories sorted by file name, a file in `/etc` hiding one of the same name
/// below `/run` and `/usr` (systemd.syntax(7), "drop-ins").
enum ConfigFiles {
    static let directories = ["/etc/systemd", "/run/systemd", "/usr/local/lib/systemd", "/usr/lib/systemd"]

    static func read(_ name: String) -> [(path: String, text: String)] {
        var files: [(path: String, text: String)] = []
        if let main = directories.lazy.map({ $0 + "/" + name }).first(where: pathExists), let text = try? LocalJobSite().readText(main) {
            files.append((main, text))
        }
        var dropIns: [String: String] = [:]
        for directory in directories.reversed() {
            for file in directoryEntries(directory + "/" + name + ".d") where file.hasSuffix(".conf") {
                dropIns[file] = directory + "/" + name + ".d/" + file
            }
        }
        for file in dropIns.keys.sorted() {
            if let path = dropIns[file], let text = try? LocalJobSite().readText(path) { files.append((path, text)) }
        }
        return files
    }
}
