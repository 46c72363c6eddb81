import UnitifyCore

extension Target {
    /// `cat`: the job's unit files under a `# PATH` heading each (`# HOST:PATH` on another
    /// host), or for a transient job the files `install` would write. The manager is asked only
    /// then: a persistent job's files are read without it.
    public func cat(_ unit: String, into report: inout TargetReport) throws {
        let files = try storage.unitFiles()
        let heading = hostAddress.map { "\($0):" } ?? ""
        var texts: [String] = []
        let timer = UnitName.shortName(unit) + ".timer"
        let written = try [unit, timer].compactMap { name in try files.read(name).map { (files.path(name), $0) } }
        if !written.isEmpty {
            for (path, text) in written { texts.append("# \(heading)\(path)\n" + text) }
        } else {
            let spec = try jobs.transientSpec(of: unit)
            for (name, text) in try UnitFile.texts(spec, commandLine: spec.description, template: nil) {
                texts.append("# \(heading)\(files.path(name)) (not written: the job is transient; 'unitify install \(UnitName.shortName(unit))' writes it)\n" + text)
            }
        }
        for (index, text) in texts.enumerated() {
            if index > 0 { report.lines.append("") }
            report.lines += text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if report.lines.last == "" { report.lines.removeLast() }
        }
    }
}
