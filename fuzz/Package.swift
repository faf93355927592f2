// swift-tools-version: 6.2
// libFuzzer executables for aiscreen's decoders (README, "Fuzzing"). Not part of the main build or of
// scripts/test; build and run them with scripts/fuzz. Every target calls the real decoders through the
// root package's FuzzTargets library, which the corpus replay test in `swift test` uses as well.
import PackageDescription

let package = Package(
    name: "aiscreen-fuzz",
    dependencies: [.package(name: "aiscreen", path: "..")],
    targets: [
        // Hands control to libFuzzer (LLVMFuzzerRunDriver) and traps on a FuzzViolation.
        .target(name: "FuzzDriver", dependencies: [.product(name: "FuzzTargets", package: "aiscreen")]),
        .executableTarget(name: "FuzzFrames", dependencies: ["FuzzDriver", .product(name: "FuzzTargets", package: "aiscreen")]),
        .executableTarget(name: "FuzzRequest", dependencies: [
            "FuzzDriver", .product(name: "FuzzTargets", package: "aiscreen"),
            .product(name: "RulesEngine", package: "aiscreen"),
        ]),
        .executableTarget(name: "FuzzPack", dependencies: ["FuzzDriver", .product(name: "FuzzTargets", package: "aiscreen")]),
        .executableTarget(name: "FuzzPackResult", dependencies: ["FuzzDriver", .product(name: "FuzzTargets", package: "aiscreen")]),
    ],
    swiftLanguageModes: [.v6]
)
