import Testing
@testable import UnitifyCore

/// The table of what each systemd release brought, and the decisions made from it.
struct SystemdFeatureTests {
    let plain = UnitSpec(name: "job.service", argv: ["sleep", "100"], executable: "/bin/sleep", workingDirectory: "/")

    @Test func theTableSaysWhichReleaseBroughtWhat() {
        let versions = Dictionary(uniqueKeysWithValues: SystemdFeature.allCases.map { ($0.setting, $0.version) })
        #expect(versions == ["Type=exec": 240, "append:": 240, "AddRef": 240, "truncate:": 248, "SliceOf": 249,
                             "OnSuccess=": 249, "MONITOR_* variables": 251, "RestartSteps=": 254])
        #expect(SystemdFeature.floor == 240)
        #expect(SystemdFeature.sliceMembers.isAvailable(on: 249))
        #expect(!SystemdFeature.sliceMembers.isAvailable(on: 247))
        // A manager that does not say its version is taken at its word when it acts.
        #expect(SystemdFeature.onSuccess.isAvailable(on: nil))
    }

    @Test func whatAJobNeeds() {
        #expect(SystemdFeature.needed(by: plain) == [.execType])
        var spec = plain
        spec.standardOutput = .truncate("/tmp/out")
        spec.standardError = .append("/tmp/err")
        spec.hooks = ExitHooks(onExit: "echo done")
        #expect(SystemdFeature.needed(by: spec, keepLoaded: true) == [.execType, .appendOutput, .addRef, .truncateOutput, .onSuccess])
        // --on-failure alone is OnFailure=, which every release has.
        spec = plain
        spec.hooks = ExitHooks(onFailure: "echo failed")
        #expect(SystemdFeature.needed(by: spec) == [.execType])
    }

    @Test func aJobIsRefusedInOneLineNamingTheFeatureAndTheRelease() {
        var onExit = plain
        onExit.hooks = ExitHooks(onExit: "echo done")
        let refusal = SystemdFeature.refusal(for: onExit, major: 247)
        #expect(refusal?.message == "--on-exit needs systemd 249 or later (OnSuccess=); this manager runs 247: use --on-failure, which every systemd has")
        #expect(refusal?.exitStatus == 1)
        #expect(SystemdFeature.refusal(for: onExit, major: 249) == nil)
        #expect(SystemdFeature.refusal(for: onExit, major: nil) == nil)

        var truncating = plain
        truncating.standardOutput = .truncate("/tmp/out")
        #expect(SystemdFeature.refusal(for: truncating, major: 247)?.message
            == "'>' in --line needs systemd 248 or later (truncate:); this manager runs 247: use '>>' instead")
        #expect(SystemdFeature.refusal(for: truncating, major: 248) == nil)
        // The oldest missing feature first: below 240 nothing works at all.
        #expect(SystemdFeature.refusal(for: truncating, major: 239)?.message.hasPrefix("unitify needs systemd 240 or later (Type=exec)") == true)
        #expect(SystemdFeature.refusal(for: plain, major: 247) == nil)
    }

    @Test func majorVersions() {
        #expect(SystemdFeature.majorVersion("247.3-7+deb11u5") == 247)
        #expect(SystemdFeature.majorVersion("262-1") == 262)
        #expect(SystemdFeature.majorVersion("v255-rc1") == 255)
        #expect(SystemdFeature.majorVersion("unknown") == nil)
    }

    @Test func theManagersNoise() {
        #expect(ManagerNoise.isNoise("job.service: Failed to read pids.max for control group /user.slice/user-1000.slice/user@1000.service/app.slice/app-unitify.slice/job.service, ignoring: No data available"))
        #expect(ManagerNoise.isNoise("Failed to set up cgroup, ignoring"))
        #expect(!ManagerNoise.isNoise("job.service: Failed with result 'exit-code'."))
        #expect(!ManagerNoise.isNoise("job.service: Main process exited, code=exited, status=3/NOTIMPLEMENTED"))
        #expect(!ManagerNoise.isNoise("Started job.service - sleep 100."))
    }
}
