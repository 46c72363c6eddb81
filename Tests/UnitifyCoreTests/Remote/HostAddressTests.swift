import Testing
@testable import UnitifyCore

@Suite struct HostAddressTests {
    @Test(arguments: [
        ("web1", nil, "web1", nil),
        ("alice@web1", "alice", "web1", nil),
        ("alice@web1.example:2222", "alice", "web1.example", 2222),
        ("127.0.0.1:22", nil, "127.0.0.1", 22),
        ("[::1]:2222", nil, "::1", 2222),
        ("bob@[fe80::1]", "bob", "fe80::1", nil),
        ("first.last@db-1", "first.last", "db-1", nil),
    ] as [(String, String?, String, UInt16?)])
    func parses(_ text: String, _ user: String?, _ host: String, _ port: UInt16?) throws {
        let parsed = try HostAddress(parsing: text)
        #expect(parsed == HostAddress(user: user, host: host, port: port))
        #expect(parsed.description == text)
    }

    @Test(arguments: [
        ("", "empty"), ("@web1", "user before @ is empty"), ("web1:", "not a port"), ("web1:0", "not a port"),
        ("web1:70000", "not a port"), ("web1:ssh", "not a port"), ("-oProxyCommand=x", "not a host name"),
        ("we b1", "not a host name"), ("[::1", "without ']'"), ("[::1]x", "only :PORT"), ("[web1]", "not an IPv6"),
        ("a b@web1", "not a user name"),
    ])
    func refuses(_ text: String, _ why: String) {
        #expect {
            try HostAddress(parsing: text)
        } throws: { error in
            let message = (error as? UnitifyError)?.message ?? ""
            return message.contains(why) && message.contains("[USER@]HOST[:PORT]") && !message.contains("\n")
        }
    }

    @Test func listsRepeatedAndCommaSeparatedHostsOnceEach() throws {
        let hosts = try HostAddress.list(["web1,web2", "db1", "web1", " web3 "])
        #expect(hosts.map(\.description) == ["web1", "web2", "db1", "web3"])
        #expect(throws: UnitifyError.self) { try HostAddress.list(["web1,,web2"]) }
        #expect(try HostAddress.list([]).isEmpty)
    }
}
