// swift-tools-version:6.1
// libFuzzer targets for tokentop's parsers and decoders; build and run them with scripts/fuzz.sh.
import PackageDescription

let package = Package(
    name: "TokentopFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "tokentop", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "TokentopFuzz",
            dependencies: [.product(name: "TokentopFuzzable", package: "tokentop")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
