import ArgumentParser
import UnitifyClient
import UnitifyCore

/// `--host`: work on other machines over ssh, with nothing of unitify's needed there (a unitify
/// of this version there, when there is one, runs a one-host command itself: `Delegation`).
struct HostOptions: ParsableArguments {
    @Option(name: .customLong("host"), help: ArgumentHelp(
        "Work on this host over ssh instead of here: [USER@]HOST[:PORT], an ~/.ssh/config alias too, or @GROUP for the hosts of a group of an Ansible inventory (@all for every host); repeat it or separate hosts with commas (default: $UNITIFY_HOST).",
        valueName: "host"))
    var hosts: [String] = []

    @Option(name: .customLong("parallel"), help: ArgumentHelp(
        "With --host, reach at most this many hosts at once (default: \(Fleet.defaultParallel): each costs an ssh master and client and a few descriptors here, far below a laptop's 1024; each host's own timeout frees its place).",
        valueName: "n"))
    var parallel: Int = Fleet.defaultParallel

    @Option(name: .customLong("inventory"), help: ArgumentHelp(
        "The Ansible inventory (INI or YAML) whose groups --host @GROUP names; its ansible_host, ansible_port and ansible_user say how to reach each host (default: the first of $ANSIBLE_INVENTORY, else \(AnsibleInventory.defaultPath)).",
        valueName: "file"))
    var inventory: String?

    func validate() throws {
        guard parallel >= 1 else { throw ValidationError("--parallel must be 1 or more, not \(parallel)") }
    }

    /// The hosts named, else those of `UNITIFY_HOST`; empty for this machine.
    /// `@GROUP` is read from the inventory (`--inventory`, `ANSIBLE_INVENTORY`, /etc/ansible/hosts),
    /// read once and only when a group is named.
    /// None when this unitify runs on a host for a client's `--host` (`ServedClient`): the
    /// words are the client's, and this is the host they named.
    func remoteHosts() throws(UnitifyError) -> [HostAddress] {
        guard ServedClient.host == nil else { return [] }
        var values = hosts
        if values.isEmpty, let fromEnvironment = Environment.value("UNITIFY_HOST"), !fromEnvironment.isEmpty { values = [fromEnvironment] }
        guard !values.isEmpty else { return [] }
        var read: AnsibleInventory?
        return try HostAddress.list(values) { group throws(UnitifyError) in
            if read == nil { read = try AnsibleInventory.load(AnsibleInventory.path(option: inventory)) }
            return try read!.hosts(of: group)
        }
    }

    /// The hosts a command works on, none for this machine; `--system` has no meaning on
    /// another host, where unitify works with the user's manager.
    func remoteHosts(system: Bool) throws(UnitifyError) -> [HostAddress] {
        let hosts = try remoteHosts()
        if !hosts.isEmpty { try Self.refuseSystem(system) }
        return hosts
    }
}

extension HostOptions {
    static func refuseSystem(_ system: Bool) throws(UnitifyError) {
        guard !system else { throw UnitifyError.usage("--system and --host exclude each other: on another host unitify works with your user manager there") }
    }

    /// Runs `operation` on this machine's manager of `scope` (no `hosts`), or on every host at
    /// `parallel` at once, then prints what each said (`report`). Throws the exit status when any failed.
    /// `finally` hears every outcome, after their lines and before the exit.
    /// `records`: the names whose job records the operation reads, printed there with the
    /// prelude (`HostFacts`) rather than read over a channel of their own.
    /// `prefetching`: commands each host starts as soon as it answers (`Fleet.onEach(prefetching:)`).
    /// `throughBroker`: the hosts' user bus rather than their managers' own sockets (`doctor`,
    /// which says which it reached).
    /// `unloadedRecords`: those of every stopped transient job (`HostFacts.Probe.unloadedRecords`).
    /// `delegating`: one host's own unitify runs the whole command when it is this one's
    /// (`delegation`), for a command that needs nothing of this machine's.
    static func act(scope: ManagerScope, hosts: [HostAddress], parallel: Int, labelled: Bool = true, records names: [String] = [],
                    unloadedRecords: Bool = false, prefetching: (@Sendable (UInt32) -> [[String]])? = nil, throughBroker: Bool? = nil,
                    delegating: Bool = false, finally: ([TargetOutcome]) -> Void = { _ in }, _ operation: @escaping TargetOperation) throws {
        let probes = names.compactMap { try? UnitName.normalize($0) }.filter { $0.hasSuffix(".service") }.map(HostFacts.Probe.record)
            + (unloadedRecords ? [.unloadedRecords] : [])
        let outcomes = Targets.run(ThisMachine(scope), or: hosts, parallel: parallel, throughBroker: throughBroker, probing: probes.isEmpty || hosts.isEmpty ? nil : probes,
                                   prefetching: prefetching, delegating: delegating ? delegation() : nil, operation)
        try report(outcomes, labelled: labelled, finally: finally)
    }

    /// Prints what each target said in the order of the targets: its notes on stderr and its
    /// lines on stdout, each after the target's host (none for this machine; a continued note
    /// bare there, as a crash's last lines after `unitify: HEADLINE`), then its failure
    /// in one line (what it said before failing is kept). Throws the exit status when any failed:
    /// theirs when they agree, else 1. `labelled`: false for lines that name the host themselves.
    static func report(_ outcomes: [TargetOutcome], labelled: Bool = true, finally: ([TargetOutcome]) -> Void = { _ in }) throws {
        var statuses: Set<Int32> = []
        let out = Output.standard
        for outcome in outcomes {
            let prefix = outcome.host.map { "\($0): " } ?? ""
            if let report = outcome.report {
                for (index, note) in report.notes.enumerated() {
                    // A note that continues the one before (a crash's last lines) is bare here.
                    let continued = report.continuedNotes.contains(index) && outcome.host == nil
                    printError(continued ? note : "unitify: \(prefix)\(note)")
                }
                for line in report.lines { out.line(labelled ? prefix + line : line) }
                if report.exitStatus != 0 { statuses.insert(report.exitStatus) }
            }
            guard let failure = outcome.failure else { continue }
            if !failure.message.isEmpty { printError("unitify: \(outcome.failureNamesHost ? "" : prefix)\(failure.message)") }
            statuses.insert(failure.exitStatus)
        }
        finally(outcomes)
        out.flush()
        if let status = statuses.first { throw UnitifyError.exit(statuses.count == 1 ? status : 1) }
    }

    /// The options that name the targets again in a hint: the hosts' `--host`, `--system`, or none.
    static func place(_ hosts: [HostAddress], scope: ManagerScope) -> TargetOptions {
        hosts.isEmpty ? .thisMachine(scope) : .host(hosts)
    }

    /// This command, for one host's own unitify to run when it is this one (the same version,
    /// asked with `RemotePrelude.delegationQuery`), unless `UNITIFY_DELEGATE=0`: one ssh channel
    /// and an exec there, like `ssh HOST systemctl`.
    /// `follows`: it goes on until Ctrl-C (`Delegation.follows`).
    static func delegation(follows: Bool = false) -> Delegation? {
        Delegation.thisCommand(version: Unitify.configuration.version, follows: follows)
    }
}
