import ArgumentParser
import UnitifyClient
import UnitifyCore

/// `-f FILE` and `--app NAME`, shared by `up` and `down`, and the Procfile read into the app's
/// jobs, every line validated before anything is touched.
struct AppFileOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: ArgumentHelp("The Procfile (default: Procfile in the current directory).", valueName: "file"))
    var file = "Procfile"

    @Option(help: ArgumentHelp("The app's name, the prefix of its jobs' units (default: the Procfile's directory name).", valueName: "name"))
    var app: String?

    /// The Procfile's absolute path.
    func absolutePath() throws(UnitifyError) -> String {
        guard let here = Environment.currentDirectory() else {
            throw UnitifyError.usage("the current directory no longer exists: cd somewhere that does, or give -f with an absolute path")
        }
        return ProgramResolver.absolute(file, relativeTo: here)
    }

    func appName() throws(UnitifyError) -> String {
        if let app { return try App.validate(name: app) }
        let path = try absolutePath()
        return try App.defaultName(directory: String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]))
    }

    /// The `.env` beside the Procfile, named as the user named the Procfile (`app/.env`), for messages.
    var dotEnvName: String {
        file.lastIndex(of: "/").map { String(file[...$0]) + ".env" } ?? ".env"
    }

    /// The file read and every line checked as far as it can be here (its format, its options,
    /// `.env`): what is left to check is what the host where the jobs run says (`App.jobs`).
    func load() throws -> LoadedApp {
        let path = try absolutePath()
        let host = LocalJobSite()
        guard host.fileKind(path) != .missing else {
            throw UnitifyError.usage("no \(file) here: write one ('web: ./server', a job a line), or give its path with -f FILE")
        }
        let procfile = try Procfile.parse(try host.readText(path), path: file)
        let dotEnvPath = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) + "/.env"
        let dotEnv = host.fileKind(dotEnvPath) == .missing ? [] : try EnvironmentFile.parse(try host.readText(dotEnvPath), path: dotEnvPath)
        let lines = try procfile.lines.map { line throws(UnitifyError) in try Self.appLine(line, file: file) }
        return LoadedApp(app: try appName(), procfile: procfile, absolutePath: path, lines: lines, dotEnv: dotEnv)
    }

    /// A line's words read with `run`'s own options, plus `--after`, `--ready` and `--scale`.
    static func appLine(_ line: Procfile.Line, file: String) throws(UnitifyError) -> AppLine {
        guard case .options(let words) = line.body else { return AppLine(shell: line) }
        let options: ProcfileLineOptions
        do {
            options = try ProcfileLineOptions.parse(words)
        } catch {
            let message = Unitify.firstLine(of: ProcfileLineOptions.fullMessage(for: error)) ?? "\(error)"
            throw Procfile.error(file, line.number, message.replacing("Error: ", with: ""))
        }
        guard options.job.name == nil else {
            throw Procfile.error(file, line.number, "--name: the job's name is the line's (\(line.name))")
        }
        do {
            let request = try options.job.request(for: Run.self)
            let copies = try options.scale.map { text throws(UnitifyError) in try App.copies(parsing: text, what: "--scale") }
            return AppLine(name: line.name, number: line.number, text: line.text, request: request, after: options.after, ready: options.ready, copies: copies)
        } catch let error as UnitifyError {
            throw Procfile.error(file, line.number, error.message)
        } catch {
            throw Procfile.error(file, line.number, "\(error)")
        }
    }
}

/// What a Procfile line may say after its colon: `run`'s options, the order of the app's jobs,
/// and how many copies of it run.
struct ProcfileLineOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Start after this job of the file is ready (repeatable).", valueName: "name"))
    var after: [String] = []

    @Option(help: ArgumentHelp("When the job is ready: tcp:PORT (or PORT), unix:PATH, file:PATH or cmd:COMMAND.", valueName: "check"))
    var ready: String?

    @Option(help: ArgumentHelp("Run this many copies of the line (web.1, web.2…), as up -m does.", valueName: "n"))
    var scale: String?

    @OptionGroup var job: JobOptions
}
