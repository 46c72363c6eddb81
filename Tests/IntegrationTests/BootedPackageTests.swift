import Glibc
import Testing

/// The package (`make deb`, `make dist`; run by `make test-package`) where users install it:
/// clean booted Debian machines with no Swift and no package index, where `apt install
/// ./unitify_….deb` must install it from the file alone and the nohup promise must then hold; and bullseye, whose
/// glibc (2.31) is older than the binary needs, where apt must refuse it in its own words.
@Suite(.enabled(if: Booted.enabled, Booted.reason))
struct BootedPackageTests {
    /// The package under test, from `make test-package`.
    static func path(_ variable: String) throws -> String {
        try #require(getenv(variable).map { String(cString: $0) },
                     "\(variable) is not set: the package to test (make test-package sets it)")
    }

    static let installedFiles = [
        "/usr/bin/unitify", "/usr/share/man/man1/unitify.1.gz",
        "/usr/share/bash-completion/completions/unitify", "/usr/share/zsh/vendor-completions/_unitify",
        "/usr/share/fish/vendor_completions.d/unitify.fish",
        "/usr/share/doc/unitify/copyright", "/usr/share/doc/unitify/changelog.gz",
    ]

    /// Copies the .deb into the machine's /tmp under its own name; returns that name.
    static func copyPackage(_ deb: String, into machine: TestMachine) throws -> String {
        let file = String(deb.split(separator: "/").last!)
        let copied = runClean(["sh", "-c", #""$0" root "$1" sh -c 'cat >"/tmp/$0"' "$2" <"$3""#,
                               Booted.script, machine.name, file, deb])
        try #require(copied.status == 0, "copying \(deb) into \(machine.name): \(copied.stderr)")
        return file
    }

    /// apt's own install of a local file, as a user would type it.
    static func aptInstall(_ file: String, on machine: TestMachine) -> Completed {
        machine.root("cd /tmp && DEBIAN_FRONTEND=noninteractive apt install -y ./\(file) 2>&1")
    }

    @Test(arguments: ["bookworm", "trixie", "forky"])
    func aptInstallsItAndTheNohupPromiseHolds(release: String) throws {
        let deb = try Self.path("UNITIFY_PACKAGE_DEB")
        try withMachine("pkg-\(release)", release: release, withUnitify: false) { machine in
            // Clean: no Swift, no unitify, and no package index: apt has nothing to download from,
            // so whatever it installs comes from the file and what the machine has.
            #expect(machine.root("command -v swift || ls /usr/local/bin/unitify /usr/bin/unitify").status != 0)
            #expect(machine.root("ls /var/lib/apt/lists | grep -q _Packages").status != 0, "the machine has a package index")
            let packages = { machine.root("dpkg-query -W -f '${Package}\\n'").stdout.lines.map(String.init) }
            let before = packages()

            let file = try Self.copyPackage(deb, into: machine)
            let installed = Self.aptInstall(file, on: machine)
            #expect(installed.status == 0, "\(installed.stdout)")
            #expect(installed.stdout.contains("Setting up unitify ("), "\(installed.stdout)")
            #expect(Set(packages()).subtracting(before) == ["unitify"], "apt installed more than unitify:\n\(installed.stdout)")
            for path in Self.installedFiles {
                #expect(machine.root("dpkg -S \(path)").stdout.hasPrefix("unitify: "), "\(path) is not unitify's")
            }
            #expect(machine.root("command -v unitify").stdout.trimmed == "/usr/bin/unitify")

            // A job outlives the login that started it (linger turned on by unitify).
            let session = machine.login("alice", "unitify run --name j -- sleep 1000 && \(BootedMachineTests.printPID)")
            #expect(session.status == 0, "\(session.stderr)")
            let pid = try #require(session.stdout.marker("PID").flatMap { Int($0) }, "\(session.stdout)\(session.stderr)")
            // The witness: bob logs in and out after alice; his manager stops once the delay passed.
            #expect(machine.login("bob", "true").status == 0)
            #expect(machine.waitForManagerStop(uid: 1001), "bob's manager did not stop: the delay never passed")
            #expect(machine.isRunning(pid), "alice's job (pid \(pid)) died at logout")

            // A persistent job is back after a reboot, with nobody logged in.
            let persistent = machine.login("alice", "unitify run --persistent --name p -- sleep 1000")
            #expect(persistent.status == 0, "\(persistent.stderr)")
            try machine.reboot()
            try #require(machine.waitForManager(uid: 1000, within: 60), "alice's manager did not start at boot")
            let active = machine.root("""
                \(machine.asUser(1000)) sh -c 'for i in $(seq 200); do systemctl --user is-active -q p.service && break; sleep 0.1; done
                  systemctl --user is-active p.service'
                """)
            #expect(active.stdout.trimmed == "active", "p.service after the reboot: \(active.stdout)\(active.stderr)")
            let after = try #require(Int(machine.userProperty(uid: 1000, "p.service", "MainPID")))
            #expect(after != 0 && machine.isRunning(after))
            let status = machine.root("\(machine.asUser(1000)) unitify status")
            let row = status.stdout.lines.first { $0.hasPrefix("p ") }.map(String.init) ?? ""
            #expect(status.status == 0 && row.contains(" running ") && row.contains(" persistent "), "\(status.stdout)\(status.stderr)")
        }
    }

    @Test func bullseyesAptRefusesItForItsGlibc() throws {
        let deb = try Self.path("UNITIFY_PACKAGE_DEB")
        try withMachine("pkg-bullseye", release: "bullseye", withUnitify: false) { machine in
            let file = try Self.copyPackage(deb, into: machine)
            let refused = Self.aptInstall(file, on: machine)
            #expect(refused.status == 100, "\(refused.stdout)")
            #expect(refused.stdout.contains("unitify : Depends: libc6 (>= 2.34) but 2.31"), "\(refused.stdout)")
            #expect(machine.root("dpkg -s unitify").status != 0, "unitify is installed after apt refused it")
            #expect(!machine.fileExists("/usr/bin/unitify"))
        }
    }

    /// `make dist`'s tarball holds the files of the .deb, under bin/ and share/ (zsh's directory is
    /// the one for /usr/local), the binary byte for byte.
    @Test func tarballHoldsThePackagesFiles() throws {
        let deb = try Self.path("UNITIFY_PACKAGE_DEB")
        let tarball = try Self.path("UNITIFY_PACKAGE_TARBALL")
        let scratch = makeTemporaryDirectory()
        defer { _ = runClean(["rm", "-rf", scratch]) }
        #expect(runClean(["dpkg-deb", "-x", deb, scratch + "/deb"]).status == 0)
        #expect(runClean(["mkdir", scratch + "/tar"]).status == 0)
        #expect(runClean(["tar", "-xzf", tarball, "-C", scratch + "/tar"]).status == 0)
        let files = { (dir: String) in
            runClean(["sh", "-c", #"cd "$0" && find . -type f | sort"#, dir]).stdout.lines.map(String.init)
        }
        let fromDeb = files(scratch + "/deb/usr").map { $0.replacing("/zsh/vendor-completions/", with: "/zsh/site-functions/") }
        let tops = runClean(["ls", scratch + "/tar"]).stdout.lines
        try #require(tops.count == 1 && tops[0].hasPrefix("unitify-"), "\(tops)")
        let top = scratch + "/tar/" + tops[0]
        #expect(files(top) == fromDeb.sorted())
        #expect(fromDeb.count == Self.installedFiles.count, "\(fromDeb)")
        #expect(runClean(["cmp", scratch + "/deb/usr/bin/unitify", top + "/bin/unitify"]).status == 0)
    }
}
