internal import CSystemd
import Glibc

/// The systemd service manager's D-Bus API (org.freedesktop.systemd1(5)): the calls unitify makes,
/// each one typed, over a `Bus` connected to the manager.
public final class Manager {
    public static let destination = "org.freedesktop.systemd1"
    public static let objectPath = "/org/freedesktop/systemd1"
    public static let interface = "org.freedesktop.systemd1.Manager"

    public let bus: Bus
    /// Whether this connection has subscribed: a second `Subscribe` of one bus client is refused
    /// ("Client is already subscribed"), and the match would deliver every signal twice.
    private var subscribed = false

    public init(bus: Bus) {
        self.bus = bus
    }

    /// The object path of a unit, derived without a round trip: systemd's `unit_dbus_path_from_name`,
    /// which escapes the name as a bus label. The corresponding C function is `sd_bus_path_encode`.
    public static func unitPath(_ unit: String) -> String {
        var raw: UnsafeMutablePointer<CChar>?
        // Fails only when out of memory.
        guard sd_bus_path_encode(objectPath + "/unit", unit, &raw) >= 0, let raw else { fatalError("sd_bus_path_encode: out of memory") }
        defer { free(raw) }
        return String(cString: raw)
    }

    /// One property of the manager itself (`org.freedesktop.systemd1.Manager`): `Version`, `SystemState`...
    public func property(_ name: String) throws(SystemdError) -> BusValue? {
        try bus.property(destination: Self.destination, path: Self.objectPath, interface: Self.interface, name: name)
    }

    func managerCall(_ member: String, _ arguments: BusValue...) throws(SystemdError) -> BusMessage {
        try managerCall(member, arguments)
    }

    func managerCall(_ member: String, _ arguments: [BusValue]) throws(SystemdError) -> BusMessage {
        let message = try bus.methodCall(destination: Self.destination, path: Self.objectPath, interface: Self.interface, member: member)
        for argument in arguments { try message.append(argument) }
        return try bus.call(message)
    }

    /// Asks for `JobRemoved` and `PropertiesChanged` signals. On the private socket the manager
    /// sends them unasked (`bus_foreach_bus` in systemd's src/core/dbus.c), so this is a round trip
    /// only through a bus broker, which must also be told to route them here.
    public func subscribe() throws(SystemdError) {
        guard bus.isBusClient, !subscribed else { return }
        _ = try subscribing(nil)
    }

    /// The match for `JobRemoved` and `Subscribe`, sent together, and `then` (a manager call)
    /// right behind them: one round trip for all (`callPipelined`), where one after the other
    /// would cost one each; over ssh that is the link's round trip. The broker and the manager
    /// take a connection's messages in order, so the match is in place before `then` starts a
    /// job whose end it must see. Returns `then`'s reply.
    func subscribing(_ then: BusMessage?) throws(SystemdError) -> BusMessage? {
        let match = try bus.methodCall(destination: "org.freedesktop.DBus", path: "/org/freedesktop/DBus", interface: "org.freedesktop.DBus", member: "AddMatch")
        try match.append(.string("type='signal',sender='\(Self.destination)',interface='\(Self.interface)',member='JobRemoved'"))
        let subscribe = try bus.methodCall(destination: Self.destination, path: Self.objectPath, interface: Self.interface, member: "Subscribe")
        let calls = [match, subscribe] + (then.map { [$0] } ?? [])
        var replies: [BusMessage?] = Array(repeating: nil, count: calls.count)
        var failures: [SystemdError?] = Array(repeating: nil, count: calls.count)
        try bus.callPipelined(count: calls.count, call: { calls[$0] }, reply: { index, reply, error in
            replies[index] = reply
            failures[index] = error.map { SystemdError(operation: calls[index].member ?? "call", errno: $0.errno, busErrorName: $0.busErrorName, busErrorMessage: $0.busErrorMessage) }
        })
        if let failure = failures[0] ?? failures[1] { throw failure }
        subscribed = true
        if then != nil, let failure = failures[2] { throw failure }
        return then == nil ? nil : replies[2]
    }

    /// A manager call, after subscribing when this connection has not (`subscribing`): a start
    /// whose job is waited for, in one round trip with its subscription.
    func managerCallSubscribed(_ member: String, _ arguments: [BusValue]) throws(SystemdError) -> BusMessage {
        let message = try bus.methodCall(destination: Self.destination, path: Self.objectPath, interface: Self.interface, member: member)
        for argument in arguments { try message.append(argument) }
        guard bus.isBusClient, !subscribed else { return try bus.call(message) }
        guard let reply = try subscribing(message) else { throw SystemdError(operation: member, errno: EIO) }
        return reply
    }

    /// Asks for `PropertiesChanged` of one unit (on a direct connection they come anyway). Through
    /// a broker the manager sends a unit's changes only while a client is subscribed: unsubscribed,
    /// a wait over ssh would hear nothing and never end.
    public func watchProperties(of unit: String) throws(SystemdError) {
        try subscribe()
        try bus.addMatch(
            "type='signal',sender='\(Self.destination)',path='\(Self.unitPath(unit))',interface='\(Bus.propertiesInterface)',member='PropertiesChanged'")
    }

    /// `StartTransientUnit(s name, s mode, a(sv) properties, a(sa(sv)) aux)`; returns the job path.
    /// `subscribing`: subscribed first when this connection has not, in the same round trip, for
    /// the caller to wait for the start job's end.
    public func startTransientUnit(
        _ name: String, properties: [(String, BusValue)], auxiliary: [(String, [(String, BusValue)])] = [], mode: String = "fail",
        subscribing: Bool = false
    ) throws(SystemdError) -> String {
        let arguments: [BusValue] = [.string(name), .string(mode), Self.propertyArray(properties),
                                     .array(element: "(sa(sv))", auxiliary.map { .structure([.string($0.0), Self.propertyArray($0.1)]) })]
        let reply = subscribing ? try managerCallSubscribed("StartTransientUnit", arguments)
            : try managerCall("StartTransientUnit", arguments)
        return try reply.read()?.string ?? ""
    }

    static func propertyArray(_ properties: [(String, BusValue)]) -> BusValue {
        .array(element: "(sv)", properties.map { .structure([.string($0.0), .variant($0.1)]) })
    }

    /// `StopUnit(s name, s mode)`; returns the job path.
    /// `subscribing`: subscribed first when this connection has not, in the same round trip.
    public func stopUnit(_ name: String, mode: String = "replace", subscribing: Bool = false) throws(SystemdError) -> String {
        let arguments: [BusValue] = [.string(name), .string(mode)]
        return try (subscribing ? managerCallSubscribed("StopUnit", arguments) : managerCall("StopUnit", arguments)).read()?.string ?? ""
    }

    /// `StartUnit(s name, s mode)`; returns the job path.
    public func startUnit(_ name: String, mode: String = "replace") throws(SystemdError) -> String {
        try managerCall("StartUnit", .string(name), .string(mode)).read()?.string ?? ""
    }

    /// `RestartUnit(s name, s mode)`: stops the unit if it runs, then starts it; returns the job path.
    public func restartUnit(_ name: String, mode: String = "replace") throws(SystemdError) -> String {
        try managerCall("RestartUnit", .string(name), .string(mode)).read()?.string ?? ""
    }

    /// `KillUnit(s name, s whom, i signal)`: sends `signal` to the unit's processes; `whom` is
    /// `all` (every process in its cgroup), `main` or `control`.
    public func killUnit(_ name: String, whom: String, signal: Int32) throws(SystemdError) {
        _ = try managerCall("KillUnit", .string(name), .string(whom), .int32(signal))
    }

    /// `GetUnitProcesses(s name)` (238): every process of the unit's cgroup, with its command
    /// line as the manager reads it. None for a unit with no cgroup (ended, or never started).
    public func unitProcesses(_ name: String) throws(SystemdError) -> [(pid: UInt32, command: String)] {
        guard let list = try managerCall("GetUnitProcesses", .string(name)).read(), case .array(_, let processes) = list else { return [] }
        return processes.compactMap { process in
            guard case .structure(let fields) = process, fields.count == 3, case .uint32(let pid) = fields[1], case .string(let command) = fields[2] else { return nil }
            return (pid, command)
        }
    }

    /// `Reload()`: re-reads unit files; the reply comes once the reload is done.
    public func reload() throws(SystemdError) {
        _ = try managerCall("Reload")
    }

    /// `EnableUnitFiles(as files, b runtime, b force)`: the symlinks that `[Install]` asks for.
    public func enableUnitFiles(_ files: [String]) throws(SystemdError) {
        _ = try managerCall("EnableUnitFiles", .strings(files), .bool(false), .bool(true))
    }

    /// `DisableUnitFiles(as files, b runtime)`.
    public func disableUnitFiles(_ names: [String]) throws(SystemdError) {
        _ = try managerCall("DisableUnitFiles", .strings(names), .bool(false))
    }

    /// The names of the loaded units matching any of `patterns` (`ListUnitsByPatterns`, 230).
    public func loadedUnits(matching patterns: [String]) throws(SystemdError) -> [String] {
        guard let list = try managerCall("ListUnitsByPatterns", .strings([]), .strings(patterns)).read(),
              case .array(_, let units) = list else { return [] }
        return units.compactMap { unit in
            guard case .structure(let fields) = unit, case .string(let name)? = fields.first else { return nil }
            return name
        }
    }

    public func resetFailedUnit(_ name: String) throws(SystemdError) {
        _ = try managerCall("ResetFailedUnit", .string(name))
    }

    /// Every property of every interface of a unit, in one round trip (`GetAll` with an empty
    /// interface, as systemctl show does). An unknown unit comes back with `LoadState=not-found`.
    public func unitProperties(_ name: String) throws(SystemdError) -> [String: BusValue] {
        try bus.allProperties(destination: Self.destination, path: Self.unitPath(name))
    }

    /// Chosen properties of many units, each asked with `Get`, all calls pipelined
    /// (`Bus.properties`): far less for the manager to serialise than `GetAll`, and one round trip
    /// of latency for the lot. A property the unit does not have (a timer has no `MainPID`) is
    /// simply absent.
    public func unitProperties(_ units: [String], _ properties: [(interface: String, name: String)]) throws(SystemdError) -> [[String: BusValue]] {
        var values = [[String: BusValue]](repeating: [:], count: units.count)
        guard !properties.isEmpty else { return values }
        let requests = units.map(Self.unitPath).flatMap { path in properties.map { (path: path, interface: $0.interface, name: $0.name) } }
        for (index, value) in try bus.properties(destination: Self.destination, requests).enumerated() {
            if let value { values[index / properties.count][properties[index % properties.count].name] = value }
        }
        return values
    }

    /// One property of one interface of a unit.
    public func unitProperty(_ name: String, interface: String, property: String) throws(SystemdError) -> BusValue? {
        try bus.property(destination: Self.destination, path: Self.unitPath(name), interface: interface, name: property)
    }

    /// Waits for `JobRemoved` of `job` and returns its result: `done`, `failed`, `canceled`,
    /// `timeout`, `dependency` or `skipped`. Subscribe before starting the job.
    public func waitForJob(_ job: String, timeoutMicroseconds: UInt64 = 90_000_000) throws(SystemdError) -> String {
        let deadline = monotonicMicroseconds() + timeoutMicroseconds
        while true {
            let now = monotonicMicroseconds()
            guard now < deadline, let message = try bus.nextMessage(timeoutMicroseconds: deadline - now) else {
                throw SystemdError(operation: "wait for job \(job)", errno: 110 /* ETIMEDOUT */)
            }
            guard message.isSignal(interface: Self.interface, member: "JobRemoved") else { continue }
            let fields = try message.readAll()  // u id, o job, s unit, s result
            if fields.count == 4, fields[1].string == job { return fields[3].string ?? "" }
        }
    }
}
