import Testing
@testable import UnitifyCore

@Suite struct EnvironmentFileTests {
    @Test(arguments: [
        ("A=1\nB=2", ["A=1", "B=2"]),
        ("# settings\n\nA=1\n", ["A=1"]),
        ("  # indented comment\n\t\n", []),
        ("", []),
        ("export A=1", ["A=1"]),
        ("export\tA=1", ["A=1"]),
        ("exportA=1", ["exportA=1"]),
        ("export=1", ["export=1"]),
        ("  A = 1  ", ["A=1"]),
        ("A=", ["A="]),
        ("A=b=c", ["A=b=c"]),
        ("A='x y'", ["A=x y"]),
        ("A=' x '", ["A= x "]),
        ("A='a\\nb \"q\"'", ["A=a\\nb \"q\""]),
        ("A=\"x \\\"q\\\" \\\\ \\n \\t\"", ["A=x \"q\" \\ \n \\t"]),
        ("A=\"it's\"", ["A=it's"]),
        ("A=''", ["A="]),
        ("A=x # comment", ["A=x"]),
        ("A=x#y", ["A=x#y"]),
        ("A=\"x # y\" # comment", ["A=x # y"]),
        ("A='x' ", ["A=x"]),
        ("A=it's", ["A=it's"]),
        ("A=1\r\nB=2\r\n", ["A=1", "B=2"]),
        ("\u{FEFF}A=1", ["A=1"]),
        ("A=1\nA=2", ["A=1", "A=2"]),
        ("_x9=ok", ["_x9=ok"]),
        ("URL=https://example.com/?a=1&b=2", ["URL=https://example.com/?a=1&b=2"]),
        ("NAME=é ü", ["NAME=é ü"]),
    ] as [(String, [String])])
    func parses(_ text: String, _ expected: [String]) throws {
        #expect(try EnvironmentFile.parse(text, path: "/p/.env") == expected)
    }

    @Test(arguments: [
        ("A=1\n\nnoequals", "invalid line 3 in /p/.env: expected KEY=VALUE"),
        ("=x", "invalid line 1 in /p/.env: expected KEY=VALUE"),
        ("export", "invalid line 1 in /p/.env: expected KEY=VALUE"),
        ("export A", "invalid line 1 in /p/.env: expected KEY=VALUE"),
        ("A-B=1", "invalid variable name 'A-B' at line 1 in /p/.env: use letters, digits and _, not starting with a digit"),
        ("# x\n1A=x", "invalid variable name '1A' at line 2 in /p/.env: use letters, digits and _, not starting with a digit"),
        ("A B=1", "invalid variable name 'A B' at line 1 in /p/.env: use letters, digits and _, not starting with a digit"),
        ("A=\"secret", "invalid line 1 in /p/.env: the value's opening \" is not closed on that line; close it, and write line breaks as \\n inside double quotes"),
        ("A='secret\nB=2'", "invalid line 1 in /p/.env: the value's opening ' is not closed on that line; close it, and write line breaks as \\n inside double quotes"),
        ("A='secret' more", "invalid line 1 in /p/.env: text follows the closing '; put the whole value inside the quotes"),
    ] as [(String, String)])
    func refuses(_ text: String, _ message: String) {
        #expect(throws: UnitifyError.usage(message)) { try EnvironmentFile.parse(text, path: "/p/.env") }
    }

    @Test func errorsNeverShowValues() {
        let error = #expect(throws: UnitifyError.self) { try EnvironmentFile.parse("TOKEN=\"hunter2", path: "/p/.env") }
        #expect(error?.message.contains("hunter2") == false)
    }

    @Test(arguments: [
        ("A", true), ("_", true), ("a_b9", true), ("PATH", true), ("_1", true),
        ("", false), ("1A", false), ("A-B", false), ("A B", false), ("A=", false), ("é", false), ("A.B", false),
    ])
    func validatesNames(_ name: String, _ valid: Bool) {
        #expect(EnvironmentFile.validateName(name) == valid)
    }
}
