import Testing
@testable import UnitifyClient
import UnitifyCore

/// What a host's own unitify is told of this one's stdout: it prints on ssh's pipe what goes to
/// this terminal, so colour and width follow this side, never the host login's.
@Suite struct DelegationTests {
    let host = HostAddress(user: "alice", host: "web1", port: 2222)

    @Test func aPipeHereIsAPipeThere() {
        #expect(Delegation.environment(for: host, terminal: false, colour: false, width: nil) == ["UNITIFY_FOR_HOST=alice@web1:2222"])
    }

    @Test func aTerminalHereIsATerminalThereInColourOrNot() {
        #expect(Delegation.environment(for: host, terminal: true, colour: true, width: 120)
                == ["UNITIFY_FOR_HOST=alice@web1:2222", "UNITIFY_TERMINAL=colour:120"])
        #expect(Delegation.environment(for: host, terminal: true, colour: false, width: nil)
                == ["UNITIFY_FOR_HOST=alice@web1:2222", "UNITIFY_TERMINAL=plain"])
    }

    /// The words go as typed, each quoted once for the host's sh, the variables before the exec.
    @Test func theScriptExecsTheHostsUnitifyWithTheWordsAsTyped() {
        let delegation = Delegation(version: "0.1.0", arguments: ["run", "--host", "alice@web1:2222", "--", "sh", "-c", "echo 'hi'"])
        let script = delegation.script(for: host)
        #expect(script.contains(#"UNITIFY_FOR_HOST=alice@web1:2222 exec "$u" run --host alice@web1:2222 -- sh -c 'echo '\''hi'\'''"#), "\(script)")
        #expect(script.contains(#""$u" --delegation-protocol 2>/dev/null)" = 'unitify 0.1.0 delegation 1' ]"#), "\(script)")
    }
}
