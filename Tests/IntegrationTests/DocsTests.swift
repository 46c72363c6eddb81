import Glibc
import Testing
import UnitifyCore

/// What ships beside the binary stays true to it: the committed man page is what the command
/// definitions generate today, and the completion scripts load in their shells.
struct DocsTests {
    /// The package root, three levels above this file.
    static let root: String = {
        var path = Substring("\(#filePath)")
        for _ in 0..<3 { path = path[..<(path.lastIndex(of: "/") ?? path.startIndex)] }
        return String(path)
    }()

    static func installed(_ program: String) -> Bool {
        spawnAndWait(["sh", "-c", "command -v \"$0\" >/dev/null", program]) == 0
    }

    /// Writes `unitify --generate-completion-script SHELL` to a file and returns its path.
    func completionScript(_ shell: String, in directory: String) -> String {
        let result = unitify(["--generate-completion-script", shell])
        #expect(result.status == 0, "\(result.stderr)")
        let path = "\(directory)/unitify.\(shell)"
        let file = fopen(path, "w")
        fputs(result.stdout, file)
        fclose(file)
        return path
    }

    /// The same comparison as `make check-man`, against the unitify built for these tests: it
    /// fails when a command's help changed and man/unitify.1 was not regenerated.
    @Test func manPageIsCurrent() {
        let result = run(["make", "-s", "check-man", "UNITIFY_BIN=\(unitifyBinary)"], in: Self.root)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("man/unitify.1 is up to date"))
    }

    /// The README and the man page give the table of systemd releases the code decides by.
    @Test func systemdReleaseTableIsTheCodes() {
        let readme = readFile(Self.root + "/README.md")
        let manual = readFile(Self.root + "/man/extra.mdoc")
        for feature in SystemdFeature.allCases {
            let row = "| \(feature.version) | `\(feature.setting)` | \(feature.use) | \(feature.without) |"
            #expect(readme.contains(row + "\n"), "README.md lacks the row: \(row)")
            let item = ".It \(feature.version) Ql \(feature.setting)\nFor \(feature.use).\nOn an older manager,\n.Nm\n\(feature.without).\n"
            #expect(manual.contains(item), "man/extra.mdoc lacks: \(item)")
        }
        #expect(readme.occurrences(of: "\n| 2") == SystemdFeature.allCases.count, "a row of README.md's table is not in the code")
    }

    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScriptsAskUnitifyForJobNames(shell: String) {
        let result = unitify(["--generate-completion-script", shell])
        #expect(result.status == 0)
        for command in ["status", "journal", "stop"] {
            #expect(result.stdout.contains("---completion \(command) -- positional@0"), "\(shell) does not complete \(command) NAME")
        }
    }

    @Test func bashScriptParsesAndRegisters() {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let script = completionScript("bash", in: directory)
        let syntax = run(["bash", "-n", script])
        #expect(syntax.status == 0, "\(syntax.stderr)")
        let loaded = run(["bash", "-c", "source \"$0\" && complete -p unitify", script])
        #expect(loaded.status == 0, "\(loaded.stderr)")
        #expect(loaded.stdout == "complete -o filenames -F _unitify unitify\n")
    }

    @Test(.enabled(if: installed("zsh"), "zsh is not installed"))
    func zshScriptParses() {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let syntax = run(["zsh", "-n", completionScript("zsh", in: directory)])
        #expect(syntax.status == 0, "\(syntax.stderr)")
    }

    @Test(.enabled(if: installed("fish"), "fish is not installed"))
    func fishScriptParses() {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let syntax = run(["fish", "--no-execute", completionScript("fish", in: directory)])
        #expect(syntax.status == 0, "\(syntax.stderr)")
    }

    /// TAB after `unitify status ` offers the jobs the live manager has, through the script.
    @Test(.enabled(if: Live.enabled, Live.reason))
    func bashCompletesJobNamesFromTheManager() {
        let name = uniqueName("completion")
        let started = unitify(["run", "--name", name, "--quiet", "--", "sleep", "300"])
        defer { _ = unitify(["stop", name]) }
        #expect(started.status == 0, "\(started.stderr)")
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let script = completionScript("bash", in: directory)
        let binDirectory = String(unitifyBinary[..<(unitifyBinary.lastIndex(of: "/") ?? unitifyBinary.startIndex)])
        let complete = """
            source "$0"
            COMP_LINE="unitify $1 ${2:0:5}"; COMP_POINT=${#COMP_LINE}
            COMP_WORDS=(unitify "$1" "${2:0:5}"); COMP_CWORD=2
            _unitify unitify "${2:0:5}" "$1"
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        for command in ["status", "journal", "stop"] {
            let result = run(["bash", "-c", complete, script, command, name], environment: ["PATH": "\(binDirectory):/usr/bin:/bin"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.split(separator: "\n").contains { $0 == name }, "\(command): \(result.stdout)")
        }
    }
}
