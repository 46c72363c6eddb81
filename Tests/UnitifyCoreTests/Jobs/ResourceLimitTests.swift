import Testing
@testable import UnitifyCore

@Suite struct ResourceLimitTests {
    @Test(arguments: [
        ("512M", .bytes(512 << 20)), ("2G", .bytes(2 << 30)), ("1.5G", .bytes(1_610_612_736)), ("100K", .bytes(102_400)),
        ("1T", .bytes(1 << 40)), ("1E", .bytes(1 << 60)), ("1048576", .bytes(1_048_576)), ("1B", .bytes(1)),
        ("0.5K", .bytes(512)), (".5K", .bytes(512)), ("1.0000001K", .bytes(1024)),
        ("512m", .bytes(512 << 20)), ("2GB", .bytes(2 << 30)), ("2GiB", .bytes(2 << 30)), ("1 G", .bytes(1 << 30)), (" 64M ", .bytes(64 << 20)),
        ("infinity", .bytes(.max)),
        ("50%", .percent(permyriad: 5_000)), ("12.5%", .percent(permyriad: 1_250)), ("100%", .percent(permyriad: 10_000)),
        ("0.01%", .percent(permyriad: 1)), ("33.333%", .percent(permyriad: 3_333)), ("66.666%", .percent(permyriad: 6_667)),
    ] as [(String, MemoryLimit)])
    func parsesMemory(_ text: String, _ expected: MemoryLimit) throws {
        #expect(try MemoryLimit(parsing: text) == expected)
    }

    @Test(arguments: [
        "lots", "", "0", "0M", "0.0001K", "-1G", "+1G", "1X", "M", "G1", "1.2.3G", "1e9", "nan", "0x10", "1Gi", "1GBB", "1 2G",
        "%", "50%%", "0%", "0.001%", "101%", "100.01%", "-5%", "16E", "99999999999999999999", "99999999999999999999%",
    ])
    func refusesMemory(_ text: String) {
        #expect(throws: UnitifyError.self) { try MemoryLimit(parsing: text) }
    }

    @Test func memoryErrorsSayWhatToWrite() {
        #expect(throws: UnitifyError.usage("invalid memory size 'lots': use a number with K, M, G or T (e.g. 512M), or a percentage of RAM (e.g. 50%)")) {
            try MemoryLimit(parsing: "lots")
        }
        #expect(throws: UnitifyError.usage("invalid memory size '0': the limit must be more than 0, e.g. 512M or 50%")) { try MemoryLimit(parsing: "0") }
        #expect(throws: UnitifyError.usage("invalid memory size '150%': a percentage of RAM is at most 100%")) { try MemoryLimit(parsing: "150%") }
        #expect(throws: UnitifyError.usage("invalid memory size '16E': too large; use infinity for no limit")) { try MemoryLimit(parsing: "16E") }
    }

    @Test(arguments: [
        ("50%", 50, 500_000), ("150%", 150, 1_500_000), ("50", 50, 500_000), ("12.5%", 12.5, 125_000), ("20%", 20, 200_000),
        ("0.5%", 0.5, 5_000), (" 200% ", 200, 2_000_000), ("100", 100, 1_000_000), ("0.01%", 0.01, 100),
    ] as [(String, Double, UInt64)])
    func parsesCPUQuota(_ text: String, _ percent: Double, _ microseconds: UInt64) throws {
        let quota = try CPUQuota(parsing: text)
        #expect(quota.percent == percent)
        #expect(quota.microsecondsPerSecond == microseconds)
    }

    @Test(arguments: ["0", "0%", "0.001%", "", "fast", "-5%", "%", "1e3%", "50%%", "5 0%", "99999999999%"])
    func refusesCPUQuota(_ text: String) {
        #expect(throws: UnitifyError.self) { try CPUQuota(parsing: text) }
    }

    @Test func cpuQuotaErrorsSayWhatToWrite() {
        #expect(throws: UnitifyError.usage("invalid CPU quota 'fast': use a percentage of one CPU, e.g. 50% for half a CPU or 200% for two")) {
            try CPUQuota(parsing: "fast")
        }
        #expect(throws: UnitifyError.usage("invalid CPU quota '0%': the quota must be more than 0%, e.g. 50% for half a CPU")) { try CPUQuota(parsing: "0%") }
    }

    @Test(arguments: [("-20", -20), ("19", 19), ("0", 0), ("+5", 5), (" 10 ", 10), ("-1", -1)] as [(String, Int32)])
    func parsesNice(_ text: String, _ expected: Int32) throws {
        #expect(try parseNice(text) == expected)
    }

    @Test(arguments: ["-21", "20", "x", "", "1.5", "5x", "99999999999"])
    func refusesNice(_ text: String) {
        #expect(throws: UnitifyError.usage("invalid nice level '\(text)': use a whole number from -20 (served first) to 19 (served last)")) {
            try parseNice(text)
        }
    }
}
