import Systemd
import UnitifyCore

/// The manager's systemd release, against the table of what each release brought
/// (`SystemdFeature`): asked once per connection, and only by what depends on it.
extension Jobs {
    /// The major version of the manager's systemd (`252` of `252.39-1~deb12u2`); nil when it does
    /// not say.
    public func systemdRelease() throws(SystemdError) -> Int? {
        if let release { return release }
        let major = (try manager.property("Version"))?.string.flatMap(SystemdFeature.majorVersion)
        release = .some(major)
        return major
    }

    /// Fails, in one line naming what is missing and the release that brought it, when this
    /// manager lacks something `spec` needs: called before anything of the job is created.
    /// A job that needs nothing newer than what every supported release has costs no round trip.
    public func requireFeatures(for spec: UnitSpec, keepLoaded: Bool = false) throws {
        let needed = SystemdFeature.needed(by: spec, keepLoaded: keepLoaded)
        guard needed.contains(where: { $0.version > SystemdFeature.floor }) else { return }
        if let refusal = SystemdFeature.refusal(for: spec, keepLoaded: keepLoaded, major: try systemdRelease()) { throw refusal }
    }

    /// `spec` as this manager can run it as a transient unit, and the note that says what it does
    /// instead (`SystemdFeature.adapted`). A job that asks nothing newer costs no round trip.
    public func adapted(_ spec: UnitSpec) throws(SystemdError) -> (spec: UnitSpec, note: String?) {
        guard spec.restartBackoff != nil else { return (spec, nil) }
        return SystemdFeature.adapted(spec, major: try systemdRelease())
    }

    /// The names of the loaded units in unitify's slice: its `SliceOf`, asked together with the
    /// manager's version (one round trip); before 249, which has no `SliceOf`, the loaded services
    /// whose `Slice` is unitify's.
    public func managedUnits() throws(SystemdError) -> [String] {
        let slice = Manager.unitPath(UnitSpec.slice)
        let answers = try manager.bus.properties(destination: Manager.destination, [
            (path: Manager.objectPath, interface: Manager.interface, name: "Version"),
            (path: slice, interface: "org.freedesktop.systemd1.Unit", name: "SliceOf"),
        ])
        let major = answers[0]?.string.flatMap(SystemdFeature.majorVersion)
        if release == nil { release = .some(major) }
        if SystemdFeature.sliceMembers.isAvailable(on: major) {
            return (answers[1]?.stringArray ?? []).sorted()
        }
        let services = try manager.loadedUnits(matching: ["*.service"])
        let slices = try manager.unitProperties(services, [(interface: "org.freedesktop.systemd1.Service", name: "Slice")])
        return zip(services, slices).filter { $0.1["Slice"]?.string == UnitSpec.slice }.map(\.0).sorted()
    }
}
