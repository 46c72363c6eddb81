import UnitifyCore

/// This machine as a target: the caller's user manager, or the system's with `--system`.
public final class ThisMachine: Target {
    public let scope: ManagerScope
    public let storage: JobStorage
    private let throughBroker: Bool
    /// The connection once made, or why it could not be, kept apart: a `Once<Result<Jobs, _>>`
    /// costs `run` its generic metadata at start-up (BENCHMARKS.md).
    private var connected: Jobs?
    private var connectFailure: UnitifyError?

    /// `throughBroker`: connected through the user or system bus rather than the manager's
    /// private socket, for `run`, whose job stays loaded until unitify ends (`AddRef`).
    public init(_ scope: ManagerScope, throughBroker: Bool = false) {
        self.scope = scope
        self.throughBroker = throughBroker
        storage = .local(scope)
    }

    /// Nil, or the host as a client named it when this unitify runs for its `--host`
    /// (`ServedClient`): its lines are labelled as the client labels a host's.
    public var hostAddress: HostAddress? { ServedClient.host }

    public var jobs: Jobs {
        get throws(UnitifyError) {
            if let connected { return connected }
            if let connectFailure { throw connectFailure }
            do throws(UnitifyError) {
                // This storage, so that it is not looked up a second time.
                let jobs = try Jobs.connect(scope, throughBroker: throughBroker, storage: storage)
                connected = jobs
                return jobs
            } catch {
                connectFailure = error
                throw error
            }
        }
    }

    public var options: TargetOptions { .thisMachine(scope) }

    public func lastLines(of status: UnitStatus, _ count: Int) throws(UnitifyError) -> [String] {
        try UnitLog.lastLines(of: status, count, scope: scope)
    }

    /// A user job here starts even when logind will not let the user linger: it runs until
    /// their last session ends, which the warning says. Run for a client's --host, that session
    /// is the client's ssh channel: refused, as the client refuses it through the bridge.
    public func ensureLinger(_ enable: Bool, for unit: String, quiet: Bool, into report: inout TargetReport) throws(UnitifyError) {
        guard !scope.isSystem else { return }
        let outcome = Linger.ensure(enable: enable)
        if ServedClient.host != nil, case .refused(let reason) = outcome {
            throw Linger.refusedOverSSH(user: Caller.current.user, unit: unit, reason: reason)
        }
        guard let line = Linger.report(outcome, unit: unit), !(outcome == .enabled && quiet) else { return }
        report.notes.append(line)
    }
}

extension ThisMachine {
    public func healthState(of unit: String) -> HealthState? {
        let runtime = scope.isSystem ? nil : ManagerLocation.current().runtimeDirectory
        return readTextFile(CheckedHealth.stateFile(runtimeDirectory: runtime, unit: unit)).flatMap(HealthState.init(parsing:))
    }
}

extension TargetOptions {
    /// The options that name this machine's manager of `scope` again: `--system`, or, for a
    /// client's `--host` this unitify serves, that host as the client named it.
    public static func thisMachine(_ scope: ManagerScope) -> TargetOptions {
        if let served = ServedClient.host { return .host([served]) }
        return scope.isSystem ? .system : .none
    }
}
