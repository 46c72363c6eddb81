import Synchronization
import UnitifyCore

/// `journal` on every target: this machine (a fleet of one, no host before its lines) or every
/// host at once. Each target prints its last lines through its own source (`Target.journalTail`);
/// several targets' lines are merged in time order, then each follows from where its tail ended,
/// so that nothing is lost or shown twice between the two. A target that fails is said in one
/// line and the others go on.
///
/// The executable passes where lines and notes go: `output` (standard output, which ends the
/// process quietly when its reader has gone) and `note` (one line each, for stderr).
public final class JournalReading: @unchecked Sendable {
    public let names: [String]
    public let query: LogQuery
    public let runs: RunSelection
    let output: Output
    let note: @Sendable (String) -> Void

    public init(names: [String], query: LogQuery, runs: RunSelection, output: Output, note: @escaping @Sendable (String) -> Void) {
        self.names = names
        self.query = query
        self.runs = runs
        self.output = output
        self.note = note
    }

    /// One target that answered: its tail, and the output its source prints on (its own, when merged).
    struct Part {
        var tail: JournalTail
        var output: Output
        var chunks: [(time: UInt64, bytes: [UInt8])]
    }

    /// Reads on `scope`'s manager here (no `hosts`), or on every host. Throws the exit status:
    /// 4 when the names are no job on any target that answered and none has lines of them, else
    /// that of a target that failed (1 when they differ); a follow goes on until a stop signal.
    /// The tails are read `parallel` hosts at once; the follows, every host at once.
    /// `delegating`: the command, for one host's own unitify to run when it is this one.
    public func run(scope: ManagerScope, hosts: [HostAddress], parallel: Int = Fleet.defaultParallel, delegating delegation: Delegation? = nil) throws(UnitifyError) {
        let merging = hosts.count > 1
        // A unitify serving a client's --host labels its lines with the host, as that client would.
        let width = (hosts.isEmpty ? ServedClient.host.map { [$0] } ?? [] : hosts).map(\.description.count).max() ?? 0
        let parts = PartsByTarget()
        // Each host's tail started as soon as it answers, beside the bus's round trips (which
        // say whether the job writes to a log file instead): the names as units, as `journalTail`
        // makes them of names that are no app.
        var prefetch: (@Sendable (UInt32) -> [[String]])?
        if runs == .all, !names.isEmpty, case let units = names.compactMap({ try? UnitName.normalize($0) }), units.count == names.count {
            if query.lines != 0, !query.follow {
                let (start, filters) = (RemoteJournalSource.tailStart(query), RemoteJournalSource.filters(query))
                prefetch = { uid in [RemoteJournalCommand.arguments(units: units, uid: uid, start: start, follow: false, filters: filters)] }
            }
        }
        let outcomes = Targets.run(ThisMachine(scope), or: hosts, parallel: parallel, prefetching: prefetch, delegating: delegation) { [self] target, _ in
            // Merged lines are printed to an output of the target's own, cut after each entry.
            let own = merging ? Output.capturing(like: output) : output
            var chunks: [(time: UInt64, bytes: [UInt8])] = []
            let tail = try target.journalTail(names: names, query: query, runs: runs, hostWidth: width, on: own,
                                              entryEnded: merging ? { chunks.append(($0, own.takeCaptured())) } : nil, note: note)
            let part = Part(tail: tail, output: own, chunks: chunks)
            parts.set(part, for: target.hostAddress)
        }
        var statuses: Set<Int32> = []
        var answered: [Part] = []
        for outcome in outcomes {
            if let failure = outcome.failure {
                if !failure.message.isEmpty { note((outcome.failureNamesHost ? "" : outcome.host.map { "\($0): " } ?? "") + failure.message) }
                statuses.insert(failure.exitStatus)
            } else if let part = parts.part(of: outcome.host) {
                answered.append(part)
            }
        }
        if merging { printMerged(answered) }
        if answered.allSatisfy({ $0.tail.printed == 0 }), let first = answered.first, !first.tail.units.isEmpty,
           answered.allSatisfy({ $0.tail.unknown != nil && $0.tail.unknown!.count == $0.tail.units.count }) {
            let shown = first.tail.unknown!.map { UnitName.shortName($0) }.joined(separator: ", ")
            let on = outcomes.compactMap(\.host).map(\.description).joined(separator: ", ")
            throw UnitifyError.notFound("no unit named \(shown)\(on.isEmpty ? "" : " on \(on)"), and no lines of \(first.tail.unknown!.count == 1 ? "it" : "them") in the journal: 'unitify status\(on.isEmpty ? "" : " --host")' lists your jobs")
        }
        if query.follow && !answered.isEmpty {
            if follow(answered, merging: merging, failed: !statuses.isEmpty) { statuses.insert(1) }
        }
        if let status = statuses.first { throw UnitifyError.exit(statuses.count == 1 ? status : 1) }
    }

    /// Every target's last lines in time order: stable, so entries of one time keep their
    /// target's order, and each target's own.
    func printMerged(_ parts: [Part]) {
        var lines: [(time: UInt64, part: Int, index: Int)] = []
        for (part, each) in parts.enumerated() {
            lines += each.chunks.indices.map { (each.chunks[$0].time, part, $0) }
        }
        lines.sort { ($0.time, $0.part, $0.index) < ($1.time, $1.part, $1.index) }
        for line in lines { parts[line.part].chunks[line.index].bytes.withUnsafeBytes { output.write($0) } }
        output.flush()
    }

    /// Prints every target's new lines as they come until SIGINT or SIGTERM end the process (with
    /// status 1 when a target failed before); returns whether one failed, when none can go on.
    func follow(_ parts: [Part], merging: Bool, failed: Bool) -> Bool {
        StopSignals.exitStatus.store(failed ? 1 : 0, ordering: .sequentiallyConsistent)
        _ = SSHChildren.slots  // made now, not in the handler
        // The ssh processes would otherwise stay until their next line.
        StopSignals.listen(beforeExit: { SSHChildren.terminateAll() })
        let note = note
        guard merging else {
            do {
                try parts[0].tail.source.follow(entryEnded: nil, note: note)
                return false
            } catch {
                note((UnitifyError(recognizing: error, overSSH: true) ?? .failed("\(error)")).message)
                return true
            }
        }
        // Each target on a thread of its own; one whole entry written out at a time.
        let lock = Mutex<Void>(())
        let shared = SharedParts(parts)
        let failures = inParallel(parts.count) { [self] index in
            let part = shared.parts[index]
            do {
                try part.tail.source.follow(entryEnded: { _ in
                    lock.withLock { _ in
                        part.output.takeCaptured().withUnsafeBytes { self.output.write($0) }
                        self.output.flush()
                    }
                }, note: { said in lock.withLock { _ in note(said) } })
                return false
            } catch {
                lock.withLock { _ in note((UnitifyError(recognizing: error, overSSH: true) ?? .failed("\(error)")).message) }
                StopSignals.exitStatus.store(1, ordering: .sequentiallyConsistent)
                return true
            }
        }
        return failures.contains(true)
    }
}

/// The parts, handed to the follow's threads: each thread uses its own part only.
private final class SharedParts: @unchecked Sendable {
    let parts: [JournalReading.Part]
    init(_ parts: [JournalReading.Part]) { self.parts = parts }
}

/// Each target's part, filled by the targets' threads.
private final class PartsByTarget: @unchecked Sendable {
    private let lock = Mutex<Void>(())
    private var parts: [String: JournalReading.Part] = [:]

    func set(_ part: JournalReading.Part, for host: HostAddress?) {
        lock.withLock { _ in parts[host?.description ?? ""] = part }
    }

    func part(of host: HostAddress?) -> JournalReading.Part? {
        lock.withLock { _ in parts[host?.description ?? ""] }
    }
}
