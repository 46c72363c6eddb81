import ArgumentParser
import UnitifyClient
import UnitifyCore

struct Kill: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kill",
        abstract: "Send a signal to a job's processes, e.g. HUP to reload or USR1 to dump state.",
        discussion: "The job keeps its unit: a program that exits on the signal ends as it would on its own (and is restarted if its policy says so)."
    )

    @Argument(help: "The jobs, with or without .service.", completion: .custom(JobNameCompletion.candidates))
    var names: [String]

    @Option(name: .shortAndLong, help: ArgumentHelp("The signal: a name (HUP, SIGUSR1) or a number.", valueName: "signal"))
    var signal: String = "TERM"

    @Flag(help: "Signal only the job's main process, not its children.")
    var main = false

    @OptionGroup var scope: ScopeOptions

    @OptionGroup var remote: HostOptions

    func run() throws {
        guard let signal = SignalName(signal) else { throw UnitifyError.usage(SignalName.invalid(self.signal)) }
        let units = try names.map { try UnitName.normalize($0) }
        let mainOnly = main
        try HostOptions.act(scope: scope.scope, hosts: try remote.remoteHosts(system: scope.system), parallel: remote.parallel, delegating: true) { target, report in
            try target.kill(units, signal: signal, mainOnly: mainOnly, into: &report)
        }
    }
}
