/// `org.freedesktop.DBus.Properties` on any object of any peer: the one place where property
/// calls are built. Manager, logind and the tests read properties only through these.
extension Bus {
    public static let propertiesInterface = "org.freedesktop.DBus.Properties"

    /// One property (`Get`), variants unwrapped; nil when the reply carries no value.
    public func property(
        destination: String, path: String, interface: String, name: String, timeoutMicroseconds: UInt64 = 0
    ) throws(SystemdError) -> BusValue? {
        try call(try getCall(destination: destination, path: path, interface: interface, name: name),
                 timeoutMicroseconds: timeoutMicroseconds).read()?.unwrapped
    }

    /// Every property of `interface` of one object in one round trip (`GetAll`); with an empty
    /// interface, those of every interface (as `systemctl show` asks the manager).
    public func allProperties(destination: String, path: String, interface: String = "") throws(SystemdError) -> [String: BusValue] {
        let message = try methodCall(destination: destination, path: path, interface: Self.propertiesInterface, member: "GetAll")
        try message.append(.string(interface))
        return try call(message).readProperties()
    }

    /// Many properties, of one object or many, each asked with `Get` and all pipelined (see
    /// `callPipelined`): one round trip of latency for the lot, and far less for the peer to
    /// serialise than a `GetAll` per object. An entry is nil where the object has no such
    /// property (a timer has no `MainPID`, an older systemd no `SliceOf`); any other failed call
    /// throws, so that a listing read while the peer failed is never taken for an empty one.
    public func properties(
        destination: String, _ requests: [(path: String, interface: String, name: String)]
    ) throws(SystemdError) -> [BusValue?] {
        var values = [BusValue?](repeating: nil, count: requests.count)
        try callPipelined(count: requests.count) { (index) throws(SystemdError) in
            let request = requests[index]
            return try getCall(destination: destination, path: request.path, interface: request.interface, name: request.name)
        } reply: { (index, reply, error) throws(SystemdError) in
            if var error {
                guard let name = error.busErrorName, Self.absentPropertyErrors.contains(name) else {
                    error.operation = "read \(requests[index].name) of \(requests[index].path)"
                    throw error
                }
                return
            }
            values[index] = try reply.read()?.unwrapped
        }
        return values
    }

    /// The errors of a `Get` that mean the object has no such property or interface, as sd-bus
    /// and systemd answer them: an absence, not a failure.
    static let absentPropertyErrors: Set<String> = [
        "org.freedesktop.DBus.Error.UnknownProperty", "org.freedesktop.DBus.Error.UnknownInterface",
        "org.freedesktop.DBus.Error.UnknownObject", "org.freedesktop.DBus.Error.InvalidArgs",
        "org.freedesktop.systemd1.NoSuchUnit",
    ]

    private func getCall(destination: String, path: String, interface: String, name: String) throws(SystemdError) -> BusMessage {
        let message = try methodCall(destination: destination, path: path, interface: Self.propertiesInterface, member: "Get")
        try message.append(.string(interface), .string(name))
        return message
    }
}
