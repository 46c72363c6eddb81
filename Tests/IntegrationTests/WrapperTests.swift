import Glibc
import Systemd
import Testing
import UnitifyClient
import UnitifyCore

/// The Systemd wrapper on its own, against the same manager.
@Suite(.enabled(if: Live.enabled, Live.reason))
struct WrapperTests {
    @Test func readsManagerProperties() throws {
        let manager = try userManager()
        let message = try manager.bus.methodCall(
            destination: Manager.destination, path: Manager.objectPath, interface: "org.freedesktop.DBus.Properties", member: "Get")
        try message.append(.string(Manager.interface), .string("Version"))
        let version = try manager.bus.call(message).read()?.string
        #expect(version?.isEmpty == false)
    }

    @Test func busErrorsKeepTheirName() throws {
        let manager = try userManager()
        #expect {
            _ = try manager.stopUnit("no-such-unit-\(getpid()).mount")
        } throws: { error in
            (error as? SystemdError)?.busErrorName?.hasPrefix("org.freedesktop.systemd1.") == true
        }
    }
}
