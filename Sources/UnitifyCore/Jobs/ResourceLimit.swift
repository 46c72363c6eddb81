/// `MemoryMax=`: a size in bytes, or a share of the machine's RAM that systemd works out itself.
public enum MemoryLimit: Equatable, Sendable {
    case bytes(UInt64)
    /// Hundredths of a percent, the resolution systemd keeps: 12.5% is 1250.
    case percent(permyriad: UInt32)

    /// Suffixes in base 1024, as systemd reads them; `B`/`iB` after them are accepted because
    /// people write `2GB` and `2GiB` and mean the same thing here.
    static let multipliers: [Character: UInt64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40, "P": 1 << 50, "E": 1 << 60]

    /// `512M`, `1.5G`, `1048576` (bytes), `50%`, or `infinity` for no limit.
    public init(parsing text: String) throws(UnitifyError) {
        let trimmed = text.trimmingSpaces()
        if trimmed == "infinity" { self = .bytes(.max); return }
        if trimmed.hasSuffix("%") {
            guard let number = DecimalNumber(trimmed.dropLast()) else { throw Self.invalid(text) }
            guard let permyriad = number.scaled(by: 100, rounded: true), permyriad <= 10_000 else {
                throw UnitifyError.usage("invalid memory size '\(text)': a percentage of RAM is at most 100%")
            }
            guard permyriad > 0 else { throw Self.zero(text) }
            self = .percent(permyriad: UInt32(permyriad))
            return
        }
        let digits = trimmed.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        let unit = trimmed.dropFirst(digits.count).drop { $0 == " " }.uppercased()
        var multiplier: UInt64?
        if unit.isEmpty || unit == "B" {
            multiplier = 1
        } else if let first = unit.first, ["", "B", "IB"].contains(unit.dropFirst()) {
            multiplier = Self.multipliers[first]
        }
        guard let number = DecimalNumber(digits), let multiplier else { throw Self.invalid(text) }
        guard let bytes = number.scaled(by: multiplier) else {
            throw UnitifyError.usage("invalid memory size '\(text)': too large; use infinity for no limit")
        }
        guard bytes > 0 else { throw Self.zero(text) }
        self = .bytes(bytes)
    }

    static func invalid(_ text: String) -> UnitifyError {
        UnitifyError.usage("invalid memory size '\(text)': use a number with K, M, G or T (e.g. 512M), or a percentage of RAM (e.g. 50%)")
    }

    static func zero(_ text: String) -> UnitifyError {
        UnitifyError.usage("invalid memory size '\(text)': the limit must be more than 0, e.g. 512M or 50%")
    }
}

/// `CPUQuota=`: CPU time per second of wall time, as a percentage of one CPU, so 200% is two CPUs.
public struct CPUQuota: Equatable, Sendable {
    /// What systemd stores (`CPUQuotaPerSecUSec=`): 20% is 200 ms of CPU per second.
    public var microsecondsPerSecond: UInt64

    public var percent: Double { Double(microsecondsPerSecond) / 10_000 }

    /// The quota as systemd reports it back (`CPUQuotaPerSecUSec`).
    public init(microsecondsPerSecond: UInt64) {
        self.microsecondsPerSecond = microsecondsPerSecond
    }

    /// `50%`, `150%`, `12.5%`, or a bare `50` meaning 50%.
    public init(parsing text: String) throws(UnitifyError) {
        let trimmed = text.trimmingSpaces()
        guard let number = DecimalNumber(trimmed.hasSuffix("%") ? trimmed.dropLast() : Substring(trimmed)) else {
            throw UnitifyError.usage("invalid CPU quota '\(text)': use a percentage of one CPU, e.g. 50% for half a CPU or 200% for two")
        }
        guard let permyriad = number.scaled(by: 100, rounded: true), permyriad <= UInt32.max else {
            throw UnitifyError.usage("invalid CPU quota '\(text)': too large; give a percentage of one CPU, e.g. 400% for four CPUs")
        }
        guard permyriad > 0 else {
            throw UnitifyError.usage("invalid CPU quota '\(text)': the quota must be more than 0%, e.g. 50% for half a CPU")
        }
        microsecondsPerSecond = permyriad * 100
    }
}

/// `Nice=`: from -20, served first, to 19, served last, as nice(1) counts.
public func parseNice(_ text: String) throws(UnitifyError) -> Int32 {
    guard let value = Int32(text.trimmingSpaces()), (-20...19).contains(value) else {
        throw UnitifyError.usage("invalid nice level '\(text)': use a whole number from -20 (served first) to 19 (served last)")
    }
    return value
}

/// A plain decimal such as `1.5` or `.25`, read exactly: `Double(_:)` would also take signs,
/// exponents, `nan` and hexadecimal, and round what should not be rounded.
struct DecimalNumber {
    var whole: Substring
    var fraction: Substring

    init?(_ text: Substring) {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        whole = parts[0]
        fraction = parts.count > 1 ? parts[1] : ""
        let isDigits = { (part: Substring) in part.allSatisfy { $0.isASCII && $0.isNumber } }
        guard !(whole.isEmpty && fraction.isEmpty), isDigits(whole), isDigits(fraction) else { return nil }
    }

    /// The number times `scale`, rounded down (or to nearest), or nil when it does not fit 64 bits.
    func scaled(by scale: UInt64, rounded: Bool = false) -> UInt64? {
        guard let integer = UInt64(whole.isEmpty ? "0" : whole) else { return nil }
        let (base, overflow) = integer.multipliedReportingOverflow(by: scale)
        guard !overflow else { return nil }
        // 19 digits keep 10^digits within 64 bits; later ones are below any unit we scale to.
        let digits = fraction.prefix(19)
        guard !digits.isEmpty, let numerator = UInt64(digits) else { return base }
        var denominator: UInt64 = 1
        for _ in digits { denominator *= 10 }
        var (part, remainder) = denominator.dividingFullWidth(scale.multipliedFullWidth(by: numerator))
        if rounded, remainder >= denominator - remainder { part += 1 }
        let (sum, carry) = base.addingReportingOverflow(part)
        return carry ? nil : sum
    }
}
