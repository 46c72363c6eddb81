import Glibc
import Systemd
import UnitifyCore

/// What `install` did: the unit running from its file, and how long the job was down.
public struct InstallReport {
    public var status: UnitStatus
    public var files: [String]
    public var downtime: TimeSpan
}

extension Jobs {
    /// `run --persistent`: writes the files, reloads, enables and starts, as `systemctl --user
    /// enable --now` would. A unit of that name that is loaded from elsewhere is a clash.
    public func startPersistent(_ spec: UnitSpec, texts: [(unit: String, text: String)], files: UnitFiles, replace: Bool) throws -> UnitStatus {
        for (unit, _) in texts where files.isForeign(unit) {
            throw UnitifyError.failed("\(files.path(unit)) exists and was not written by unitify: choose another --name, or remove the file")
        }
        try manager.subscribe()
        for (unit, _) in texts {
            let current = try status(of: unit)
            guard !current.isNotFound, current.kind == .transient || current.isRunning else { continue }
            guard replace else {
                throw UnitifyError.failed("\(UnitName.shortName(unit)) is already \(current.state): add --replace to stop it and start the new one, or choose another --name")
            }
            try stop(unit)
        }
        try files.write(texts)
        return try enableAndStart(texts.map { files.path($0.unit) }, main: spec.timerName ?? spec.name)
    }

    /// No daemon-reload unless a loaded unit needs one: the manager loads a new file on first use,
    /// and a reload re-parses every transient unit from the file systemd wrote for it, which in
    /// systemd 252 mangles `$` and `;` in their command lines (seen: `$` → `\$$`, `;` → `\;`),
    /// so it would corrupt the next restart of every other job.
    func enableAndStart(_ paths: [String], main: String) throws -> UnitStatus {
        try reloadIfNeeded(paths.map { String($0[$0.index(after: $0.lastIndex(of: "/")!)...]) })
        try manager.enableUnitFiles(paths)
        try manager.subscribe()
        let result = try manager.waitForJob(try manager.startUnit(main))
        let status = try status(of: main)
        guard result == "done" || !status.neverRan else {
            throw UnitifyError.failed("\(UnitName.shortName(main)) did not start: \(status.explanation ?? "the start job ended with '\(result)'"); its file stays in place, see 'unitify status \(UnitName.shortName(main))'")
        }
        return status
    }

    /// `install`: the running transient unit becomes a unit file with the same command,
    /// environment, directory, restart policy, limits, outputs and timer; then the transient one
    /// is stopped and let go (it shadows the file while loaded), and the file's unit is enabled
    /// and started.
    public func install(_ unit: String, files: UnitFiles, template: String?) throws -> InstallReport {
        let spec = try transientSpec(of: unit)
        let texts = try UnitFile.texts(spec, commandLine: spec.description, template: template)
        for (name, _) in texts where files.isForeign(name) {
            throw UnitifyError.failed("\(files.path(name)) exists and was not written by unitify: remove it, or keep the job transient")
        }
        try files.write(texts)
        let stopped = monotonicMicroseconds()
        try manager.subscribe()
        for (name, _) in texts.reversed() {
            _ = try? manager.waitForJob(try manager.stopUnit(name))
            try? manager.resetFailedUnit(name)
        }
        // The transient unit (and its file in $XDG_RUNTIME_DIR) must be gone before the
        // persistent one can load.
        for (name, _) in texts {
            _ = try watch(name, until: monotonicMicroseconds() + 5_000_000) { $0.isNotFound || $0.kind != .transient }
        }
        let status = try enableAndStart(texts.map { files.path($0.unit) }, main: spec.timerName ?? spec.name)
        return InstallReport(status: status, files: texts.map { files.path($0.unit) }, downtime: TimeSpan(microseconds: monotonicMicroseconds() - stopped))
    }

    /// `uninstall`: stop, disable, delete the files, reload, reset-failed. Files unitify did not
    /// write are refused unless `force`.
    public func uninstall(_ unit: String, files: UnitFiles, force: Bool) throws -> [String] {
        let timer = UnitName.shortName(unit) + ".timer"
        let present = [unit, timer].filter { lstatKind(files.path($0)) != nil }
        guard !present.isEmpty else {
            let loaded = try status(of: unit)
            let hint = loaded.kind == .transient ? ": it is a transient job, stop it with 'unitify stop \(UnitName.shortName(unit))'" : ""
            throw UnitifyError.notFound("no unit file for \(UnitName.shortName(unit)) in \(files.directory)\(hint)")
        }
        if !force, let foreign = present.first(where: files.isForeign) {
            throw UnitifyError.failed("\(files.path(foreign)) was not written by unitify: add --force to remove it anyway")
        }
        try manager.subscribe()
        for name in present.reversed() {
            if let job = try? manager.stopUnit(name) { _ = try? manager.waitForJob(job) }
        }
        try manager.disableUnitFiles(present)
        for name in present { try files.remove(name) }
        // Stopped and reset, the units are unloaded: no daemon-reload needed (see enableAndStart).
        for name in present { try? manager.resetFailedUnit(name) }
        return present.map(files.path)
    }

    /// The spec of a loaded transient unit of unitify's, read back from its live properties
    /// (and, for its output files, which the bus does not expose, from systemd's transient file).
    public func transientSpec(of unit: String) throws -> UnitSpec {
        let p = try manager.unitProperties(unit)
        let short = UnitName.shortName(unit)
        guard p["LoadState"]?.string.flatMap(LoadState.init) == .loaded else {
            throw UnitifyError.notFound("no unit named \(short) is loaded: 'unitify status' lists yours")
        }
        guard p["Slice"]?.string == UnitSpec.slice else {
            throw UnitifyError.failed("\(short) was not started by unitify: only its own jobs can be installed")
        }
        guard p["Transient"]?.bool == true else {
            throw UnitifyError.failed("\(short) is already persistent (\(p["FragmentPath"]?.string ?? "")): nothing to install")
        }
        guard let exec = p["ExecStart"].flatMap(ExecCommand.init) else {
            throw UnitifyError.failed("\(short) has no command to install")
        }
        var spec = UnitSpec(
            name: unit, argv: exec.argv, executable: exec.path,
            workingDirectory: p["WorkingDirectory"]?.string ?? "/",
            environment: p["Environment"]?.stringArray ?? [],
            restart: RestartPolicy(rawValue: p["Restart"]?.string ?? "no") ?? .no,
            description: p["Description"]?.string)
        if spec.restart != .no { spec.restartDelay = p["RestartUSec"]?.uint64.map { TimeSpan(microseconds: $0) } }
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
        if let fragment = p["FragmentPath"]?.string, let text = try? LiveHost().readText(fragment) {
            spec.standardOutput = Self.outputTarget(UnitFileText.lastValue(of: "StandardOutput", in: text))
            spec.standardError = Self.outputTarget(UnitFileText.lastValue(of: "StandardError", in: text))
            if spec.standardError == .journal, UnitFileText.lastValue(of: "StandardError", in: text) == nil {
                spec.standardError = spec.standardOutput
            }
            if let input = UnitFileText.lastValue(of: "StandardInput", in: text), input.hasPrefix("file:") {
                spec.standardInput = String(input.dropFirst(5))
            }
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

    func reloadIfNeeded(_ units: [String]) throws {
        for unit in units where try manager.unitProperty(unit, interface: "org.freedesktop.systemd1.Unit", property: "NeedDaemonReload")?.bool == true {
            try manager.reload()
            return
        }
    }

    static func outputTarget(_ value: String?) -> OutputTarget {
        value.flatMap(OutputTarget.init(setting:)) ?? .journal
    }
}

/// Whether the user's manager outlives their last session and starts at boot (logind's linger).
/// Without it logind stops `user@UID.service`, and every job in it, `UserStopDelaySec=` after the
/// last session ends: the one thing nohup does that a user unit would not.
public enum Linger {
    /// What `ensure` found or did.
    public enum Outcome: Equatable {
        /// On already, or the manager is not logind's (no system bus): nothing stops it at logout.
        case unneeded
        /// Off, and now on.
        case enabled
        /// Off, and left so on request.
        case leftOff
        /// Off, and logind would not turn it on: the reason.
        case refused(String)
    }

    /// Turns linger on for the caller when it is off, unless `enable` is false.
    public static func ensure(enable: Bool) -> Outcome {
        let caller = Caller.current
        guard let bus = try? Bus.system() else { return .unneeded }
        switch Logind.lingers(bus, uid: caller.uid) {
        case .success(true):
            return .unneeded
        case .failure(let error):
            // logind not answering, yet a linger file: logind starts the manager at boot anyway.
            if pathExists("/var/lib/systemd/linger/\(caller.user)") { return .unneeded }
            return .refused(Logind.reason(error))
        case .success(false):
            guard enable else { return .leftOff }
        }
        do {
            let message = try bus.methodCall(
                destination: Logind.destination, path: Logind.path, interface: "org.freedesktop.login1.Manager", member: "SetUserLinger")
            try message.append(.uint32(caller.uid), .bool(true), .bool(false))
            _ = try bus.call(message, timeoutMicroseconds: Logind.timeout)
            return .enabled
        } catch {
            return .refused(Logind.reason(error))
        }
    }

    /// The lines that tell the caller what `ensure` found, for the job `unit`; nil when all is well
    /// and nothing changed.
    public static func report(_ outcome: Outcome, unit: String) -> String? {
        let user = Caller.current.user
        let short = UnitName.shortName(unit)
        switch outcome {
        case .unneeded:
            return nil
        case .enabled:
            return "enabled linger for \(user): your jobs keep running after you log out, and persistent ones start at boot (undo: loginctl disable-linger \(user))"
        case .leftOff:
            return "warning: linger is off for \(user): \(short) stops when your last session ends; run without --no-linger, or 'loginctl enable-linger \(user)', to keep it running"
        case .refused(let reason):
            return "warning: \(short) will stop when your last session ends: linger is off for \(user) and cannot be enabled (\(reason)); ask an administrator to run 'loginctl enable-linger \(user)'"
        }
    }
}
