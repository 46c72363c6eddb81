import UnitifyCore

/// The targets of a command that works on them again and again (`top`'s frames): this machine
/// is made once, so that its manager connection serves every round; the hosts are reached again
/// each round, over their warm ssh masters, as `Targets.run` reaches them.
public final class TargetSet {
    public let hosts: [HostAddress]
    /// How many hosts are reached at once.
    public let parallel: Int
    /// This machine, when no host is named.
    private let here: ThisMachine?
    /// The whole command, for one host's own unitify to run when it is this one: offered with
    /// the first round only (`Targets.run(delegating:)`).
    private var delegation: Delegation?

    public init(scope: ManagerScope, hosts: [HostAddress], parallel: Int = Fleet.defaultParallel, delegating delegation: Delegation? = nil) {
        self.hosts = hosts
        self.parallel = parallel
        self.delegation = delegation
        here = hosts.isEmpty ? ThisMachine(scope) : nil
    }

    /// `operation` on every target, at once; the outcomes in the order of the targets.
    public func run(_ operation: @escaping TargetOperation) -> [TargetOutcome] {
        if let here { return [Targets.outcome(of: operation, on: here)] }
        defer { delegation = nil }
        return Targets.run(onHosts: hosts, parallel: parallel, delegating: delegation, operation)
    }
}
