import ArgumentParser
import UnitifyClient
import UnitifyCore

/// `--host`: work on other machines over ssh, with nothing of unitify's installed there.
struct HostOptions: ParsableArguments {
    @Option(name: .customLong("host"), help: ArgumentHelp(
        "Work on this host over ssh instead of here: [USER@]HOST[:PORT], an ~/.ssh/config alias too; repeat it or separate hosts with commas (default: $UNITIFY_HOST).",
        valueName: "host"))
    var hosts: [String] = []

    /// The hosts named, else those of `UNITIFY_HOST`; empty for this machine.
    func remoteHosts() throws(UnitifyError) -> [RemoteHost] {
        if !hosts.isEmpty { return try RemoteHost.list(hosts) }
        guard let fromEnvironment = Environment.value("UNITIFY_HOST"), !fromEnvironment.isEmpty else { return [] }
        return try RemoteHost.list([fromEnvironment])
    }
}
