import ArgumentParser
import UnitifyClient
import UnitifyCore

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Print the unit file(s) 'run --persistent' would write, and write nothing.",
        discussion: "Takes the same options as run. Example: unitify generate --restart always -- ./server"
    )

    @OptionGroup var job: JobOptions

    @Option(help: ArgumentHelp("Render from this Mustache template instead of unitify's.", valueName: "file"))
    var template: String?

    func run() throws {
        let (spec, notes) = try job.request(for: Self.self).makeSpec(host: LocalJobSite())
        for note in notes { printError("unitify: note: \(note)") }
        if let path = spec.pidFile?.path { printError("unitify: note: no pid file from a unit file: 'run' writes \(path) when it starts the job") }
        let text = try template.map { path throws(UnitifyError) in try LocalJobSite().readText(path) }
        let files = try UnitFile.texts(spec, commandLine: job.typedCommandLine, template: text)
        for (index, (unit, text)) in files.enumerated() {
            if index > 0 { Output.standard.line() }
            Output.standard.line("# \(unit)")
            Output.standard.write(text.hasSuffix("\n") ? text : text + "\n")
        }
    }
}
