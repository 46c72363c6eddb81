/// A signal for `kill --signal`, given as `kill(1)` takes it: `HUP`, `SIGHUP`, `hup` or `1`.
public struct SignalName: Sendable, Equatable, CustomStringConvertible {
    public var number: Int32

    public init(number: Int32) { self.number = number }

    /// nil for a name or number Linux does not have. Real-time signals are `RTMIN`, `RTMIN+N`
    /// and `RTMAX-N`, as kill(1) spells them.
    public init?(_ text: String) {
        var name = text.uppercased()
        if let number = Int32(name) {
            guard (1...Self.realTimeMax).contains(number) else { return nil }
            self.number = number
            return
        }
        if name.hasPrefix("SIG") { name.removeFirst(3) }
        if let number = ProcessExit.signals.first(where: { $0.value == "SIG" + name })?.key {
            self.number = number
            return
        }
        if let number = Self.realTime(name) {
            self.number = number
            return
        }
        return nil
    }

    /// glibc's SIGRTMIN and SIGRTMAX: 34 and 64 (glibc keeps 32 and 33 for itself).
    static let realTimeMin: Int32 = 34
    static let realTimeMax: Int32 = 64

    static func realTime(_ name: String) -> Int32? {
        func offset(_ prefix: String) -> Int32? {
            guard name.hasPrefix(prefix) else { return nil }
            let rest = name.dropFirst(prefix.count)
            if rest.isEmpty { return 0 }
            guard rest.first == (prefix == "RTMIN" ? "+" : "-"), let n = Int32(rest.dropFirst()), n >= 0 else { return nil }
            return n
        }
        if let n = offset("RTMIN"), realTimeMin + n <= realTimeMax { return realTimeMin + n }
        if let n = offset("RTMAX"), realTimeMax - n >= realTimeMin { return realTimeMax - n }
        return nil
    }

    /// `SIGHUP`, `SIGRTMIN+2`.
    public var description: String {
        if number >= Self.realTimeMin && number <= Self.realTimeMax {
            return number == Self.realTimeMin ? "SIGRTMIN" : "SIGRTMIN+\(number - Self.realTimeMin)"
        }
        return ProcessExit.signalName(number)
    }

    /// The line for a value that is no signal.
    public static func invalid(_ text: String) -> String {
        "invalid signal '\(text)': give a name or number as kill -l lists them, e.g. HUP, SIGUSR1, TERM or 9"
    }
}
