import ArgumentParser
import Glibc
import Systemd
import UnitifyClient
import UnitifyCore

/// Options of the commands that write unit files.
struct PersistenceOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Render the service file from this Mustache template instead of unitify's.", valueName: "file"))
    var template: String?

    @Flag(help: "Ask logind to let your services run without a session and start at boot.")
    var linger = false

    @Flag(help: "Use the system manager and /etc/systemd/system (root only).")
    var system = false

    func templateText() throws -> String? {
        try template.map { path throws(InputError) in try LiveHost().readText(path) }
    }

    func manager(throughBroker: Bool = false) throws -> Manager {
        system ? try Manager.system() : try Manager.user(throughBroker: throughBroker)
    }

    func files() throws -> UnitFiles {
        system ? .system : try UnitFiles.user()
    }

    /// After a unit was made persistent: linger decides whether it survives logout and reboot.
    func reportLinger(for unit: String) {
        guard !system else { return }
        let user = currentUserName()
        if linger {
            do {
                try Linger.enable(uid: getuid())
                return
            } catch {
                printError("unitify: \(error)")
            }
        }
        let short = UnitName.shortName(unit)
        switch Linger.state(user: user, uid: getuid()) {
        case .enabled:
            return
        case .disabled:
            printError("unitify: warning: linger is off for \(user): \(short) stops when your last session ends and does not start at boot; run 'loginctl enable-linger \(user)' (or add --linger)")
        case .unknown(let why):
            printError("unitify: note: cannot tell whether \(user) lingers (\(why)): without linger \(short) stops at logout and does not start at boot; 'loginctl enable-linger \(user)' turns it on")
        }
    }
}

/// The command line as typed, for the comment at the top of a generated file.
var typedCommandLine: String {
    ShellWords.join(["unitify"] + CommandLine.arguments.dropFirst())
}
