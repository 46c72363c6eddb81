import ArgumentParser
import Systemd
import UnitifyClient
import UnitifyCore

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show one job in detail, or a table of every job.")

    @Argument(help: "The unit, with or without .service; none for every unitify unit.")
    var name: String?

    func run() throws {
        let manager = try Manager.user()
        let now = Environment.now()
        let out = Output.standard
        guard let name else {
            let statuses = try manager.managedUnits().map { try manager.status(of: $0) }
            for line in StatusView.table(statuses, now: now) { out.line(line) }
            return
        }
        let unit = try UnitName.normalize(name)
        let status = try manager.status(of: unit)
        guard status.loadState != "not-found" else {
            throw CommandFailure("no unit named \(UnitName.shortName(unit)): 'unitify status' lists yours", exitCode: 4)
        }
        for line in StatusView.block(status, now: now) { out.line(line) }
        if !status.isRunning { throw ExitCode(3) }
    }
}
