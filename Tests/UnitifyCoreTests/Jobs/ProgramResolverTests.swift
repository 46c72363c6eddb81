import Testing
@testable import UnitifyCore

@Suite struct ProgramResolverTests {
    let files: [String: FileKind] = [
        "/home/u/bin/tool": .executable,
        "/usr/bin/python3": .executable,
        "/usr/local/bin/python3": .notExecutable,
        "/home/u/project/server": .executable,
        "/home/u/project/notes.txt": .notExecutable,
        "/home/u/project/data": .directory,
    ]

    func resolve(_ program: String, path: String = "/usr/local/bin:/home/u/bin:/usr/bin") throws -> String {
        try ProgramResolver.resolve(program, searchPath: path, workingDirectory: "/home/u/project") { files[$0] ?? .missing }
    }

    @Test func searchesTheCallersPathInOrder() throws {
        #expect(try resolve("tool") == "/home/u/bin/tool")
        #expect(try resolve("python3") == "/usr/bin/python3")
    }

    @Test func resolvesRelativePathsAgainstTheWorkingDirectory() throws {
        #expect(try resolve("./server") == "/home/u/project/server")
        #expect(try resolve("../project/./server") == "/home/u/project/server")
        #expect(try resolve("server", path: "") == "/home/u/project/server")
    }

    @Test func absoluteFoldsDotsAndSlashes() {
        #expect(ProgramResolver.absolute("x", relativeTo: "/srv") == "/srv/x")
        #expect(ProgramResolver.absolute("/a//b/./c/", relativeTo: "/srv") == "/a/b/c")
        #expect(ProgramResolver.absolute("../../..", relativeTo: "/srv/www") == "/")
        #expect(ProgramResolver.absolute(".", relativeTo: "/") == "/")
        #expect(ProgramResolver.absolute("a/../b", relativeTo: "/") == "/b")
    }

    @Test func explainsFailures() {
        #expect(throws: UnitifyError.usage("program 'nope' not found on PATH: check the spelling, or give its path (e.g. ./nope)")) { try resolve("nope") }
        #expect(throws: UnitifyError.self) { try resolve("./data") }
        #expect(throws: UnitifyError.self) { try resolve("./notes.txt") }
        #expect(throws: UnitifyError.self) { try resolve("./missing") }
        #expect(throws: UnitifyError.self) { try resolve("") }
    }
}
