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

    func run() throws {
        let unit = try UnitName.normalize(name)
        let files = try scope.scope.unitFiles()
        let out = Output.standard
        let timer = UnitName.shortName(unit) + ".timer"
        let written = [unit, timer].compactMap { name in files.read(name).map { (files.path(name), $0) } }
        if !written.isEmpty {
            for (index, (path, text)) in written.enumerated() {
                if index > 0 { out.line() }
                out.line("# \(path)")
                out.write(text.hasSuffix("\n") ? text : text + "\n")
            }
            return
        }
        let jobs = try Jobs.connect(scope.scope)
        let spec = try jobs.transientSpec(of: unit)
        for (index, (name, text)) in try UnitFile.texts(spec, commandLine: spec.description, template: nil).enumerated() {
            if index > 0 { out.line() }
            out.line("# \(files.path(name)) (not written: the job is transient; 'unitify install \(UnitName.shortName(unit))' writes it)")
            out.write(text.hasSuffix("\n") ? text : text + "\n")
        }
    }
}
