import Systemd
import UnitifyCore

extension UnitSpec {
    /// The service's properties for `StartTransientUnit`, as plain data. Names and types are those
    /// of systemd's transient-unit API (org.freedesktop.systemd1(5)); each maps to the unit-file
    /// setting of the same name in systemd.service(5), systemd.exec(5) or systemd.resource-control(5).
    public var serviceProperties: [(String, BusValue)] {
        let command = execCommand
        var properties: [(String, BusValue)] = [
            ("Description", .string(description)),
            ("Slice", .string(UnitSpec.slice)),
            // Type=exec makes the start job fail when execve fails, instead of reporting success.
            ("Type", .string("exec")),
            // a(sasb): path, argv including argv[0], ignore-failure flag. systemd expands $VAR,
            // ${VAR} and $$ in argv when it executes, even for argv set over D-Bus: doubling
            // every $ hands the words to the program exactly as given.
            ("ExecStart", .array(element: "(sasb)", [.structure([.string(command.executable), .strings(command.argv.map(escapeDollars)), .bool(false)])])),
            ("WorkingDirectory", .string(workingDirectory)),
            ("RemainAfterExit", .bool(remainsAfterExit)),
            ("Restart", .string(restart.rawValue)),
            // Lines carry the job's name, and unitify can still find the output of a process that
            // exited before journald read its cgroup (then _SYSTEMD_USER_UNIT is missing, systemd #2913).
            ("SyslogIdentifier", .string(UnitName.shortName(name))),
        ]
        if !environment.isEmpty { properties.append(("Environment", .strings(environment))) }
        if let restartDelay { properties.append(("RestartUSec", .uint64(restartDelay.microseconds))) }
        // systemd 254 and later; for an older manager `SystemdFeature.adapted` leaves them out.
        if let restartBackoff {
            properties.append(("RestartSteps", .uint32(restartBackoff.steps)))
            properties.append(("RestartMaxDelayUSec", .uint64(restartBackoff.maxDelay.microseconds)))
        }
        if let reset = backoffResetCommand {
            properties.append(("ExecStartPost", .array(element: "(sasb)", [.structure([.string(reset[0]), .strings(reset.map(escapeDollars)), .bool(true)])])))
        }
        switch startLimit {
        case .unlimited?:
            properties.append(("StartLimitIntervalUSec", .uint64(0)))
        case .limit(let burst, let interval)?:
            properties.append(("StartLimitBurst", .uint32(burst)))
            properties.append(("StartLimitIntervalUSec", .uint64(interval.microseconds)))
        case nil:
            break
        }
        switch memoryMax {
        case .bytes(let bytes)?: properties.append(("MemoryMax", .uint64(bytes)))
        // MemoryMax=N% travels scaled to UINT32_MAX, as systemd-run sends it.
        case .percent(let permyriad)?:
            properties.append(("MemoryMaxScale", .uint32(UInt32((UInt64(permyriad) * UInt64(UInt32.max)) / 10_000))))
        case nil: break
        }
        if let cpuQuota { properties.append(("CPUQuotaPerSecUSec", .uint64(cpuQuota.microsecondsPerSecond))) }
        if let nice { properties.append(("Nice", .int32(nice))) }
        properties += Self.outputProperties("StandardOutput", standardOutput)
        properties += Self.outputProperties("StandardError", standardError)
        if let standardInput { properties.append(("StandardInputFile", .string(standardInput))) }
        for (setting, unit) in ExitHook.dependencies(of: self, hooks: hooks) { properties.append((setting, .strings([unit]))) }
        return properties
    }

    static func outputProperties(_ stream: String, _ target: OutputTarget) -> [(String, BusValue)] {
        switch target {
        case .journal: []
        case .truncate(let path): [(stream + "FileToTruncate", .string(path))]
        case .append(let path): [(stream + "FileToAppend", .string(path))]
        }
    }

    /// The timer's properties (systemd.timer(5)), when the job is timer-driven.
    public var timerProperties: [(String, BusValue)]? {
        guard let timer else { return nil }
        var properties: [(String, BusValue)] = [("Description", .string("Timer for \(description)"))]
        if let calendar = timer.onCalendar { properties.append(("OnCalendar", .string(calendar))) }
        if let delay = timer.onActive { properties.append(("OnActiveSec", .uint64(delay.microseconds))) }
        // Keep the timer loaded after its last elapse, so status can show the job ran.
        properties.append(("RemainAfterElapse", .bool(true)))
        return properties
    }
}

/// `$` → `$$`, which systemd's exec-time expansion turns back into `$`.
func escapeDollars(_ word: String) -> String {
    word.replacing("$", with: "$$")
}
