import ArgumentParser
import UnitifyClient
import UnitifyCore

/// Options of the commands that write unit files.
struct PersistenceOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Render the service file from this Mustache template instead of unitify's.", valueName: "file"))
    var template: String?

    func templateText() throws -> String? {
        try template.map { path throws(UnitifyError) in try LocalJobSite().readText(path) }
    }
}

/// `--no-linger`: a user job outlives logout, as a nohup job does, unless the caller says otherwise.
struct LingerOptions: ParsableArguments {
    @Flag(inversion: .prefixedNo, help: "Turn on logind's linger for you when it is off (the default), so that your jobs outlive your logout and persistent ones start at boot; --no-linger leaves it off.")
    var linger = true
}
