import Glibc
import Systemd
import UnitifyCore

extension Jobs {
    /// The spec of a loaded transient unit of unitify's, read back from its live properties
    /// (and, for its output files, which the bus does not expose, from systemd's transient file,
    /// read on the manager's machine).
    /// `allowPersistent`: a persistent one too, from its live properties and its unit file.
    public func transientSpec(of unit: String, allowPersistent: Bool = false) throws -> UnitSpec {
        let p = try manager.unitProperties(unit)
        let short = UnitName.shortName(unit)
        guard p["LoadState"]?.string.flatMap(LoadState.init) == .loaded else {
            throw UnitifyError.notFound("no unit named \(short) is loaded: 'unitify status' lists yours")
        }
        guard p["Slice"]?.string == UnitSpec.slice else {
            throw UnitifyError.failed("\(short) was not started by unitify: only its own jobs can be installed")
        }
        guard p["Transient"]?.bool == true || allowPersistent else {
            throw UnitifyError.failed("\(short) is already persistent (\(p["FragmentPath"]?.string ?? "")): nothing to install")
        }
        guard let exec = p["ExecStart"].flatMap(ExecCommand.init).map({ UnitCommand(path: $0.path, argv: $0.argv) }) else {
            throw UnitifyError.failed("\(short) has no command to install")
        }
        var spec = UnitSpec(
            name: unit, argv: exec.argv, executable: exec.executable,
            workingDirectory: p["WorkingDirectory"]?.string ?? "/",
            environment: p["Environment"]?.stringArray ?? [],
            restart: RestartPolicy(rawValue: p["Restart"]?.string ?? "no") ?? .no,
            description: p["Description"]?.string)
        (spec.helper, spec.tty, spec.logCap, spec.health) = (exec.helper, exec.tty, exec.logCap, exec.health)
        if spec.restart != .no { spec.restartDelay = p["RestartUSec"]?.uint64.map { TimeSpan(microseconds: $0) } }
        // Restarts that back off: the manager's own settings from 254 on (0 steps: none).
        if spec.restart != .no, let steps = p["RestartSteps"]?.uint64, steps > 0, let max = p["RestartMaxDelayUSec"]?.uint64, max != .max {
            spec.restartBackoff = RestartBackoff(steps: UInt32(steps), maxDelay: TimeSpan(microseconds: max))
        }
        let burst = UInt32(p["StartLimitBurst"]?.uint64 ?? 5)
        let interval = p["StartLimitIntervalUSec"]?.uint64 ?? 10_000_000
        if interval == 0 {
            spec.startLimit = .unlimited
        } else if burst != 5 || interval != 10_000_000 {
            spec.startLimit = .limit(burst: burst, interval: TimeSpan(microseconds: interval))
        }
        if let memory = p["MemoryMax"]?.uint64, memory != .max { spec.memoryMax = .bytes(memory) }
        if let quota = p["CPUQuotaPerSecUSec"]?.uint64, quota != .max {
            spec.cpuQuota = CPUQuota(microsecondsPerSecond: (quota + 50) / 100 * 100)  // to systemd's 0.01%
        }
        if let nice = p["Nice"]?.int64, nice != 0 { spec.nice = Int32(nice) }
        if let fragment = p["FragmentPath"]?.string, let text = try storage.readFile(fragment) {
            spec.standardOutput = Self.outputTarget(UnitFile.lastValue(of: "StandardOutput", in: text))
            spec.standardError = Self.outputTarget(UnitFile.lastValue(of: "StandardError", in: text))
            if spec.standardError == .journal, UnitFile.lastValue(of: "StandardError", in: text) == nil {
                spec.standardError = spec.standardOutput
            }
            if let input = UnitFile.lastValue(of: "StandardInput", in: text), input.hasPrefix("file:") {
                spec.standardInput = String(input.dropFirst(5))
            }
            // An app's job keeps its app, order and readiness through 'restart NAME -e …'.
            spec.app = App.name(inUnitFile: text)
            spec.after = UnitFile.lastValue(of: "After", in: text).map { $0.split(separator: " ").map(String.init) } ?? []
            spec.readiness = p["ExecStartPost"].flatMap(ExecCommand.init).flatMap { Readiness(waitCommand: $0.argv) }
            // Before 254 the manager has no such settings: a unit file keeps them all the same.
            if spec.restartBackoff == nil, spec.restart != .no,
               let steps = UnitFile.lastValue(of: "RestartSteps", in: text).flatMap({ UInt32($0) }), steps > 0,
               let max = UnitFile.lastValue(of: "RestartMaxDelaySec", in: text).flatMap({ try? TimeSpan(parsing: $0) }) {
                spec.restartBackoff = RestartBackoff(steps: steps, maxDelay: max)
            }
        }
        // A transient job on such a manager was started without them: its record has them.
        if spec.restartBackoff == nil, spec.restart != .no, let record = try? storage.records.read(unit),
           record.spec.restartDelay == spec.restartDelay {
            spec.restartBackoff = record.spec.restartBackoff
        }
        if let timer = (p["TriggeredBy"]?.stringArray ?? []).first(where: { $0.hasSuffix(".timer") }) {
            let t = try manager.unitProperties(timer)
            var timerSpec = TimerSpec()
            // TimersCalendar is a(sss): base, spec, next elapse; TimersMonotonic a(stt): base, usec, next.
            timerSpec.onCalendar = t["TimersCalendar"]?.elements?.first?.elements?[1].string
            if let monotonic = t["TimersMonotonic"]?.elements?.first(where: { $0.elements?.first?.string == "OnActiveUSec" }),
               let usec = monotonic.elements?[1].uint64 {
                timerSpec.onActive = TimeSpan(microseconds: usec)
            }
            spec.timer = timerSpec
        }
        return spec
    }

    static func outputTarget(_ value: String?) -> OutputTarget {
        value.flatMap(OutputTarget.init(setting:)) ?? .journal
    }
}
