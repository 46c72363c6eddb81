import Glibc
import Systemd
import UnitifyCore

/// unitify's jobs on one service manager: every operation the commands perform (start, stop,
/// status, persist...) over one connection to that manager. The connection is made outside, so
/// the same operations run over any bus that reaches a manager: the caller's own user manager
/// (`user()`), the system manager (`system()`), or one a caller connected itself (`init(bus:)`).
/// The connection closes when the last reference to this goes away.
public final class Jobs {
    /// The manager's D-Bus API, over the bus this was given.
    let manager: Manager
    /// Whose manager it is: where its unit files, locks and journal lines are.
    public let scope: ManagerScope
    /// Where the jobs' unit files, records and locks are: on the manager's machine.
    public let storage: JobStorage
    /// The options that name this manager again in a hint (`--host H`, `--system`), so that
    /// "'unitify status' lists yours" points at the right place.
    public var options = TargetOptions.none
    /// The manager's systemd release, once asked (`systemdRelease()`): nil inside when it has not
    /// been asked yet, nil outside when its `Version` could not be read.
    var release: Int??

    /// Jobs on the manager at the other end of `bus`, their files in `storage`: this machine's
    /// unless another host's are given, which says that the manager is there too.
    public init(bus: Bus, scope: ManagerScope = .user, storage: JobStorage? = nil) {
        manager = Manager(bus: bus)
        self.scope = scope
        self.storage = storage ?? .local(scope)
        options = self.storage.isOnThisMachine ? .thisMachine(scope) : scope.isSystem ? .system : .none
    }

    /// Whether the manager runs on this machine, so that its jobs' processes are in this /proc
    /// (for accounting the manager does not report).
    public var isLocal: Bool { storage.isOnThisMachine }

    /// " there" in words about another host's jobs (one this unitify serves a client's --host
    /// for too), "" about this machine's.
    var there: String { storage.isOnThisMachine && ServedClient.host == nil ? "" : " there" }

    /// A connection to the manager of `scope`. `throughBroker`: through the user or system bus
    /// rather than the manager's private socket, for calls that need the broker's client tracking
    /// (`AddRef`). `storage`: this machine's for `scope`, when the caller has it already.
    public static func connect(_ scope: ManagerScope, throughBroker: Bool = false, storage: JobStorage? = nil) throws(UnitifyError) -> Jobs {
        switch scope {
        case .user: try user(throughBroker: throughBroker, storage: storage)
        case .system: try system(throughBroker: throughBroker, storage: storage)
        }
    }

    /// The calling user's service manager, found through `$XDG_RUNTIME_DIR` (`ManagerLocation`),
    /// with the usual ways this fails explained instead of a bare errno.
    ///
    /// - Parameter throughBroker: connect through the user bus rather than the manager's private
    ///   socket, for calls that need the broker's client tracking (`AddRef`).
    public static func user(throughBroker: Bool = false, storage: JobStorage? = nil) throws(UnitifyError) -> Jobs {
        let location = ManagerLocation.current()
        if let obstacle = location.obstacle { throw UnitifyError.unreachable(obstacle) }
        let runtime = location.runtimeDirectory ?? ""
        do {
            if throughBroker, let bus = try? Bus.userBus(runtimeDirectory: runtime) { return Jobs(bus: bus, storage: storage) }
            return Jobs(bus: try Bus.userManager(runtimeDirectory: runtime), storage: storage)
        } catch {
            throw UnitifyError.unreachable(.connectFailed(
                socket: location.socket ?? runtime, reason: describe(errno: error.errno), permissionDenied: error.errno == EACCES))
        }
    }

    /// The system manager, for `--system` (root only): its private socket, as systemctl does, then
    /// the system bus (first, with `throughBroker`).
    /// When neither way connects, the error is the private socket's (an `EACCES` there says
    /// more than the fallback's); "not PID 1" only when systemd is not booted here.
    public static func system(throughBroker: Bool = false, storage: JobStorage? = nil) throws(UnitifyError) -> Jobs {
        guard geteuid() == 0 else { throw UnitifyError.usage("--system needs root: run it with sudo, or leave --system out for your own user manager") }
        let booted = access("/run/systemd/system", F_OK) == 0
        if throughBroker, booted, let bus = try? Bus.system() { return Jobs(bus: bus, scope: .system, storage: storage) }
        let privateSocket = "/run/systemd/private"
        do {
            return Jobs(bus: try Bus.connect(address: "unix:path=" + privateSocket), scope: .system, storage: storage)
        } catch {
            if booted, let bus = try? Bus.system() { return Jobs(bus: bus, scope: .system, storage: storage) }
            guard booted || error.errno != ENOENT else {
                throw UnitifyError.unreachable("cannot reach the system manager: systemd is not running as PID 1 on this machine; run 'unitify doctor' for details")
            }
            throw UnitifyError.unreachable("cannot reach the system manager at \(privateSocket): \(describe(errno: error.errno)); run 'unitify doctor' for details")
        }
    }
}
