import ArgumentParser
import UnitifyClient

/// `--system`, for every command that has a meaning for it.
struct ScopeOptions: ParsableArguments {
    @Flag(help: "Use the system manager, /etc/systemd/system and the system journal (root only).")
    var system = false

    var scope: ManagerScope { system ? .system : .user }
}
