import Systemd
import UnitifyCore

extension UnitSpec {
    /// The properties `StartTransientUnit` receives for this job, as plain data (see
    /// systemd.service(5) and systemd.exec(5) for each name).
    public var transientProperties: [(String, BusValue)] {
        var properties: [(String, BusValue)] = [
            ("Description", .string(description)),
            ("Slice", .string(UnitSpec.slice)),
            // Type=exec makes the start job fail when execve fails, instead of reporting success.
            ("Type", .string("exec")),
            // a(sasb): path, argv including argv[0], ignore-failure flag.
            ("ExecStart", .array(element: "(sasb)", [.structure([.string(executable), .strings(argv), .bool(false)])])),
            ("WorkingDirectory", .string(workingDirectory)),
            ("RemainAfterExit", .bool(remainsAfterExit)),
            ("Restart", .string(restart.rawValue)),
        ]
        if !environment.isEmpty { properties.append(("Environment", .strings(environment))) }
        if let restartDelay { properties.append(("RestartUSec", .uint64(restartDelay.microseconds))) }
        return properties
    }
}
