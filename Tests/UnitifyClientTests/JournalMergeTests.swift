import Systemd
import TestSupport
import Testing
@testable import UnitifyClient

/// A journal handle over entries held in memory, stepping as sd-journal steps: after a seek, the
/// next step in either direction lands on the nearest entry at or beyond the place sought; a
/// step past either end fails and stays put.
final class FakeJournal: JournalHandle {
    struct Entry: Equatable, Comparable {
        var time: UInt64
        var seqnum: UInt64
        var cursor: String { "s=fake;i=\(String(seqnum, radix: 16));t=\(time)" }
        static func < (a: Entry, b: Entry) -> Bool { (a.time, a.seqnum) < (b.time, b.seqnum) }
    }

    enum Position { case head, tail, at(Int), sought(Entry), soughtTime(UInt64) }

    let entries: [Entry]
    var position = Position.head

    init(_ entries: [Entry]) { self.entries = entries.sorted() }

    func seekHead() throws(SystemdError) { position = .head }
    func seekTail() throws(SystemdError) { position = .tail }
    func seek(realtimeMicroseconds time: UInt64) throws(SystemdError) { position = .soughtTime(time) }
    func seek(cursor: String) throws(SystemdError) {
        var time: UInt64 = 0, seqnum: UInt64 = 0
        for field in cursor.split(separator: ";") {
            if field.hasPrefix("i=") { seqnum = UInt64(field.dropFirst(2), radix: 16) ?? 0 }
            if field.hasPrefix("t=") { time = UInt64(field.dropFirst(2)) ?? 0 }
        }
        position = .sought(Entry(time: time, seqnum: seqnum))
    }

    func next() throws(SystemdError) -> Bool { step(forward: true) }
    func previous() throws(SystemdError) -> Bool { step(forward: false) }

    private func step(forward: Bool) -> Bool {
        let target: Int? = switch position {
        case .head: forward ? entries.indices.first : nil
        case .tail: forward ? nil : entries.indices.last
        case .at(let index): forward ? (index + 1 < entries.count ? index + 1 : nil) : (index > 0 ? index - 1 : nil)
        case .sought(let place): forward ? entries.firstIndex { $0 >= place } : entries.lastIndex { $0 <= place }
        case .soughtTime(let time): forward ? entries.firstIndex { $0.time >= time } : entries.lastIndex { $0.time <= time }
        }
        guard let target else { return false }
        position = .at(target)
        return true
    }

    var currentEntry: Entry {
        guard case .at(let index) = position else { fatalError("not on an entry") }
        return entries[index]
    }

    func realtimeMicroseconds() throws(SystemdError) -> UInt64 { currentEntry.time }
    func cursor() throws(SystemdError) -> String { currentEntry.cursor }
    func wait(timeoutMicroseconds: UInt64?) throws(SystemdError) -> Journal.Change { .none }
    func fileDescriptor() throws(SystemdError) -> Int32 { -1 }
    func process() throws(SystemdError) -> Journal.Change { .none }
}

/// `JournalMerge` over in-memory handles: one time-ordered stream, each entry once, in both
/// directions and across changes of direction.
@Suite struct JournalMergeTests {
    typealias Entry = FakeJournal.Entry

    /// Entries of one journal file, split over handles as the matches split them: some in one,
    /// some in several (an entry two match groups both match), with ties in time.
    static func journal(seed: UInt64, count: Int, handles: Int) -> (all: [Entry], split: [[Entry]]) {
        var generator = SeededRandom(seed: seed)
        func random(_ bound: UInt64) -> UInt64 { generator.next() % bound }
        var time: UInt64 = 1_000_000
        var all: [Entry] = []
        var split = [[Entry]](repeating: [], count: handles)
        for seqnum in 1...UInt64(count) {
            time += random(3)  // 0 now and then: equal times, told apart by sequence number
            let entry = Entry(time: time, seqnum: seqnum)
            var placed = false
            for handle in 0..<handles where random(4) == 0 || (!placed && handle == handles - 1) {
                split[handle].append(entry)
                placed = true
            }
            all.append(entry)
        }
        return (all, split)
    }

    func merge(_ split: [[Entry]]) -> JournalMerge<FakeJournal> {
        JournalMerge(split.map(FakeJournal.init))
    }

    func current(_ merge: JournalMerge<FakeJournal>) -> Entry { merge.current.currentEntry }

    @Test(arguments: [1, 2, 3]) func forwardAndBackwardEachEntryOnce(handles: Int) throws {
        let (all, split) = Self.journal(seed: UInt64(handles), count: 200, handles: handles)
        let entries = merge(split)
        var forward: [Entry] = []
        try entries.seekHead()
        while try entries.next() {
            forward.append(current(entries))
            #expect(entries.currentTime == current(entries).time)
        }
        #expect(forward == all)
        var backward: [Entry] = []
        try entries.seekTail()
        while try entries.previous() { backward.append(current(entries)) }
        #expect(backward == all.reversed())
    }

    /// A random walk of next and previous against the sorted list: a turn of direction neither
    /// skips nor repeats an entry, and a step past either end fails and stays put.
    @Test(arguments: [11, 12, 13, 14]) func randomWalkMatchesTheSortedJournal(seed: UInt64) throws {
        let (all, split) = Self.journal(seed: seed, count: 60, handles: 3)
        let entries = merge(split)
        try entries.seekHead()
        var position = -1  // before the first entry
        var state = seed
        for step in 0..<400 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let forward = (state >> 40) % 5 < 3
            let moved = try forward ? entries.next() : entries.previous()
            let expected = forward ? position + 1 < all.count : position > 0
            #expect(moved == expected, "step \(step): \(forward ? "next" : "previous") from \(position)")
            if expected { position += forward ? 1 : -1 }
            if moved, position >= 0 {
                #expect(current(entries) == all[position], "step \(step)")
            }
        }
    }

    @Test func seekingACursorLandsOnItsEntry() throws {
        let (all, split) = Self.journal(seed: 7, count: 50, handles: 2)
        let entries = merge(split)
        try entries.seek(cursor: all[20].cursor)
        #expect(try entries.next())
        #expect(current(entries) == all[20])
        #expect(try entries.next())
        #expect(current(entries) == all[21])
        try entries.seek(realtimeMicroseconds: all[30].time)
        #expect(try entries.next())
        #expect(current(entries).time == all[30].time)
    }

    @Test func sequenceNumbersFromCursors() {
        #expect(JournalMerge<FakeJournal>.sequenceNumber("s=6f1a;i=2b4;b=9c;m=1a;t=5f;x=77") == 0x2b4)
        #expect(JournalMerge<FakeJournal>.sequenceNumber("s=6f1a;b=9c") == 0)
    }
}
