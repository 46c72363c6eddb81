import Systemd

/// What `JournalMerge` needs of a journal handle: `Journal`, or one in memory in the tests.
protocol JournalHandle: AnyObject {
    func seekHead() throws(SystemdError)
    func seekTail() throws(SystemdError)
    func seek(realtimeMicroseconds: UInt64) throws(SystemdError)
    func seek(cursor: String) throws(SystemdError)
    func next() throws(SystemdError) -> Bool
    func previous() throws(SystemdError) -> Bool
    func realtimeMicroseconds() throws(SystemdError) -> UInt64
    func cursor() throws(SystemdError) -> String
    func wait(timeoutMicroseconds: UInt64?) throws(SystemdError) -> Journal.Change
    func fileDescriptor() throws(SystemdError) -> Int32
    @discardableResult func process() throws(SystemdError) -> Journal.Change
}

extension Journal: JournalHandle {}

/// Several journal handles read as one, in time order.
///
/// sd-journal evaluates every OR-ed match group again at every step, so a group that rarely
/// matches, OR-ed with one that matches nearly every entry, slows every step down. On a handle of
/// its own the rare group costs something only when it has an entry. Each handle steps through its
/// own matches; this yields the nearest entry of any of them: by wall-clock time, then by sequence
/// number. An entry that several handles match is yielded once.
final class JournalMerge<Handle: JournalHandle> {
    let handles: [Handle]
    /// The handle of the current entry: read its fields there.
    private(set) var current: Handle
    /// The current entry's wall-clock time in microseconds since the epoch.
    private(set) var currentTime: UInt64 = 0
    private var forward = true

    /// Where one handle stands.
    private struct Place {
        /// On an entry it has stepped to but that was not yet yielded.
        var ahead = false
        /// That entry's time.
        var time: UInt64 = 0
        /// On the current entry.
        var onCurrent = false
    }

    /// One `Place` per handle. A buffer the merge owns rather than an array property: each step
    /// reads and writes these, and a class's array would pay a run-time exclusivity check each time.
    private let places: UnsafeMutableBufferPointer<Place>

    init(_ handles: [Handle]) {
        precondition(!handles.isEmpty)
        self.handles = handles
        current = handles[0]
        places = .allocate(capacity: handles.count)
        places.initialize(repeating: Place())
    }

    deinit {
        places.deallocate()
    }

    func seekHead() throws(SystemdError) {
        for handle in handles { try handle.seekHead() }
        reset()
    }

    func seekTail() throws(SystemdError) {
        for handle in handles { try handle.seekTail() }
        reset()
    }

    func seek(realtimeMicroseconds time: UInt64) throws(SystemdError) {
        for handle in handles { try handle.seek(realtimeMicroseconds: time) }
        reset()
    }

    /// A cursor of any of the handles: the others go to the same place in the journal.
    func seek(cursor: String) throws(SystemdError) {
        for handle in handles { try handle.seek(cursor: cursor) }
        reset()
    }

    private func reset() {
        for index in places.indices { places[index] = Place() }
    }

    /// Moves to the next entry of any handle; false at the end.
    func next() throws(SystemdError) -> Bool { try step(forward: true) }

    /// Moves to the previous entry of any handle; false at the start.
    func previous() throws(SystemdError) -> Bool { try step(forward: false) }

    private func step(forward: Bool) throws(SystemdError) -> Bool {
        if forward != self.forward {
            try turn()
            self.forward = forward
        }
        var nearest: Int?
        for index in places.indices {
            if !places[index].ahead {
                let handle = handles[index]
                places[index].ahead = try forward ? handle.next() : handle.previous()
                guard places[index].ahead else { continue }
                places[index].time = try handle.realtimeMicroseconds()
            }
            if let best = nearest {
                if try comesFirst(index, best) { nearest = index }
            } else {
                nearest = index
            }
        }
        guard let nearest else { return false }
        for index in places.indices {
            places[index].onCurrent = index == nearest
            if places[index].ahead && index != nearest { places[index].onCurrent = try isSameEntry(index, nearest) }
            if places[index].onCurrent { places[index].ahead = false }
        }
        current = handles[nearest]
        currentTime = places[nearest].time
        return true
    }

    /// Whether handle `a`'s waiting entry comes before handle `b`'s in the direction of reading.
    private func comesFirst(_ a: Int, _ b: Int) throws(SystemdError) -> Bool {
        let (first, second) = (places[a].time, places[b].time)
        if first != second { return (first < second) == forward }
        let (one, other) = (Self.sequenceNumber(try handles[a].cursor()), Self.sequenceNumber(try handles[b].cursor()))
        return one != other && (one < other) == forward
    }

    private func isSameEntry(_ a: Int, _ b: Int) throws(SystemdError) -> Bool {
        guard places[a].time == places[b].time else { return false }
        return try handles[a].cursor() == handles[b].cursor()
    }

    /// The `i=` field of a cursor: the entry's sequence number in its journal file, in hex.
    static func sequenceNumber(_ cursor: String) -> UInt64 {
        for field in cursor.split(separator: ";") where field.hasPrefix("i=") {
            return UInt64(field.dropFirst(2), radix: 16) ?? 0
        }
        return 0
    }

    /// On a change of direction, every handle must start from the current entry: one that stands
    /// ahead of it, or at the end of its own entries, would otherwise step over entries between.
    private func turn() throws(SystemdError) {
        guard places.contains(where: \.onCurrent) else { return reset() }
        let cursor = try current.cursor()
        for index in places.indices where !places[index].onCurrent {
            try handles[index].seek(cursor: cursor)
        }
        for index in places.indices { places[index].ahead = false }
    }

    /// Waits up to `timeoutMicroseconds` (nil: forever) for the journal to change. The first
    /// handle sees every change to the files; the others only take note of theirs, so that they
    /// too open files the journal adds.
    func wait(timeoutMicroseconds: UInt64?) throws(SystemdError) -> Journal.Change {
        let change = try handles[0].wait(timeoutMicroseconds: timeoutMicroseconds)
        for handle in handles.dropFirst() {
            _ = try handle.fileDescriptor()  // from the first call on, it watches the files
            try handle.process()
        }
        return change
    }
}
