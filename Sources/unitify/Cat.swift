import ArgumentParser
import UnitifyClient
import UnitifyCore

struct Cat: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cat",
        abstract: "Print a job's unit file; for a transient job, the file 'install' would write.")

    @Argument(help: "The job, with or without .service.", completion: .custom(JobNameCompletion.candidates))
    var name: String

    @OptionGroup var scope: ScopeOptions

    @OptionGroup var remote: HostOptions

    func run() throws {
        let unit = try UnitName.normalize(name)
        let hosts = try remote.remoteHosts()
        if !hosts.isEmpty {
            try HostOptions.refuseSystem(scope.system)
            // Files are printed whole, one host after the other, under a '# HOST:PATH' heading.
            return try HostOptions.act(on: hosts, labelled: false) { reached, report in
                try Self.cat(unit, files: try reached.jobs.storage.unitFiles(), heading: "\(reached.host):", jobs: { reached.jobs }) {
                    report.lines.append(contentsOf: $0.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init))
                }
            }
        }
        let out = Output.standard
        try Self.cat(unit, files: try scope.scope.unitFiles(), heading: "", jobs: { try Jobs.connect(scope.scope) }) { out.write($0) }
    }

    /// Writes the job's files, or for a transient job the files install would write; the manager
    /// is asked only then (`jobs`).
    static func cat(_ unit: String, files: any UnitFileStore, heading: String, jobs: () throws -> Jobs, write: (String) -> Void) throws {
        let timer = UnitName.shortName(unit) + ".timer"
        let written = [unit, timer].compactMap { name in files.read(name).map { (files.path(name), $0) } }
        if !written.isEmpty {
            for (index, (path, text)) in written.enumerated() {
                if index > 0 { write("\n") }
                write("# \(heading)\(path)\n")
                write(text.hasSuffix("\n") ? text : text + "\n")
            }
            return
        }
        let spec = try jobs().transientSpec(of: unit)
        for (index, (name, text)) in try UnitFile.texts(spec, commandLine: spec.description, template: nil).enumerated() {
            if index > 0 { write("\n") }
            write("# \(heading)\(files.path(name)) (not written: the job is transient; 'unitify install \(UnitName.shortName(unit))' writes it)\n")
            write(text.hasSuffix("\n") ? text : text + "\n")
        }
    }
}
