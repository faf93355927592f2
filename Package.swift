// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "aiscreen",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "aiscreen", targets: ["AIScreenCLI"]),
        .library(name: "RulesEngine", targets: ["RulesEngine"]),
        .library(name: "RulePacks", targets: ["RulePacks"]),
        // For the libFuzzer package in fuzz/ (it builds these with -sanitize=fuzzer).
        .library(name: "Wire", targets: ["Wire"]),
        .library(name: "FuzzTargets", targets: ["FuzzTargets"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        // The read-only HTTP server (Sources/Dashboard): health, metrics, journal API, live feed, dashboard page.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        // Pure: values, JSON, request schema, expression language, evaluation, verdicts. No I/O, no clock.
        .target(name: "RulesEngine"),
        // YAML rule packs -> compiled packs, pack test cases, pack digests. Reads files.
        .target(
            name: "RulePacks",
            dependencies: [
                "RulesEngine",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // libzmq from Debian (libzmq3-dev).
        // No pkgConfig: Debian's libzmq.pc adds `-isystem /usr/include/mit-krb5`, which SwiftPM refuses with a
        // "prohibited flag(s)" warning on every build; zmq.h is in /usr/include and the modulemap links zmq.
        // scripts/setup installs libzmq3-dev.
        .systemLibrary(name: "CZeroMQ"),
        // Thin Swift wrapper over libzmq; no domain types.
        .target(name: "ZeroMQ", dependencies: ["CZeroMQ"]),
        // The aiscreen wire protocol (docs/PROTOCOL.md): typed frames, pure codec.
        .target(name: "Wire"),
        // CURVE keys and who may connect where: key files, the key directory, principals, the ZAP handler.
        .target(name: "Security", dependencies: ["ZeroMQ"]),
        // The broker: a pure routing state machine and the thread that drives it with libzmq.
        .target(
            name: "Broker",
            dependencies: [
                "RulesEngine", "ZeroMQ", "Wire", "Security", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The durable journal of requests and verdicts (SQLite in WAL mode through GRDB), hash-chained.
        .target(
            name: "Journal",
            dependencies: [.product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto")]
        ),
        // A pack worker: evaluates one pack for the broker.
        .target(name: "Worker", dependencies: ["RulesEngine", "RulePacks", "ZeroMQ", "Wire", "Security"]),
        // One entry point per fuzz target (frames, request body, pack.yaml), each checking what must hold for any
        // input; shared by the libFuzzer executables in fuzz/ and the corpus replay test.
        .target(name: "FuzzTargets", dependencies: ["Wire", "RulesEngine", "RulePacks"]),
        // Log lines (swift-log handler, JSON or text) for the CLI to bootstrap; libraries only receive a Logger.
        .target(name: "Observability", dependencies: ["RulesEngine", .product(name: "Logging", package: "swift-log")]),
        // Readable renderings of a verdict for people, pure: the terminal explanation and the MED report (HTML, A4
        // print), in Danish and English, every untrusted text escaped.
        .target(name: "Reports", dependencies: ["RulesEngine"]),
        // The read-only HTTP server: /healthz, /readyz, /metrics, /api/…, /api/events (SSE) and the dashboard page.
        // Pure functions turn journal records, broker counters and feed messages into JSON and metrics; the
        // Hummingbird routes are a thin adapter over them. The only target that imports Hummingbird.
        .target(
            name: "Dashboard",
            dependencies: [
                "RulesEngine", "ZeroMQ", "Journal", "Broker", "Security", "Reports",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "AIScreenCLI",
            dependencies: [
                "RulesEngine", "RulePacks", "ZeroMQ", "Wire", "Broker", "Worker", "Journal", "Security", "Dashboard", "Reports", "Observability",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .testTarget(name: "RulesEngineTests", dependencies: ["RulesEngine"]),
        .testTarget(name: "RulePacksTests", dependencies: ["RulePacks", "RulesEngine", "FuzzTargets", "Reports"]),
        .testTarget(name: "ZeroMQTests", dependencies: ["ZeroMQ"]),
        .testTarget(name: "WireTests", dependencies: ["Wire"]),
        .testTarget(name: "SecurityTests", dependencies: ["Security", "ZeroMQ"]),
        // GRDB directly, to tamper with journal files the way an attacker with sqlite3 would.
        .testTarget(name: "JournalTests", dependencies: ["Journal", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(
            name: "BrokerTests",
            dependencies: ["Broker", "RulesEngine", "Wire", "Observability", .product(name: "Logging", package: "swift-log")]),
        .testTarget(
            name: "DashboardTests",
            dependencies: [
                "Dashboard", "Journal", "Broker", "RulesEngine", "RulePacks", "Reports", "Wire",
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]),
        // Real processes on loopback: builds on the `aiscreen` executable.
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "RulesEngine", "ZeroMQ", "Wire", "Worker", "RulePacks", "Broker", "Security", "Journal", "Observability",
                .product(name: "Logging", package: "swift-log"),
            ],
            // Peers/peer.py: the independent pyzmq peer the security tests run as a process.
            exclude: ["Peers"]),
    ],
    swiftLanguageModes: [.v6]
)

for target in package.targets where [.regular, .test, .executable].contains(target.type) {
    var settings = target.swiftSettings ?? []
    for feature in ["ExistentialAny", "MemberImportVisibility", "InternalImportsByDefault"] {
        settings.append(.enableUpcomingFeature(feature))
    }
    target.swiftSettings = settings
}
