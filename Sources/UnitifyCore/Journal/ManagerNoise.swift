/// The service manager's lines about a job that say nothing about the job: those systemd itself
/// ends with ", ignoring" (`Failed to read pids.max for control group …, ignoring: No data
/// available`, twice per stop on systemd 262 where the pids controller is not delegated; `Unknown
/// key name 'RestartSteps' in section 'Service', ignoring.` from systemd before 254). systemd
/// logs them at the priority of a real failure (warning, as `Failed with result 'exit-code'`), so
/// no priority sets them apart; its own words do: it carried on as if nothing had happened.
///
/// A job's last lines (in `status NAME` and in the report of a crash) leave them out: there each
/// line is one of ten, and two about the manager's cgroup bookkeeping would push out the job's
/// own. `journal` shows every line, as `journalctl --user-unit` does: it is the whole record.
/// Only the manager's lines are judged: the job's own output is shown whatever it says.
public enum ManagerNoise {
    public static func isNoise(_ message: String) -> Bool {
        message.hasSuffix(", ignoring") || message.hasSuffix(", ignoring.") || message.contains(", ignoring: ")
    }
}
