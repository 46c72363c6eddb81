import Testing
@testable import UnitifyCore

/// The Procfile, an app's jobs rendered from it, and `up`'s plan: all decided with no manager.
@Suite struct ProcfileTests {
    @Test func plainLinesAreShellCommandsAsForemanRunsThem() throws {
        let file = try Procfile.parse("# the shop\nweb: bundle exec rails s -p $PORT\n\nworker:python -u worker.py  \r\n", path: "Procfile")
        #expect(file.lines.map(\.name) == ["web", "worker"])
        #expect(file.lines.map(\.number) == [2, 4])
        #expect(file.lines[0].body == .shell("bundle exec rails s -p $PORT"))
        #expect(file.lines[1].body == .shell("python -u worker.py"))
    }

    @Test func aLineStartingWithADashIsRunsOptions() throws {
        let file = try Procfile.parse("""
            web: --restart always -e PORT=8080 -- ./server --port 8080
            worker: --line 'nohup python -u worker.py > worker.log 2>&1 &'
            """, path: "Procfile")
        #expect(file.lines[0].body == .options(["--restart", "always", "-e", "PORT=8080", "--", "./server", "--port", "8080"]))
        #expect(file.lines[1].body == .options(["--line", "nohup python -u worker.py > worker.log 2>&1 &"]))
    }

    func refusal(_ text: String) -> String? {
        do {
            _ = try Procfile.parse(text, path: "app/Procfile")
            return nil
        } catch {
            #expect(error.exitStatus == 2)
            return error.message
        }
    }

    @Test func badLinesAreNamedWithFileAndLine() {
        #expect(refusal("web: ./server\njust a command\n") == "app/Procfile:2: expected 'name: command', e.g. 'web: ./server --port $PORT'")
        #expect(refusal("web server: ./server") == "app/Procfile:1: 'web server' is not a job name: use letters, digits, _ and -, as in 'web' or 'worker-2'")
        #expect(refusal("web: a\n# x\nweb: b") == "app/Procfile:3: web is already the job of line 1: give each line its own name")
        #expect(refusal("web:   ") == "app/Procfile:1: web has no command: write it after the colon")
        #expect(refusal("web: -e PORT=$PORT -- ./server")?.hasPrefix("app/Procfile:1: ") == true)
        #expect(refusal("web: --restart always -- ./server | tee log")?.hasPrefix("app/Procfile:1: '|' would need a shell") == true)
        #expect(refusal("web: -e 'A=1")?.hasPrefix("app/Procfile:1: unclosed single quote") == true)
        #expect(refusal("# nothing\n\n") == "app/Procfile: no jobs in it: write one 'name: command' a line, e.g. 'web: ./server'")
    }
}
