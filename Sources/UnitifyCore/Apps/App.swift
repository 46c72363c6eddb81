/// An app: the jobs of one Procfile, as persistent units that carry `App=NAME` in their
/// `[X-Unitify]` section. That key, not the unit's name, is what makes a unit one of the app's:
/// `up` and `down` touch only units that carry it, never a job of another app or one started by hand.
public enum App {
    /// The key in `[X-Unitify]`.
    public static let key = "App"
    /// foreman's first `PORT` when neither `up --port` nor `.env` gives one; each line after gets
    /// 100 more (5000, 5100, 5200…).
    public static let firstPort = 5000

    /// The app of a unit file unitify wrote, nil for a job of no app.
    public static func name(inUnitFile text: String) -> String? {
        guard UnitFile.isGeneratedByUnitify(text) else { return nil }
        return UnitFile.lastValue(of: key, in: text)
    }

    /// The default app name: the name of the Procfile's directory (`/srv/shop/Procfile` → `shop`).
    public static func defaultName(directory: String) throws(UnitifyError) -> String {
        let name = String(directory.split(separator: "/").last ?? "")
        guard Procfile.isValidName(name) else {
            throw UnitifyError.usage("the directory name '\(name)' cannot name the app: give one with --app NAME (letters, digits, _ and -)")
        }
        return name
    }

    public static func validate(name: String) throws(UnitifyError) -> String {
        guard Procfile.isValidName(name) else {
            throw UnitifyError.usage("invalid --app '\(name)': use letters, digits, _ and -")
        }
        return name
    }

    /// `shop` and `web` → `shop-web.service`: two apps may each have a `web`.
    public static func unit(app: String, job: String) -> String {
        "\(app)-\(job).service"
    }

    /// The job's name within its app: `shop-web.service` → `web`, `shop-web.2.service` → `web.2`.
    public static func job(of unit: String, app: String) -> String {
        let short = UnitName.shortName(unit)
        return short.hasPrefix(app + "-") ? String(short.dropFirst(app.count + 1)) : short
    }

    /// The Procfile line a job comes from: `web.2` → `web`. A line's name has no `.`
    /// (`Procfile.isValidName`), so the first one starts the copy's number.
    public static func line(ofJob job: String) -> String {
        String(job[..<(job.firstIndex(of: ".") ?? job.endIndex)])
    }

    /// The jobs of a line run as `copies` of it: one job named as the line when no count was
    /// given (the unit every app had before copies, so that its jobs keep their names), else
    /// `web.1`, `web.2`… as foreman names them, also for a count of 1, so that `up -m web=1`
    /// after `web=3` keeps `web.1` running and removes the two others. A count of 0 is no job.
    public static func jobNames(line: String, copies: Int?) -> [String] {
        guard let copies else { return [line] }
        return copies < 1 ? [] : (1...copies).map { "\(line).\($0)" }
    }

    /// The `PORT` of copy `copy` (1-based) of the line at `index` (0-based, in file order), as
    /// foreman assigns it: `base + 100 × index + (copy − 1)`, so that no two servers of one app
    /// share a port.
    public static func port(index: Int, copy: Int = 1, base: Int = firstPort) -> Int { base + 100 * index + copy - 1 }

    /// The most copies of one line: copy 101 would take the next line's `PORT`.
    public static let maxCopies = 100

    /// A count of copies (`--scale N`, `-m web=N`): a whole number from 0 to `maxCopies`.
    /// `what` names where it was given, for the message.
    public static func copies(parsing text: String, what: String) throws(UnitifyError) -> Int {
        guard text.allSatisfy({ ("0"..."9").contains($0) }), let count = Int(text) else {
            throw UnitifyError.usage("\(what): '\(text)' is not a number of copies: give a whole number, 0 or more (0 runs none)")
        }
        guard count <= maxCopies else {
            throw UnitifyError.usage("\(what): \(count) copies is too many: at most \(maxCopies), since copy \(maxCopies + 1) would take the next line's PORT")
        }
        return count
    }

    /// `up --port N`, checked before anything is read or touched.
    public static func port(parsing text: String) throws(UnitifyError) -> Int {
        guard let port = Int(text), (1...65535).contains(port) else {
            throw UnitifyError.usage("invalid --port '\(text)': give a port from 1 to 65535")
        }
        return port
    }

    /// The first line's `PORT`, as foreman and honcho choose it: `up --port`, else `PORT` in
    /// `.env` (a base, not every job's port: two servers on one port cannot both listen), else
    /// 5000. `dotEnvPath` names the file in the message when its `PORT` is not a port.
    public static func basePort(given: Int?, dotEnv: [String], dotEnvPath: String) throws(UnitifyError) -> Int {
        if let given { return given }
        guard let value = dotEnv.last(where: { $0.hasPrefix("PORT=") })?.dropFirst("PORT=".count) else { return firstPort }
        guard let port = Int(value), (1...65535).contains(port) else {
            throw UnitifyError.usage("\(dotEnvPath): PORT=\(value) is not a port: give a number from 1 to 65535 (the first job's; each line after gets 100 more)")
        }
        return port
    }
}

/// One line of a Procfile with its options read: what `up` asks of that job.
public struct AppLine: Sendable, Equatable {
    public var name: String
    public var number: Int
    /// The line after the colon, as written.
    public var text: String
    public var request: JobRequest
    /// Jobs of the same file this one starts after (`--after`).
    public var after: [String] = []
    /// `--ready`, unparsed.
    public var ready: String?
    /// How many copies run (`--scale N`, or `up -m`): nil when not given, one job named as the
    /// line (see `App.jobNames`).
    public var copies: Int?

    public init(name: String, number: Int, text: String, request: JobRequest, after: [String] = [], ready: String? = nil, copies: Int? = nil) {
        self.name = name
        self.number = number
        self.text = text
        self.request = request
        self.after = after
        self.ready = ready
        self.copies = copies
    }

    /// A plain Procfile line: the command runs with `/bin/sh -c`, as foreman runs it.
    public init(shell line: Procfile.Line) {
        var request = JobRequest()
        request.shell = line.text
        self.init(name: line.name, number: line.number, text: line.text, request: request)
    }
}

/// A job of the app, validated and rendered: what its unit file must say.
public struct AppJob: Sendable, Equatable {
    /// The job's name in the app: the line's (`web`), or a copy's (`web.2`).
    public var name: String
    public var number: Int
    public var spec: UnitSpec
    /// The whole unit file; a job whose file would read differently has changed.
    public var text: String

    /// The Procfile line it comes from: `web` for `web.2`.
    public var line: String { App.line(ofJob: name) }
}

extension App {
    /// Every line validated and rendered, or the first problem as `FILE:LINE: what is wrong`:
    /// nothing is started, stopped or written before the whole file is known to be good.
    ///
    /// Each line is `copies` jobs (`App.jobNames`). Each job runs in the Procfile's directory (`-C`
    /// is taken from there), gets `dotEnv` beneath its own `--env-file` and `-e`, and `PORT` and
    /// `PS` as foreman gives them (`basePort` plus 100 a line, in file order, plus 1 a copy; `PS`
    /// `web.1`, `web.2`…) unless the line's own `-e` or `--env-file` sets them. `.env`'s `PORT`
    /// is not passed on as such: it is the base (`basePort`), as foreman reads it. `procfile` is
    /// the file's absolute path, in each unit file's header.
    public static func jobs(
        _ lines: [AppLine], app: String, procfile: Procfile, absolutePath: String, dotEnv: [String], basePort: Int = firstPort,
        host: some JobSite
    ) throws(UnitifyError) -> [AppJob] {
        let names = Set(lines.map(\.name))
        try checkOrder(lines, path: procfile.path)
        let directory = String(absolutePath[..<(absolutePath.lastIndex(of: "/") ?? absolutePath.startIndex)])
        let inDirectory = SiteInDirectory(host: host, directory: directory.isEmpty ? "/" : directory)
        // `--after web` waits for every copy of web.
        let unitsOfLine = Dictionary(lines.map { line in
            (line.name, jobNames(line: line.name, copies: line.copies).map { unit(app: app, job: $0) })
        }, uniquingKeysWith: { first, _ in first })
        var jobs: [AppJob] = []
        for (index, line) in lines.enumerated() {
            func fail(_ message: String) -> UnitifyError { Procfile.error(procfile.path, line.number, message) }
            var request = line.request
            request.name = line.name
            request.baseEnvironment = dotEnv.filter { !$0.hasPrefix("PORT=") } + request.baseEnvironment
            for refused in unsupported(request) {
                throw fail("\(refused) is not for a Procfile line yet: start that job with 'unitify run --persistent'")
            }
            var lineSpec: UnitSpec
            do { lineSpec = try request.makeSpec(host: inDirectory).0 } catch { throw fail(error.message) }
            lineSpec.app = app
            for name in line.after where !names.contains(name) {
                throw fail("--after \(name): there is no line \(name) in \(procfile.path)")
            }
            lineSpec.after = line.after.flatMap { unitsOfLine[$0] ?? [] }
            if let ready = line.ready {
                do { lineSpec.readiness = try Readiness(parsing: ready, directory: lineSpec.workingDirectory) } catch { throw fail(error.message) }
            }
            let lineIndex = procfile.lines.firstIndex { $0.name == line.name } ?? index
            let ownsPort = lineSpec.environment.contains { $0.hasPrefix("PORT=") }
            let ownsPS = lineSpec.environment.contains { $0.hasPrefix("PS=") }
            for (offset, job) in jobNames(line: line.name, copies: line.copies).enumerated() {
                let copy = offset + 1
                var spec = lineSpec
                spec.name = unit(app: app, job: job)
                if !ownsPort {
                    let port = port(index: lineIndex, copy: copy, base: basePort)
                    guard port <= 65535 else {
                        throw fail("PORT would be \(port) for \(job), above 65535: give up a lower --port (or PORT in .env), or the line its own with -e PORT=N")
                    }
                    spec.environment.append("PORT=\(port)")
                }
                // foreman's PS, the copy's name as foreman gives it: `web.1` for a line's only job too.
                if !ownsPS { spec.environment.append("PS=\(line.name).\(copy)") }
                let text: String
                do {
                    text = try UnitFile.render(spec, commandLine: "\(absolutePath) \(line.name): \(line.text)")
                } catch { throw fail(error.message) }
                jobs.append(AppJob(name: job, number: line.number, spec: spec, text: text))
            }
        }
        return jobs
    }

    /// The options of `run` that make more than one unit, or that `up` decides itself.
    static func unsupported(_ request: JobRequest) -> [String] {
        [("--on-calendar", request.onCalendar), ("--on-active", request.onActive),
         ("--on-exit", request.onExit), ("--on-failure", request.onFailure)]
            .filter { $0.1 != nil }.map(\.0)
    }

    /// `--after` must not go round in a circle: systemd would break the cycle by dropping one of
    /// the orderings, at random.
    static func checkOrder(_ lines: [AppLine], path: String) throws(UnitifyError) {
        let after = Dictionary(lines.map { ($0.name, $0.after) }, uniquingKeysWith: { first, _ in first })
        for line in lines {
            if line.after.contains(line.name) {
                throw Procfile.error(path, line.number, "--after \(line.name): a job cannot start after itself")
            }
            // Depth-first from this line: coming back to it is a cycle.
            var stack = line.after.map { [line.name, $0] }
            var seen: Set<String> = []
            while let chain = stack.popLast() {
                let last = chain.last!
                if last == line.name {
                    throw Procfile.error(path, line.number, "--after makes a circle: \(chain.joined(separator: " → ")): one of them must not wait for the other")
                }
                guard seen.insert(last).inserted else { continue }
                stack += (after[last] ?? []).map { chain + [$0] }
            }
        }
    }
}

extension App {
    /// `up -m SPEC`, foreman's and overmind's formation: `web=3,worker=2`, and `all=N` for every
    /// line not named. Lines it does not name keep their own count (`--scale N`, else the copies
    /// that run: `keepingCopies`, else one job), so that `-m web=3` never stops the worker;
    /// `NAME=0` runs none of that line.
    /// Checked whole before anything is touched: a name that is no line, or a count that is no
    /// count, is one message saying how to write it.
    public static func applyFormation(_ spec: String, to lines: [AppLine], procfile: String) throws(UnitifyError) -> [AppLine] {
        let usage = "write NAME=N[,NAME=N…], e.g. -m web=3,worker=2 (all=N for every line)"
        var counts: [String: Int] = [:]
        for pair in spec.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map { String($0).trimmingSpaces() }
            guard parts.count == 2, !parts[0].isEmpty else {
                throw UnitifyError.usage("invalid -m '\(spec)': '\(pair)' is not NAME=N: \(usage)")
            }
            let (name, count) = (parts[0], parts[1])
            guard name == "all" || lines.contains(where: { $0.name == name }) else {
                throw UnitifyError.usage("invalid -m '\(spec)': \(procfile) has no line \(name): its lines are \(lines.map(\.name).joined(separator: ", ")) (or all)")
            }
            guard counts[name] == nil else { throw UnitifyError.usage("invalid -m '\(spec)': \(name) is given twice: give each line once") }
            counts[name] = try copies(parsing: count, what: "invalid -m '\(spec)': \(name)")
        }
        return lines.map { line in
            var line = line
            if let count = counts[line.name] ?? counts["all"] { line.copies = count }
            return line
        }
    }
}

extension App {
    /// With `up -m`, lines it gives no count (nor `--scale`) whose jobs run as numbered copies
    /// (`web.1`, `web.2`, from an earlier `-m`) keep those copies: `up -m web=1` after
    /// `-m web=3,worker=1` leaves `worker.1` as it is rather than replacing it by `worker`, as
    /// `-m` changes only the lines it names. (A plain `up` applies the file's own counts, as
    /// foreman's `start` does.) `units`: the app's units there are.
    public static func keepingCopies(_ lines: [AppLine], app: String, units: [String]) -> [AppLine] {
        let present = Set(units)
        return lines.map { line in
            guard line.copies == nil, !present.contains(unit(app: app, job: line.name)) else { return line }
            var copies = 0
            while present.contains(unit(app: app, job: "\(line.name).\(copies + 1)")) { copies += 1 }
            var kept = line
            if copies > 0 { kept.copies = copies }
            return kept
        }
    }
}

/// The caller's host, with the Procfile's directory as the current one.
struct SiteInDirectory<Base: JobSite>: JobSite {
    var host: Base
    var directory: String
    var environment: [String] { host.environment }
    var currentDirectory: String? { directory }
    func fileKind(_ path: String) -> FileKind { host.fileKind(path) }
    func readText(_ path: String) throws(UnitifyError) -> String { try host.readText(path) }
    func unitifyExecutable() throws(UnitifyError) -> String { try host.unitifyExecutable() }
}
