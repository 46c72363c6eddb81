import Foundation
import Testing
@testable import UnitifyCore

/// `JSON.encode` writes what JSONEncoder with `.sortedKeys` and `.withoutEscapingSlashes` writes,
/// byte for byte, for the values `--json` prints.
@Suite struct JSONTests {
    func foundation(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// A custom `encode(to:)` that writes nil as null, as `Diagnosis` does.
    struct WithNull: Encodable {
        var version: String?
        var checks: [Check]
        enum CodingKeys: String, CodingKey { case version = "systemd_version", checks, canWork = "can_work" }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(version, forKey: .version)
            try container.encode(checks, forKey: .checks)
            try container.encode(true, forKey: .canWork)
        }
    }

    @Test func statusRecordsAsJSONEncoderWritesThem() throws {
        var status = UnitStatus(unit: "web.service")
        status.loadState = .loaded
        status.activeState = .failed
        status.subState = "failed"
        status.result = .exitCode
        status.lastExit = ProcessExit(kind: .exited, status: 3)
        status.command = ["/srv/a b", "quote\"back\\slash", "tab\tnew\nline\u{08}\u{0C}\u{01}\u{7F}", "é ✓ /slash", ""]
        status.environmentKeys = ["PATH", "TOKEN"]
        status.restartPolicy = .onFailure
        status.restarts = 4
        status.memoryBytes = 12_900_000
        status.activeSince = 1_795_358_255_000_000
        let records = [StatusRecord(status, now: 1_795_358_260_000_000), StatusRecord(UnitStatus(unit: "empty.service"), now: 0)]
        #expect(JSON.encode(records) == (try foundation(records)))
        #expect(JSON.encode([StatusRecord]()) == "[]")
    }

    @Test func checksAndNullsAsJSONEncoderWritesThem() throws {
        let checks = [Check(name: "manager", title: "user manager", verdict: .ok, summary: "reachable"),
                      Check(name: "linger", title: "linger", verdict: .warning, summary: "off", fix: "loginctl enable-linger alice")]
        for value in [WithNull(version: nil, checks: checks), WithNull(version: "252.39-1~deb12u2", checks: [])] {
            #expect(JSON.encode(value) == (try foundation(value)))
        }
    }
}
