/// A user manager's unit search path (its `UnitPath` property), read for where the user's own
/// unit files go on a host whose environment unitify does not see.
public enum UnitSearchPath {
    /// Trees that belong to the system or to the runtime, never the user's configuration.
    static let notTheUsers = ["/etc/", "/run/", "/usr/", "/lib/", "/var/"]

    /// `$XDG_CONFIG_HOME/systemd/user` (by default `~/.config/systemd/user`): the first entry
    /// that ends in `/systemd/user` outside the system's and runtime trees. systemd lists it after
    /// the `.control`, transient and generator directories (`lookup_paths_init`), which end
    /// otherwise.
    public static func userConfigDirectory(_ paths: [String]) -> String? {
        paths.first { path in
            path.hasSuffix("/systemd/user") && !notTheUsers.contains { path.hasPrefix($0) }
        }
    }
}
