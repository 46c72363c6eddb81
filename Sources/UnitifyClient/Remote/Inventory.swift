import UnitifyCore

extension AnsibleInventory {
    /// Ansible's own default, when neither `--inventory` nor `ANSIBLE_INVENTORY` names one.
    public static let defaultPath = "/etc/ansible/hosts"

    /// The inventory `--host @GROUP` reads, found as Ansible finds it: `--inventory`, else the
    /// first file of `ANSIBLE_INVENTORY` (a comma-separated list there), else /etc/ansible/hosts.
    public static func path(option: String?) -> String {
        if let option { return option }
        if let listed = Environment.value("ANSIBLE_INVENTORY")?.split(separator: ",").map({ String($0).trimmingSpaces() }).first(where: { !$0.isEmpty }) {
            return listed
        }
        return defaultPath
    }

    /// The inventory at `path`, read and checked; a directory (Ansible's inventory plugins, scripts)
    /// is refused in one line, as unitify reads one file without running anything.
    public static func load(_ path: String) throws(UnitifyError) -> AnsibleInventory {
        let host = LocalJobSite()
        switch host.fileKind(path) {
        case .missing: throw .usage("no inventory at \(path) for --host @GROUP: name one with --inventory FILE or ANSIBLE_INVENTORY")
        case .directory: throw .usage("the inventory \(path) is a directory: unitify reads one INI or YAML file; name it with --inventory FILE")
        default: return try AnsibleInventory(text: try host.readText(path), path: path)
        }
    }
}
