import Dispatch
import Glibc
import Synchronization
import Systemd
import UnitifyCore

/// unitify's jobs on other hosts, each reached with the system's ssh (`SSHConnection`), up to
/// `parallel` hosts worked on at once, each with its own timeout: a fleet of N hosts costs about
/// one round per `parallel` hosts, and a host that hangs holds its place only until its timeout.
public struct Fleet: Sendable {
    public var hosts: [HostAddress]
    /// Seconds for each host's ssh to connect and its prelude to answer.
    public var timeout: Int
    /// `UNITIFY_SSH_CONFIG`: an ssh_config to use instead of the user's own (`ssh -F`).
    public var configFile: String?
    /// How many hosts are reached at once (`--parallel`).
    public var parallel: Int

    /// Hosts reached at once unless `--parallel` says otherwise. Each host in flight costs an ssh
    /// master, an ssh client per channel, a thread and about ten descriptors here: 32 stay far
    /// below a laptop's 1024 descriptors and its process limit, while reaching is waiting on the
    /// network, so 32 at once serve a few hundred hosts in a few rounds of one handshake each.
    /// sshd's `MaxStartups 10:30:100` counts per server, so it binds only hosts behind one jump host.
    public static let defaultParallel = 32

    public init(hosts: [HostAddress], timeout: Int = 10, parallel: Int = Fleet.defaultParallel,
                configFile: String? = Environment.value("UNITIFY_SSH_CONFIG")) {
        self.hosts = hosts
        self.timeout = timeout
        self.parallel = parallel
        self.configFile = configFile
    }

    /// Where the per-host ssh masters listen (`ControlDirectory`): beside the caller's manager,
    /// else in /tmp, always in a directory only the caller can enter. A word about a refused
    /// directory goes to stderr, once per command.
    public static func controlDirectory() throws(UnitifyError) -> String {
        try ControlDirectory.find { printError("unitify: " + $0) }
    }

    /// `body` with each host reached, `parallel` hosts at once; the results in the order of `hosts`.
    /// `probing`: the paths `run` will look at there, asked with the prelude (`HostFacts`).
    /// `prefetching`: commands to start there as soon as the prelude has answered (given the
    /// user's uid there), beside the bus's round trips (`PrefetchedCommands`).
    /// `throughBroker`: the user bus there rather than the manager's own socket, as `run` asks here
    /// (`RemotePrelude.script`).
    /// `delegating`: the command run by one host's own unitify when it has the same one (never
    /// with several hosts, whose lines are merged here).
    public func onEach<T: Sendable>(throughBroker: Bool = true, probing probes: [HostFacts.Probe]? = nil, prefetching: (@Sendable (UInt32) -> [[String]])? = nil,
                                    delegating delegation: Delegation? = nil,
                                    _ body: @escaping @Sendable (RemoteTarget) throws -> T) -> [(host: HostAddress, result: Result<T, UnitifyError>)] {
        let control: String
        do { control = try Self.controlDirectory() } catch { return hosts.map { ($0, .failure(error)) } }
        let fleet = self
        let delegation = hosts.count == 1 ? delegation : nil
        return zip(hosts, inParallel(hosts.count, atMost: parallel) {
            fleet.work(on: fleet.hosts[$0], control: control, throughBroker: throughBroker, probing: probes, prefetching: prefetching, delegating: delegation, body)
        }).map { ($0, $1) }
    }
}

/// `body` for each index, at most `limit` at once (every index at once without one), each
/// worker on a thread of its own (a queue each: the work is waiting on ssh, and
/// concurrentPerform would run only as many at once as there are cores). A worker takes the next
/// index as soon as its last one is done, so one slow index holds one worker, not a round; the
/// results in the order of the indices.
func inParallel<T>(_ count: Int, atMost limit: Int? = nil, _ body: @escaping @Sendable (Int) -> T) -> [T] {
    let results = Slots<T>(count: count)
    let group = DispatchGroup()
    for worker in 0..<min(count, max(1, limit ?? count)) {
        DispatchQueue(label: "unitify.host.\(worker)").async(group: group) {
            while true {
                guard let index = results.take() else { return }
                results.set(index, body(index))
            }
        }
    }
    group.wait()
    return results.values.map { $0! }
}

extension Fleet {
    /// One host's part: connect, run `body` on its jobs, and put any failure in words naming it.
    /// `delegating`: when the host's own unitify takes the command, this process relays what it
    /// prints and ends with its exit status.
    func work<T>(on host: HostAddress, control: String, throughBroker: Bool = true, probing probes: [HostFacts.Probe]? = nil, prefetching: ((UInt32) -> [[String]])? = nil,
                 delegating delegation: Delegation? = nil, _ body: (RemoteTarget) throws -> T) -> Result<T, UnitifyError> {
        do {
            let connection = SSHConnection(host: host, timeout: timeout, controlDirectory: control, configFile: configFile)
            let (session, answer, facts): (RemoteSession, RemotePrelude.Answer, HostFacts.Answer?)
            switch try connection.reach(probing: probes, throughBroker: throughBroker, delegating: delegation?.script(for: host)) {
            case .delegated(let relayed): exit(relayed.relay(follows: delegation?.follows ?? false))
            case .bridged(let bridged, let found, let said): (session, answer, facts) = (bridged, found, said)
            }
            defer { session.end() }
            guard let bus = session.bus else { throw UnitifyError.remote(host, "no bus") }
            let prefetched = PrefetchedCommands()
            for argv in prefetching?(answer.uid) ?? [] {
                if let started = try? connection.command(argv) { prefetched.add(argv, started) }
            }
            let manager = Manager(bus: bus)
            let storage = JobStorage.remote(connection, answer: answer, facts: facts) { () throws(UnitifyError) -> [String] in
                do throws(SystemdError) { return try manager.property("UnitPath")?.stringArray ?? [] } catch {
                    throw UnitifyError.remote(host, "cannot ask its manager where unit files go: \(UnitifyError.explain(error, overSSH: true))")
                }
            }
            let jobs = Jobs(bus: bus, storage: storage)
            jobs.options = .host([host])
            let reached = RemoteTarget(host: host, jobs: jobs, answer: answer, connection: connection, facts: facts, prefetched: prefetched)
            do {
                return .success(try body(reached))
            } catch {
                // The body's failure, which does not name the host yet (an empty one is only a status).
                let failure = UnitifyError(recognizing: error, overSSH: true) ?? .failed("\(error)")
                let named = failure.message.isEmpty || failure.message.hasPrefix("\(host): ")
                return .failure(named ? failure : UnitifyError(failure.code, "\(host): \(failure.message)"))
            }
        } catch let error as UnitifyError {
            return .failure(error)
        } catch {
            return .failure(.remote(host, "\(error)"))
        }
    }
}

/// One slot per index, each filled once, and the next index no worker has taken yet.
private final class Slots<T>: @unchecked Sendable {
    private let lock = Mutex<Void>(())
    private var slots: [T?]
    private var taken = 0

    init(count: Int) {
        slots = Array(repeating: nil, count: count)
    }

    /// The next index to work on, nil when every index is taken.
    func take() -> Int? {
        lock.withLock { _ in
            guard taken < slots.count else { return nil }
            defer { taken += 1 }
            return taken
        }
    }

    func set(_ index: Int, _ value: T) {
        lock.withLock { _ in slots[index] = value }
    }

    var values: [T?] {
        lock.withLock { _ in slots }
    }
}
