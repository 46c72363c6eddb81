/// One target's lines for `journal`: its journal (`UnitLog` here, `RemoteJournalSource` there)
/// or a job's log file (`FileLog` here, `RemoteFileLog` there). A source prints on the output it
/// was made with, through a printer of its own (runs are told apart per manager), and never
/// decides where that output goes; `JournalReading` reads several as one.
public protocol JournalSource: AnyObject {
    /// Prints the last lines; returns how many entries (a log file: 0 when it printed nothing).
    /// `entryEnded`, when given, hears each entry's time (microseconds since the epoch; 0 for a
    /// log file's lines, which carry none) once the entry is printed: where a merge cuts. `note`
    /// hears what is worth saying about them (lines journald dropped), one line each.
    func printTail(entryEnded: ((UInt64) -> Void)?, note: (String) -> Void) throws -> Int
    /// Prints new lines as they come after the tail, `entryEnded` after each (nil: the source
    /// writes each out itself). Returns or throws only when it cannot go on: a stop signal ends
    /// the process (`StopSignals`). `note` hears what is worth saying meanwhile (a dropped
    /// connection being got back).
    func follow(entryEnded: ((UInt64) -> Void)?, note: @escaping (String) -> Void) throws
}
