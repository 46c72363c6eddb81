import Glibc
import Systemd
import UnitifyCore

/// `unitify check-health NAME EVERY FAILURES CHECK PROGRAM -- ARGV…`, what systemd runs for a
/// job with a health check (`--health`), before its other helpers.
///
/// This process leaves a checker behind in the job and becomes the program. Every EVERY the
/// checker runs CHECK (with a timeout of EVERY, 10 s at most), writes what it found to
/// `$XDG_RUNTIME_DIR/unitify/health/NAME` (`/run/unitify/health/NAME` for the system manager),
/// and after FAILURES failures in a row says so on standard error (the job's journal) and asks
/// the manager to restart the job. It ends with the program: the manager's stop of the job
/// (a restart's too) reaches it with SIGTERM, and it checks the program's pid and start time
/// every round.
public enum HealthChecker {
    public static func main(_ arguments: [String]) -> Never {
        guard let parsed = CheckedHealth.program(in: ["unitify", CheckedHealth.verb] + arguments) else {
            failBeforeTheProgram("usage: unitify \(CheckedHealth.verb) NAME EVERY FAILURES CHECK PROGRAM -- ARGV… (systemd runs this for a job with a health check)", status: 2)
        }
        let program = getpid()
        let started = startTime(of: program)
        do {
            try leaveBehind("the health checker") {
                for signal in [SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGPIPE, SIGALRM, SIGTSTP, SIGTTIN, SIGTTOU, SIGWINCH] {
                    Glibc.signal(signal, SIG_IGN)
                }
                Checker(name: parsed.name, health: parsed.health, program: program, started: started).run()
            }
        } catch {
            failBeforeTheProgram("unitify: \(error.message)", status: 1)
        }
        becomeProgram(parsed.executable, parsed.argv)
    }

    /// Field 22 of `/proc/PID/stat`, the process's start time in clock ticks since boot; nil
    /// when it is gone.
    static func startTime(of pid: pid_t) -> String? {
        guard let text = readTextFile("/proc/\(pid)/stat"), let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After the name: state is field 3, so start time (22) is the 20th.
        return fields.count > 19 ? String(fields[19]) : nil
    }
}

struct Checker {
    let name: String
    let health: HealthCheck
    let program: pid_t
    let started: String?

    func run() -> Never {
        var failures = 0
        var lastFailure: String?
        let directory = CheckedHealth.directory(runtimeDirectory: getenv("XDG_RUNTIME_DIR").map { String(cString: $0) })
        let restarts = readTextFile("\(directory)/\(name)").flatMap(HealthState.init(parsing:))?.restartsCarried ?? 0
        while true {
            waitOneRound()
            let failure = Probe.check(health.probe, timeout: health.timeout)
            guard programLives() else { _exit(0) }
            if let failure {
                failures += 1
                lastFailure = failure
            } else {
                failures = 0
            }
            var state = HealthState(checkedAt: Self.now(), check: health.probe.description, failures: failures, limit: health.failures,
                                    lastFailure: lastFailure, restarts: restarts)
            Self.write(state, directory: directory, name: name)
            if failures >= health.failures {
                say("unitify: health check \(health.probe) failed \(failures) times in a row (\(failure ?? "failed")): restarting")
                (state.restarts, state.restarting) = (restarts + 1, true)
                Self.write(state, directory: directory, name: name)
                if let problem = restart() {
                    say("unitify: cannot restart \(name): \(problem)")
                    failures = 0
                    (state.restarts, state.restarting) = (restarts, false)
                    Self.write(state, directory: directory, name: name)
                }
            }
        }
    }

    /// Sleeps EVERY, in steps of a second at most, and ends the checker when the program has.
    func waitOneRound() {
        var left = health.every.microseconds
        while left > 0 {
            let step = min(left, 1_000_000)
            usleep(UInt32(step))
            left -= step
            if !programLives() { _exit(0) }
        }
    }

    func programLives() -> Bool {
        kill(program, 0) == 0 && HealthChecker.startTime(of: program) == started
    }

    func say(_ line: String) {
        _ = writeAll(STDERR_FILENO, Array((line + "\n").utf8))
    }

    /// Asks the job's manager for a restart of the job ("replace"): the user manager at
    /// `$XDG_RUNTIME_DIR`, or the system manager for root without one. nil: asked.
    func restart() -> String? {
        do {
            let bus: Bus
            if let runtime = getenv("XDG_RUNTIME_DIR").map({ String(cString: $0) }), !runtime.isEmpty {
                bus = try Bus.userManager(runtimeDirectory: runtime)
            } else if getuid() == 0 {
                bus = try Bus.system()
            } else {
                return "no XDG_RUNTIME_DIR to find the user manager by"
            }
            _ = try Manager(bus: bus).restartUnit(name + ".service")
            return nil
        } catch {
            return "\(error)"
        }
    }

    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec / 1_000_000) / 1000
    }

    /// The state file, replaced whole (a temporary file renamed over it): 0600 in a 0700 directory.
    static func write(_ state: HealthState, directory: String, name: String) {
        var path = ""
        for part in directory.split(separator: "/") {
            path += "/" + part
            mkdir(path, 0o700)
        }
        let target = "\(directory)/\(name)"
        let temporary = "\(target).\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        _ = writeAll(fd, Array(state.text.utf8))
        close(fd)
        if rename(temporary, target) != 0 { unlink(temporary) }
    }
}
