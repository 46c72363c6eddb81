/// The systemd service manager's D-Bus API (org.freedesktop.systemd1(5)): the calls unitify makes,
/// each one typed, over a `Bus` connected to the manager.
public final class Manager {
    public static let destination = "org.freedesktop.systemd1"
    public static let objectPath = "/org/freedesktop/systemd1"
    public static let interface = "org.freedesktop.systemd1.Manager"

    public let bus: Bus

    public init(bus: Bus) {
        self.bus = bus
    }

    /// The object path of a unit, derived without a round trip (systemd's `unit_dbus_path_from_name`).
    public static func unitPath(_ unit: String) -> String {
        objectPath + "/unit/" + labelEscape(unit)
    }

    /// `bus_label_escape`: every byte outside `[A-Za-z0-9]` becomes `_HH`.
    static func labelEscape(_ text: String) -> String {
        if text.isEmpty { return "_" }
        let hex = Array("0123456789abcdef")
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "_" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0xF)])
            }
        }
        return out
    }

    func managerCall(_ member: String, _ arguments: BusValue...) throws(SystemdError) -> BusMessage {
        let message = try bus.methodCall(destination: Self.destination, path: Self.objectPath, interface: Self.interface, member: member)
        for argument in arguments { try message.append(argument) }
        return try bus.call(message)
    }

    /// Asks for `JobRemoved` and `PropertiesChanged` signals. On the private socket the manager
    /// sends them unasked (`bus_foreach_bus` in systemd's src/core/dbus.c), so this is a round trip
    /// only through a bus broker, which must also be told to route them here.
    public func subscribe() throws(SystemdError) {
        guard bus.isBusClient else { return }
        try bus.addMatch("type='signal',sender='\(Self.destination)',interface='\(Self.interface)',member='JobRemoved'")
        _ = try managerCall("Subscribe")
    }

    /// Asks for `PropertiesChanged` of one unit (on a direct connection they come anyway).
    public func watchProperties(of unit: String) throws(SystemdError) {
        try bus.addMatch(
            "type='signal',sender='\(Self.destination)',path='\(Self.unitPath(unit))',interface='org.freedesktop.DBus.Properties',member='PropertiesChanged'")
    }

    /// `StartTransientUnit(s name, s mode, a(sv) properties, a(sa(sv)) aux)`; returns the job path.
    public func startTransientUnit(
        _ name: String, properties: [(String, BusValue)], auxiliary: [(String, [(String, BusValue)])] = [], mode: String = "fail"
    ) throws(SystemdError) -> String {
        let reply = try managerCall(
            "StartTransientUnit", .string(name), .string(mode), Self.propertyArray(properties),
            .array(element: "(sa(sv))", auxiliary.map { .structure([.string($0.0), Self.propertyArray($0.1)]) }))
        return try reply.read()?.string ?? ""
    }

    static func propertyArray(_ properties: [(String, BusValue)]) -> BusValue {
        .array(element: "(sv)", properties.map { .structure([.string($0.0), .variant($0.1)]) })
    }

    /// `StopUnit(s name, s mode)`; returns the job path.
    public func stopUnit(_ name: String, mode: String = "replace") throws(SystemdError) -> String {
        try managerCall("StopUnit", .string(name), .string(mode)).read()?.string ?? ""
    }

    /// `StartUnit(s name, s mode)`; returns the job path.
    public func startUnit(_ name: String, mode: String = "replace") throws(SystemdError) -> String {
        try managerCall("StartUnit", .string(name), .string(mode)).read()?.string ?? ""
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

    public func resetFailedUnit(_ name: String) throws(SystemdError) {
        _ = try managerCall("ResetFailedUnit", .string(name))
    }

    /// Every property of every interface of a unit, in one round trip (`GetAll` with an empty
    /// interface, as systemctl show does). An unknown unit comes back with `LoadState=not-found`.
    public func unitProperties(_ name: String) throws(SystemdError) -> [String: BusValue] {
        let message = try bus.methodCall(
            destination: Self.destination, path: Self.unitPath(name), interface: "org.freedesktop.DBus.Properties", member: "GetAll")
        try message.append(.string(""))
        return try bus.call(message).readProperties()
    }

    /// Chosen properties of many units, each asked with `Get`, all calls pipelined: far less for
    /// the manager to serialise than `GetAll`, and one round trip of latency for the lot. A
    /// property the unit does not have (a timer has no `MainPID`) is simply absent.
    public func unitProperties(_ units: [String], _ properties: [(interface: String, name: String)]) throws(SystemdError) -> [[String: BusValue]] {
        var values = [[String: BusValue]](repeating: [:], count: units.count)
        guard !properties.isEmpty else { return values }
        let paths = units.map(Self.unitPath)
        try bus.callPipelined(count: units.count * properties.count) { (index) throws(SystemdError) in
            let (interface, name) = properties[index % properties.count]
            let message = try bus.methodCall(
                destination: Self.destination, path: paths[index / properties.count],
                interface: "org.freedesktop.DBus.Properties", member: "Get")
            try message.append(.string(interface), .string(name))
            return message
        } reply: { (index, result) throws(SystemdError) in
            if case .success(let reply) = result, let value = try reply.read() {
                values[index / properties.count][properties[index % properties.count].name] = value.unwrapped
            }
        }
        return values
    }

    /// One property of one interface of a unit.
    public func unitProperty(_ name: String, interface: String, property: String) throws(SystemdError) -> BusValue? {
        let message = try bus.methodCall(
            destination: Self.destination, path: Self.unitPath(name), interface: "org.freedesktop.DBus.Properties", member: "Get")
        try message.append(.string(interface), .string(property))
        return try bus.call(message).read()?.unwrapped
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
