import Glibc
import Systemd
import UnitifyCore

/// What logind says over the system bus, when it can be asked.
struct Logind {
    var state: LogindState
    var killPolicy: LogindKillPolicy?

    static let destination = "org.freedesktop.login1"
    static let path = "/org/freedesktop/login1"
    /// logind answers at once or not at all; a bus that activates it should not hold doctor up.
    static let timeout: UInt64 = 2_000_000

    static func ask(caller: Caller) -> Logind {
        let bus: Bus
        do {
            bus = try Bus.system()
        } catch {
            let reason = error.errno == ENOENT || error.errno == ECONNREFUSED
                ? "no system bus at /run/dbus/system_bus_socket" : "system bus: \(describe(errno: error.errno))"
            return Logind(state: .unreachable(reason: reason))
        }
        do {
            let policy = try killPolicy(bus)
            let linger = try lingers(bus, uid: caller.uid).get()
            return Logind(state: .answered(linger: linger), killPolicy: policy)
        } catch {
            return Logind(state: .unreachable(reason: reason(error)))
        }
    }

    /// Whether logind lets the user linger: its `Linger` property, false for a user logind does
    /// not track (only users with a session or linger are).
    static func lingers(_ bus: Bus, uid: UInt32) -> Result<Bool, SystemdError> {
        Result { () throws(SystemdError) in
            guard let userPath = try userObject(bus, uid: uid) else { return false }
            return try property(bus, path: userPath, interface: "org.freedesktop.login1.User", "Linger")?.bool ?? false
        }
    }

    /// A logind failure in words.
    static func reason(_ error: SystemdError) -> String {
        switch error.busErrorName {
        case "org.freedesktop.DBus.Error.ServiceUnknown": "logind is not running on the system bus"
        case "org.freedesktop.DBus.Error.AccessDenied", "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired":
            "logind says: \(error.busErrorMessage ?? "access denied")"
        default: "logind: \(error.busErrorMessage ?? describe(errno: error.errno))"
        }
    }

    static func userObject(_ bus: Bus, uid: UInt32) throws(SystemdError) -> String? {
        let message = try bus.methodCall(destination: destination, path: path, interface: "org.freedesktop.login1.Manager", member: "GetUser")
        try message.append(.uint32(uid))
        do {
            return try bus.call(message, timeoutMicroseconds: timeout).read()?.string
        } catch where error.busErrorName == "org.freedesktop.login1.NoSuchUser" {
            return nil
        }
    }

    static func killPolicy(_ bus: Bus) throws(SystemdError) -> LogindKillPolicy {
        let manager = "org.freedesktop.login1.Manager"
        return LogindKillPolicy(
            killUserProcesses: try property(bus, path: path, interface: manager, "KillUserProcesses")?.bool,
            killOnlyUsers: try property(bus, path: path, interface: manager, "KillOnlyUsers")?.stringArray ?? [],
            killExcludeUsers: try property(bus, path: path, interface: manager, "KillExcludeUsers")?.stringArray ?? [],
            source: "logind")
    }

    static func property(_ bus: Bus, path: String, interface: String, _ name: String) throws(SystemdError) -> BusValue? {
        try bus.property(destination: destination, path: path, interface: interface, name: name, timeoutMicroseconds: timeout)
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
        return ensure(enable: enable, on: bus, uid: caller.uid, lingerFileExists: pathExists("/var/lib/systemd/linger/\(caller.user)"))
    }

    /// `ensure` with the logind at the other end of `bus`, for user `uid`.
    static func ensure(enable: Bool, on bus: Bus, uid: UInt32, lingerFileExists: @autoclosure () -> Bool) -> Outcome {
        switch Logind.lingers(bus, uid: uid) {
        case .success(true):
            return .unneeded
        case .failure(let error):
            // logind not answering, yet a linger file: logind starts the manager at boot anyway.
            if lingerFileExists() { return .unneeded }
            return .refused(Logind.reason(error))
        case .success(false):
            guard enable else { return .leftOff }
        }
        do {
            let message = try bus.methodCall(
                destination: Logind.destination, path: Logind.path, interface: "org.freedesktop.login1.Manager", member: "SetUserLinger")
            try message.append(.uint32(uid), .bool(true), .bool(false))
            _ = try bus.call(message, timeoutMicroseconds: Logind.timeout)
            return .enabled
        } catch {
            return .refused(Logind.reason(error))
        }
    }

    /// The lines that tell the caller what `ensure` found, for the job `unit`; nil when all is well
    /// and nothing changed.
    public static func report(_ outcome: Outcome, unit: String, user: String = Caller.current.user) -> String? {
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
