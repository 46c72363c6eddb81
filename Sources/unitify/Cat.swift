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
        // Files are printed whole, one host after the other, under a '# HOST:PATH' heading.
        try HostOptions.act(scope: scope.scope, hosts: try remote.remoteHosts(system: scope.system), parallel: remote.parallel, labelled: false, delegating: true) { target, report in
            try target.cat(unit, into: &report)
        }
    }
}
