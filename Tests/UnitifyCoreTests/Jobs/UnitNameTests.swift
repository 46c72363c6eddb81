import Testing
@testable import UnitifyCore

@Suite struct UnitNameTests {
    @Test(arguments: [
        (["./server"], "server"),
        (["python", "-u", "job.py"], "job"),
        (["python3", "-u", "some_script.py", "--epochs", "3"], "some_script"),
        (["/usr/bin/python3.11", "train.py"], "train"),
        (["python", "-m", "http.server", "8000"], "http.server"),
        (["python", "-c", "print(1)"], "python"),
        (["cargo", "run", "--release"], "cargo"),
        (["node", "--max-old-space-size", "4096", "dist/index.js"], "4096"),
        (["node", "dist/index.js"], "index"),
        (["env", "A=1", "./worker"], "worker"),
        (["bash", "backup.sh"], "backup"),
        (["sleep", "300"], "sleep"),
        (["java", "-jar", "app.jar"], "java"),
    ] as [([String], String)])
    func derivesFromTheCommand(_ argv: [String], _ expected: String) {
        #expect(UnitName.derive(from: argv) == expected)
    }

    @Test func normalizesSuffixes() throws {
        #expect(try UnitName.normalize("web") == "web.service")
        #expect(try UnitName.normalize("web.service") == "web.service")
        #expect(try UnitName.normalize("nightly.timer") == "nightly.timer")
        #expect(try UnitName.normalize("my-app_2:x") == "my-app_2:x.service")
    }

    @Test func escapesWhatAUnitNameCannotHold() throws {
        #expect(UnitName.escape("my job") == "my\\x20job")
        #expect(UnitName.escape(".hidden") == "\\x2ehidden")
        #expect(UnitName.escape("a/b@c") == "a\\x2fb\\x40c")
        #expect(UnitName.escape("é") == "\\xc3\\xa9")
        #expect(try UnitName.normalize("my job") == "my\\x20job.service")
    }

    @Test func refusesEmptyAndOverlongNames() {
        #expect(throws: UnitifyError.self) { try UnitName.normalize("") }
        #expect(throws: UnitifyError.self) { try UnitName.normalize(String(repeating: "x", count: 250)) }
    }

    @Test func shortName() {
        #expect(UnitName.shortName("web.service") == "web")
        #expect(UnitName.shortName("nightly.timer") == "nightly")
    }
}
