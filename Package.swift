// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "unitify",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "unitify", targets: ["unitify"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.4.0"),
    ],
    targets: [
        // libsystemd's sd-bus and sd-journal, as Debian's libsystemd-dev ships them.
        .systemLibrary(
            name: "CSystemd",
            pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]
        ),
        // The safe wrapper: the only module that touches C.
        .target(name: "Systemd", dependencies: ["CSystemd"]),
        // Pure logic with no C: the unit model, names, durations, parsing, rendering.
        .target(name: "UnitifyCore"),
        // unitify's jobs on a live manager and journal (`Jobs`): the only layer the executable talks to.
        .target(
            name: "UnitifyClient",
            dependencies: ["Systemd", "UnitifyCore", .product(name: "SystemPackage", package: "swift-system")]
        ),
        .executableTarget(
            name: "unitify",
            dependencies: [
                "UnitifyClient", "UnitifyCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // What the test targets share: the seeded random generator.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "UnitifyCoreTests", dependencies: ["UnitifyCore", "TestSupport"]),
        // The client's pure parts (decoding properties, journal ordering), with no bus or daemon.
        .testTarget(name: "UnitifyClientTests", dependencies: ["UnitifyClient", "Systemd", "UnitifyCore", "TestSupport"]),
        .testTarget(name: "IntegrationTests", dependencies: ["UnitifyClient", "Systemd", "UnitifyCore", "TestSupport"]),
    ]
)
