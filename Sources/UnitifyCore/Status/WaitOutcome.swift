/// `unitify wait`'s exit status: the shell's `wait` for jobs that are not its children.
public enum WaitOutcome {
    /// How one job ended, in the order the jobs ended.
    public struct Ending: Sendable, Equatable {
        public var unit: String
        /// nil when the manager kept no exit status (the unit was already gone).
        public var exit: ProcessExit?
        /// systemd's verdict: `failed` even when the process exited 0 (a start limit, a timeout).
        public var failed: Bool
        /// systemd's word for how the last run ended (`start-limit-hit`...), when it kept one.
        public var result: UnitResult?

        public init(unit: String, exit: ProcessExit?, failed: Bool, result: UnitResult? = nil) {
            self.unit = unit
            self.exit = exit
            self.failed = failed
            self.result = result
        }

        /// In words, after the job's name: `exited with status 3`, `was killed by SIGKILL`,
        /// `exited with status 0, then failed (start-limit-hit)`.
        public var words: String {
            guard let exit else { return failed ? "failed" + (result.map { " (\($0.rawValue))" } ?? "") : "had already ended" }
            guard failed && exit.isSuccess else { return exit.words }
            return exit.words + ", then failed" + (result.map { " (\($0.rawValue))" } ?? "")
        }

        /// The shell's number for this ending: the exit code, 128 + N for signal N, 1 for a
        /// failure without a failing exit code.
        public var status: Int32 {
            if let exit, !exit.isSuccess { return exit.shellStatus }
            return failed ? 1 : 0
        }
    }

    /// Exit status 124 when the jobs did not end within `--timeout`, as timeout(1) leaves with.
    public static let timedOut: Int32 = 124

    /// 0 when every job succeeded, else the status of the first to fail (in the order they ended).
    public static func exitStatus(_ endings: [Ending]) -> Int32 {
        endings.first { $0.status != 0 }?.status ?? 0
    }
}
