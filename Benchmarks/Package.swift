// swift-tools-version:6.1
// Benchmarks live in their own package so that `swift test` at the top never builds their dependencies.
// Run: cd Benchmarks && swift package benchmark
import PackageDescription

// A path dependency is named after its folder: the project's checkout, whatever it is called.
let root = Context.packageDirectory.split(separator: "/").dropLast().last.map(String.init) ?? "tokentop"

let package = Package(
    name: "tokentop-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "TokentopBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Ingest", package: root),
                .product(name: "Telemetry", package: root),
                .product(name: "PackedSpans", package: root),
                .product(name: "Synthetic", package: root),
                .product(name: "Semantics", package: root),
                .product(name: "Store", package: root),
                .product(name: "CanvasKit", package: root),
                .product(name: "Views", package: root),
                .product(name: "LoadGenerator", package: root),
            ],
            path: "Benchmarks/TokentopBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Where a stored span's bytes go, measured as resident size in a process of its own (the
        // benchmark runner's malloc interposer would skew it): swift run -c release MemoryBreakdown
        .executableTarget(
            name: "MemoryBreakdown",
            dependencies: [
                .product(name: "Ingest", package: root),
                .product(name: "PackedSpans", package: root),
                .product(name: "Semantics", package: root),
                .product(name: "Store", package: root),
                .product(name: "LoadGenerator", package: root),
            ],
            path: "Sources/MemoryBreakdown",
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // The three steps of taking in a request timed apart (best of several rounds), for side-by-side
        // runs and instruction counts under callgrind: swift run -c release IngestSteps
        .executableTarget(
            name: "IngestSteps",
            dependencies: [
                .product(name: "Ingest", package: root),
                .product(name: "PackedSpans", package: root),
                .product(name: "Store", package: root),
                .product(name: "LoadGenerator", package: root),
            ],
            path: "Sources/IngestSteps",
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
