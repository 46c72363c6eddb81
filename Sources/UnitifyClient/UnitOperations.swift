import Glibc
import Systemd
import UnitifyCore

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
        let lock = NameLock(spec.name, in: scope.lockDirectory)
        defer { lock.release() }
        try manager.subscribe()
        let units = [spec.name] + (spec.timerName.map { [$0] } ?? [])
        if replace {
            for unit in units { try clearLeftover(unit, owner: spec.name, stopRunning: true) }
        }
        var job = try? startUnit(spec, keepLoaded: keepLoaded)
        if job == nil {
            // Most often the name is taken (org.freedesktop.systemd1.UnitExists); anything else
            // shows up again, with its reason, on the second attempt.
            for unit in units { try clearLeftover(unit, owner: spec.name, stopRunning: false) }
            switch Result(catching: { () throws(SystemdError) in try startUnit(spec, keepLoaded: keepLoaded) }) {
            case .success(let started):
                job = started
            case .failure(let error) where error.busErrorName == "org.freedesktop.systemd1.UnitExists":
                // Someone else started it between our clean-up and our start.
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

    func startUnit(_ spec: UnitSpec, keepLoaded: Bool) throws(SystemdError) -> String {
        var service = spec.serviceProperties
        if keepLoaded { service.append(("AddRef", .bool(true))) }
        guard let timerName = spec.timerName, let timer = spec.timerProperties else {
            return try manager.startTransientUnit(spec.name, properties: service)
        }
        return try manager.startTransientUnit(timerName, properties: timer, auxiliary: [(spec.name, service)])
    }

    /// Makes way for a new unit of the same name, or explains why it cannot. Only units in
    /// unitify's slice (and their timers) are touched.
    func clearLeftover(_ unit: String, owner service: String, stopRunning: Bool) throws {
        // One GetAll, so the state is read at one instant: separate Gets could pair the state of
        // a leftover with that of a new unit a concurrent run just started.
        let leftover = UnitStatus(properties: try manager.unitProperties(unit), unit: unit)
        guard !leftover.isNotFound else { return }
        let ours = try manager.unitProperty(service, interface: "org.freedesktop.systemd1.Service", property: "Slice")?.string == UnitSpec.slice
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

    /// Stops a unit (and the timer that starts it) and waits until it is down.
    public func stop(_ unit: String) throws {
        let before = try status(of: unit)
        guard !before.isNotFound else {
            throw UnitifyError.notFound("no unit named \(UnitName.shortName(unit)): 'unitify status' lists yours")
        }
        try manager.subscribe()
        var units = [unit]
        if unit.hasSuffix(".service") {
            units = (try manager.unitProperty(unit, interface: "org.freedesktop.systemd1.Unit", property: "TriggeredBy")?.stringArray ?? []) + units
        }
        for name in units {
            _ = try manager.waitForJob(try manager.stopUnit(name))
            try? manager.resetFailedUnit(name)
        }
    }

    /// Watches a freshly started unit for `window`: returns early as soon as it has failed, exited
    /// or begun restarting, so a crash is reported instead of hidden as nohup hides it.
    public func settle(_ unit: String, within window: TimeSpan) throws -> UnitStatus {
        try watch(unit, until: monotonicMicroseconds() + window.microseconds) { $0.hasSettled }
    }

    /// Waits until the job has ended for good. A job whose policy restarts it is given its
    /// restart delay (and a little more) to be restarted before its end is taken as final: the
    /// state alone does not tell a pending restart from one refused by the start limit.
    public func waitUntilEnded(_ unit: String) throws -> UnitStatus {
        while true {
            let ended = try watch(unit, until: nil) { $0.hasEnded }
            guard ended.restartsOnThisResult else { return ended }
            let grace = (ended.restartDelay?.microseconds ?? 100_000) + 1_000_000
            let after = try watch(unit, until: monotonicMicroseconds() + grace) { !$0.hasEnded }
            if after.hasEnded { return after }
        }
    }

    /// Re-reads the unit's status whenever the manager says it changed, until `done` holds or the
    /// deadline (monotonic microseconds) passes.
    func watch(_ unit: String, until deadline: UInt64?, _ done: (UnitStatus) -> Bool) throws -> UnitStatus {
        let path = Manager.unitPath(unit)
        try manager.watchProperties(of: unit)
        var status = try status(of: unit)
        while !done(status) {
            let now = monotonicMicroseconds()
            if let deadline, now >= deadline { break }
            guard let message = try manager.bus.nextMessage(timeoutMicroseconds: deadline.map { $0 - now }) else { break }
            if message.path == path { status = try self.status(of: unit) }
        }
        return status
    }

    public func status(of unit: String) throws(SystemdError) -> UnitStatus {
        try statuses(of: [unit])[0]
    }

    /// The file the job's stdout goes to (`--log-file`, `--stdout`), or nil for the journal:
    /// what `journal NAME` needs to know, for two `Get`s rather than a whole status.
    public func logFile(of unit: String) throws(SystemdError) -> String? {
        let fields = [(interface: "org.freedesktop.systemd1.Service", name: "StandardOutput"),
                      (interface: "org.freedesktop.systemd1.Unit", name: "FragmentPath")]
        var status = UnitStatus(properties: try manager.unitProperties([unit], fields)[0], unit: unit)
        status.completeOutputs()
        return status.logFile
    }

    static func fields(_ table: [StatusProperty]) -> [(interface: String, name: String)] {
        table.map { ($0.interface.rawValue, $0.name) }
    }

    /// The status of many units: only the properties status shows, asked all at once (see
    /// `manager.unitProperties(_:_:)`), then the timers of timer-driven services.
    public func statuses(of units: [String]) throws(SystemdError) -> [UnitStatus] {
        let timers = units.filter { $0.hasSuffix(".timer") }
        let services = units.filter { !$0.hasSuffix(".timer") }
        var byName: [String: UnitStatus] = [:]
        for (group, table) in [(services, StatusProperty.unit + StatusProperty.service), (timers, StatusProperty.unit + StatusProperty.timer)] where !group.isEmpty {
            for (unit, properties) in zip(group, try manager.unitProperties(group, Self.fields(table))) {
                byName[unit] = UnitStatus(properties: properties, unit: unit)
            }
        }
        let triggered = services.compactMap { unit in byName[unit]?.triggeredBy.first.map { (unit, $0) } }
        if !triggered.isEmpty {
            let fields = [(interface: StatusProperty.Interface.unit.rawValue, name: "ActiveState")] + Self.fields(StatusProperty.timer)
            for ((unit, _), timer) in zip(triggered, try manager.unitProperties(triggered.map(\.1), fields)) {
                byName[unit]?.kind = .timer
                byName[unit]?.timerActive = timer["ActiveState"]?.string.flatMap(ActiveState.init) == .active
                byName[unit]?.nextElapse = timer["NextElapseUSecRealtime"].flatMap(StatusProperty.nextElapse)
            }
        }
        return units.map { unit in
            var status = byName[unit] ?? UnitStatus(unit: unit)
            status.completeOutputs()
            return status
        }
    }

    /// The names of the loaded units in unitify's slice.
    public func managedUnits() throws(SystemdError) -> [String] {
        let members = try manager.unitProperty(UnitSpec.slice, interface: "org.freedesktop.systemd1.Unit", property: "SliceOf")
        return (members?.stringArray ?? []).sorted()
    }

    /// The cgroup controllers delegated to this manager (cgroup v2's `cgroup.controllers` of its
    /// own cgroup); without `memory` or `cpu` there, MemoryMax= and CPUQuota= are silently ignored.
    public func delegatedControllers() -> Set<String> {
        guard let group = (try? manager.property("ControlGroup"))??.string else { return [] }
        for root in ["/sys/fs/cgroup/unified", "/sys/fs/cgroup"] {
            let path = root + group + "/cgroup.controllers"
            guard let file = fopen(path, "r") else { continue }
            defer { fclose(file) }
            var line = [CChar](repeating: 0, count: 4096)
            guard fgets(&line, Int32(line.count), file) != nil else { return [] }
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return Set(text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
        }
        return []
    }
}

extension UnitStatus {
    /// The bus does not say where a file-backed StandardOutput= points: the unit file does.
    mutating func completeOutputs() {
        guard standardOutput.hasSuffix(":") || standardError.hasSuffix(":"),
              let fragmentPath, let text = try? LiveHost().readText(fragmentPath) else { return }
        standardOutput = UnitFileText.lastValue(of: "StandardOutput", in: text) ?? standardOutput
        standardError = UnitFileText.lastValue(of: "StandardError", in: text) ?? standardOutput
    }
}

/// An advisory lock per unit name in the manager's runtime directory, held while a run decides and starts.
/// The holder removes the file on release, so names run once leave nothing behind; a waiter that
/// then gets the lock on the removed file takes the lock again on the file now at the path.
struct NameLock {
    let path: String
    let fd: Int32

    init(_ unit: String, in directory: String) {
        mkdir(directory, 0o700)
        path = directory + "/" + unit + ".lock"
        var fd: Int32
        while true {
            fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else { break }
            while flock(fd, LOCK_EX) != 0 && errno == EINTR {}
            if Self.isStillAtPath(fd, path) { break }
            close(fd)
        }
        self.fd = fd
    }

    static func isStillAtPath(_ fd: Int32, _ path: String) -> Bool {
        var held = stat(), named = stat()
        return fstat(fd, &held) == 0 && stat(path, &named) == 0 && held.st_dev == named.st_dev && held.st_ino == named.st_ino
    }

    func release() {
        guard fd >= 0 else { return }
        unlink(path)
        close(fd)
    }
}
