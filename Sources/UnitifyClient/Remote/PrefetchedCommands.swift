/// Commands started on a host before anyone asks for their output (a job's last lines in its
/// journal, say), so that their round trips run beside the bus's: whoever then runs the same
/// argv takes the session that is already under way (`take`). One not taken is ended with the
/// host's work.
public final class PrefetchedCommands: @unchecked Sendable {
    private var sessions: [(argv: [String], session: RemoteSession)] = []

    public init() {}

    func add(_ argv: [String], _ session: RemoteSession) {
        sessions.append((argv, session))
    }

    /// The session already running `argv`, once; nil when none is.
    func take(_ argv: [String]) -> RemoteSession? {
        guard let index = sessions.firstIndex(where: { $0.argv == argv }) else { return nil }
        return sessions.remove(at: index).session
    }
}
