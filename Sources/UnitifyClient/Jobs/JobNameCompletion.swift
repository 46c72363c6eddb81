import Systemd
import UnitifyCore

/// Shell completion of job names from the live manager, for the NAME arguments of status,
/// journal and stop. The shell runs unitify on every TAB, so this stays one round trip and
/// silent: any failure completes nothing rather than printing into the command line.
public enum JobNameCompletion {
    @Sendable public static func candidates(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        guard let jobs = try? Jobs.user(), let units = try? jobs.managedUnits() else { return [] }
        return units.map(UnitName.shortName).filter { $0.hasPrefix(prefix) }
    }
}
