import Glibc
import Systemd
import UnitifyCore

/// Starting a transient job and stopping any job: the leftovers of earlier runs, name clashes,
/// and what is left loaded when a start fails.
extension Jobs {
    /// Starts `spec` (its timer, when it has one) and waits for the start job. A leftover of ours
    /// with the same name (failed, or exited and kept for its status) is cleared first; one still
    /// running is a clash unless `replace`. Nothing stays loaded when the start fails.
    ///
    /// - Parameter keepLoaded: hold a reference to the unit (`AddRef`) so that it stays loaded,
    ///   with its exit status, until this connection closes: what `--wait` needs.
    public func start(_ spec: UnitSpec, replace: Bool = false, keepLoaded: Bool = false) throws -> UnitStatus {
        // Runs of one name on this machine take turns between looking at a leftover and starting:
        // otherwise two could each clear an exited leftover and both start.
        var lock: NameLock?
        if let directory = storage.lockDirectory { lock = try NameLock(spec.name, in: directory) }
        defer { withExtendedLifetime(lock) {} }  // released by its deinit as this returns
        let units = [spec.name] + (spec.timerName.map { [$0] } ?? [])
        if replace {
            try manager.subscribe()
            for unit in units { try clearLeftover(unit, owner: spec.name, stopRunning: true) }
        }
        // Subscribed in the start's own round trip when not yet (`Manager.subscribing`).
        var job = try? startUnit(spec, keepLoaded: keepLoaded, subscribing: true)
        if job == nil {
            try manager.subscribe()
            // Most often the name is taken (org.freedesktop.systemd1.UnitExists); anything else
            // shows up again, with its reason, on the second attempt.
            for unit in units { try clearLeftover(unit, owner: spec.name, stopRunning: false) }
            switch Result(catching: { () throws(SystemdError) in try startUnit(spec, keepLoaded: keepLoaded) }) {
            case .success(let started):
                job = started
            case .failure(let error) where error.busErrorName == "org.freedesktop.systemd1.UnitExists":
                // A persistent job's unit file claims the name, or someone else started it
                // between our clean-up and our start.
                if let existing = try? status(of: spec.name), existing.kind == .persistent, existing.isDown {
                    let short = UnitName.shortName(spec.name)
                    throw UnitifyError.failed("\(short) is installed and stopped: 'unitify start \(short)' starts it (or 'unitify remove \(short)' first, to run a new job of that name)")
                }
                throw UnitifyError.failed("\(UnitName.shortName(spec.name)) is already running: add --replace to stop it and start the new one, or choose another --name")
            case .failure(let error):
                throw error
            }
        }
        let result = try manager.waitForJob(job ?? "")
        let main = spec.timerName ?? spec.name
        let status = try status(of: main)
        // A program that ran and then died is a crash for the caller to report with its log; one
        // that never ran (systemd's own exit codes, 200 and up) did not start, and leaves nothing.
        guard result == "done" || !status.neverRan else {
            for unit in units {
                if let job = try? manager.stopUnit(unit) { _ = try? manager.waitForJob(job) }
                try? manager.resetFailedUnit(unit)
            }
            let why = status.explanation ?? "the start job ended with '\(result)'"
            throw UnitifyError.failed("\(UnitName.shortName(spec.name)) did not start: \(why)")
        }
        return status
    }

    func startUnit(_ spec: UnitSpec, keepLoaded: Bool, subscribing: Bool = false) throws(SystemdError) -> String {
        var service = spec.serviceProperties
        // The manager tracks a reference by the holder's bus name: none on a direct connection.
        if keepLoaded && manager.bus.isBusClient { service.append(("AddRef", .bool(true))) }
        guard let timerName = spec.timerName, let timer = spec.timerProperties else {
            return try manager.startTransientUnit(spec.name, properties: service, subscribing: subscribing)
        }
        return try manager.startTransientUnit(timerName, properties: timer, auxiliary: [(spec.name, service)], subscribing: subscribing)
    }

    /// Makes way for a new unit of the same name, or explains why it cannot. Only units in
    /// unitify's slice (and their timers) are touched.
    func clearLeftover(_ unit: String, owner service: String, stopRunning: Bool) throws {
        // One GetAll, so the state is read at one instant: separate Gets could pair the state of
        // a leftover with that of a new unit a concurrent run just started.
        let properties = try manager.unitProperties(unit)
        let leftover = UnitStatus(properties: properties, unit: unit)
        guard !leftover.isNotFound else { return }
        // The GetAll of every interface has the service's Slice already (a round trip less).
        let slice = unit == service ? properties["Slice"]?.string : nil
        let ours = try (slice ?? manager.unitProperty(service, interface: "org.freedesktop.systemd1.Service", property: "Slice")?.string) == UnitSpec.slice
        let short = UnitName.shortName(unit)
        guard ours else {
            throw UnitifyError.failed("a unit named \(short) already exists and was not started by unitify: choose another --name")
        }
        let clash = UnitifyError.failed(
            "\(short) is already \(leftover.state): add --replace to stop it and start the new one, or choose another --name")
        guard leftover.hasEnded || stopRunning else { throw clash }
        if !leftover.isDown {
            // Without --replace, mode "fail": a start job that a concurrent run just queued is not
            // cancelled; the stop fails instead, and this run reports the clash.
            guard let job = try? manager.stopUnit(unit, mode: stopRunning ? "replace" : "fail") else {
                if stopRunning { throw clash }
                throw UnitifyError.failed("\(short) is already running: add --replace to stop it and start the new one, or choose another --name")
            }
            _ = try manager.waitForJob(job)
        }
        try? manager.resetFailedUnit(unit)
    }

    /// Stops a unit (and the timer that starts it) and waits until it is down. `known`: its
    /// status as just read, with its `TriggeredBy` (none is read again).
    public func stop(_ unit: String, known: UnitStatus? = nil) throws {
        let before = try known ?? status(of: unit)
        guard !before.isNotFound else { throw unknown(unit) }
        var units = [unit]
        if unit.hasSuffix(".service") {
            units = (known != nil ? before.triggeredBy
                : try manager.unitProperty(unit, interface: "org.freedesktop.systemd1.Unit", property: "TriggeredBy")?.stringArray ?? []) + units
        }
        for name in units {
            // A timer's service that has not run yet may be unloaded by now (or between the two
            // stops): nothing to stop.
            // Subscribed in the first stop's own round trip (`Manager.subscribing`).
            switch Result(catching: { () throws(SystemdError) in try manager.stopUnit(name, subscribing: true) }) {
            case .success(let job): _ = try manager.waitForJob(job)
            case .failure(let error) where error.busErrorName == "org.freedesktop.systemd1.NoSuchUnit": continue
            case .failure(let error): throw error
            }
            try? manager.resetFailedUnit(name)
        }
    }
}
