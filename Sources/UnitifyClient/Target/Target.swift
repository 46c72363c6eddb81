import UnitifyCore

/// Where jobs live: this machine (`ThisMachine`) or another host reached over ssh
/// (`RemoteTarget`). A command's logic is an operation on a target that reports what it did
/// (`TargetReport`); it never asks which kind of target it has, so that what a command does here
/// and on another host is one piece of code.
public protocol Target {
    /// The host, which the target's lines are printed after; nil for this machine.
    var hostAddress: HostAddress? { get }
    /// The jobs on the target's manager, connected on first use (here, a command that only reads
    /// files needs no manager).
    var jobs: Jobs { get throws(UnitifyError) }
    /// Where the target's jobs keep their files and records, on the manager's machine.
    var storage: JobStorage { get }
    /// The options that name this target again in a hint: `--host H`, `--system`, or none.
    var options: TargetOptions { get }
    /// The machine a job's command, directory and paths are looked up on and its pid file is
    /// written on: this one, or the host as its ssh login sees it (read at each call, one ssh
    /// channel there: an operation reads it once and keeps it).
    func jobSite() throws(UnitifyError) -> any WritableJobSite
    /// The cgroup controllers delegated to the target's manager, for the warning that MemoryMax=
    /// and CPUQuota= would do nothing without theirs; nil when that cannot be said or cannot matter.
    func delegatedControllers() throws(UnitifyError) -> Set<String>?
    /// What the health checker of `unit` last wrote where the job runs (`CheckedHealth.directory`);
    /// nil when it wrote nothing yet.
    func healthState(of unit: String) -> HealthState?
    /// A job's last lines, from its log file or the journal, read where the job runs.
    func lastLines(of status: UnitStatus, _ count: Int) throws(UnitifyError) -> [String]
    /// Linger for the user, before a job of theirs starts: turned on when off, unless `enable`
    /// is false; what was found or done in the notes when it matters (not that it was turned
    /// on, when `quiet`). Throws when the job must not start without it.
    func ensureLinger(_ enable: Bool, for unit: String, quiet: Bool, into report: inout TargetReport) throws(UnitifyError)

    // What `journal` and `doctor` read, where the jobs run.

    /// The lines of `query` in the target's journal: sd-journal here, `journalctl -o export`
    /// over ssh there; printed on `output` after the host, padded to `hostWidth` (none here).
    func journal(_ query: LogQuery, hostWidth: Int, on output: Output) throws -> any JournalSource
    /// A job's log file (`--log-file`), read on the target's disk: its last `lines` (all when
    /// nil), and what comes after them when it will be followed.
    func logFile(_ path: String, lines: Int?, follow: Bool, hostWidth: Int, on output: Output) -> any JournalSource
    /// A job's runs in the journal, oldest first: each invocation ID with the time of its last
    /// entry (`journal --run`).
    func runs(of unit: String) throws -> [(id: String, end: UInt64)]
    /// The facts `doctor` judges (`Check`), gathered on the target for the user jobs run as there.
    func doctorFacts() -> DoctorFacts
}

extension Target {
    /// " there" on another host, for the words that would be ambiguous without it.
    public var there: String { hostAddress == nil ? "" : " there" }
}

/// What an operation said on one target: lines for stdout and notes for stderr, which the
/// executable prints after the target's host (none here), and how its part ended.
public struct TargetReport: Sendable {
    public var lines: [String] = []
    public var notes: [String] = []
    /// The notes that continue the one before them (a crash's last lines, `continueNotes`):
    /// printed without `unitify: ` here, after the host on another.
    public var continuedNotes: Set<Int> = []
    /// The exit status of a part that ran to its end and still failed (a job not running, say).
    public var exitStatus: Int32 = 0
    /// The jobs the part read, for a table or JSON of every target's.
    public var statuses: [UnitStatus] = []
    /// The jobs the part started, for what is said once after every target's lines (the hints).
    public var units: [String] = []

    public init() {}
}

/// What became of an operation on one target: its report, and its failure (the target's own, or
/// reaching it).
public struct TargetOutcome: Sendable {
    public var host: HostAddress?
    /// Nil when the target could not be reached.
    public var report: TargetReport?
    public var failure: UnitifyError?
    /// Whether `failure`'s message names the host already (a connection's does).
    public var failureNamesHost = false
}

/// An operation on one target.
public typealias TargetOperation = @Sendable (any Target, inout TargetReport) throws -> Void

/// Runs operations on this machine, a fleet of one, or on every host at once.
public enum Targets {
    /// `operation` on this machine's manager of `scope` when `hosts` is empty, else on every host,
    /// `parallel` at once; the outcomes in the order of the hosts.
    public static func run(scope: ManagerScope, hosts: [HostAddress], parallel: Int = Fleet.defaultParallel,
                           _ operation: @escaping TargetOperation) -> [TargetOutcome] {
        run(ThisMachine(scope), or: hosts, parallel: parallel, operation)
    }

    /// `operation` on `here` when `hosts` is empty, else on every host at once: for an operation
    /// that needs this machine connected its own way (`ThisMachine(scope, throughBroker:)`).
    /// `probing`: the paths the operation will look at on each host, asked there with the prelude
    /// (`HostFacts`, for `run`).
    /// `prefetching`: commands each host runs as soon as it answers (`Fleet.onEach(prefetching:)`).
    /// `delegating`: the command, for one host's own unitify to run when it has the same one.
    /// `throughBroker`: how the hosts' managers are reached (`RemotePrelude.script`); by default
    /// through their user bus. (Their managers' private sockets saved no round trip, since
    /// `Hello` goes out with the first pipelined calls, and cost far more CPU there with many
    /// clients at once: the manager sends every signal to every peer of that socket. Measured,
    /// BENCHMARKS.md, 2026-12-07.)
    public static func run(_ here: ThisMachine, or hosts: [HostAddress], parallel: Int = Fleet.defaultParallel, throughBroker: Bool? = nil,
                           probing probes: [HostFacts.Probe]? = nil, prefetching: (@Sendable (UInt32) -> [[String]])? = nil,
                           delegating delegation: Delegation? = nil, _ operation: @escaping TargetOperation) -> [TargetOutcome] {
        guard !hosts.isEmpty else { return [outcome(of: operation, on: here)] }
        return run(onHosts: hosts, parallel: parallel, throughBroker: throughBroker ?? true, probing: probes, prefetching: prefetching, delegating: delegation, operation)
    }

    /// `operation` on every host, `parallel` at once, each reached over ssh; the outcomes in the
    /// order of the hosts.
    static func run(onHosts hosts: [HostAddress], parallel: Int, throughBroker: Bool = false, probing probes: [HostFacts.Probe]? = nil,
                    prefetching: (@Sendable (UInt32) -> [[String]])? = nil, delegating delegation: Delegation? = nil,
                    _ operation: @escaping TargetOperation) -> [TargetOutcome] {
        Fleet(hosts: hosts, parallel: parallel).onEach(throughBroker: throughBroker, probing: probes, prefetching: prefetching, delegating: delegation) { reached in outcome(of: operation, on: reached) }.map { host, result in
            switch result {
            case .success(let outcome): outcome
            case .failure(let error): TargetOutcome(host: host, report: nil, failure: error, failureNamesHost: true)
            }
        }
    }

    static func outcome(of operation: (any Target, inout TargetReport) throws -> Void, on target: any Target) -> TargetOutcome {
        var report = TargetReport()
        do {
            try operation(target, &report)
            return TargetOutcome(host: target.hostAddress, report: report)
        } catch {
            let failure = UnitifyError(recognizing: error, overSSH: target.hostAddress != nil) ?? .failed("\(error)")
            return TargetOutcome(host: target.hostAddress, report: report, failure: failure)
        }
    }
}
