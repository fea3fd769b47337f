// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "tokentop",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tokentop", targets: ["tokentop"]),
        // For the benchmarks package (Benchmarks/), which depends on this one by path.
        .library(name: "Telemetry", targets: ["Telemetry"]),
        .library(name: "PackedSpans", targets: ["PackedSpans"]),
        .library(name: "Synthetic", targets: ["Synthetic"]),
        .library(name: "Semantics", targets: ["Semantics"]),
        .library(name: "Store", targets: ["Store"]),
        .library(name: "Ingest", targets: ["Ingest"]),
        .library(name: "CanvasKit", targets: ["CanvasKit"]),
        .library(name: "Views", targets: ["Views"]),
        .library(name: "LoadGenerator", targets: ["LoadGenerator"]),
        .library(name: "History", targets: ["History"]),
        // For the fuzz targets in Fuzz/ (a separate package, so `swift test` never builds them).
        .library(name: "TokentopFuzzable", targets: ["Ingest", "Telemetry", "PackedSpans", "Semantics", "Store", "CanvasKit", "Views", "Config"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/pointfreeco/swift-snapshot-testing.git", from: "1.19.7"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CNcurses",
            path: "Sources/CNcurses",
            providers: [.apt(["libncurses-dev"])]
        ),
        .target(
            name: "OTLPWire",
            dependencies: [
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
            ],
            swiftSettings: strict
        ),
        // The wire-neutral telemetry model every decoder produces, and what ingest counts.
        .target(name: "Telemetry", swiftSettings: strict),
        // Spans as the store keeps them (packed bytes, numbered attribute keys), and the decoded batch.
        .target(name: "PackedSpans", dependencies: ["Telemetry"], swiftSettings: strict),
        // A seeded random generator for made-up telemetry: the demo, the load generator, synthetic history.
        .target(name: "Synthetic", swiftSettings: strict),
        // Normalization of every dialect, model names and prices: pure functions over the model.
        .target(name: "Semantics", dependencies: ["Telemetry", "PackedSpans", "TOMLReading", .product(name: "TOMLKit", package: "TOMLKit")],
                exclude: ["Pricing/LICENSE.genai-prices"], swiftSettings: strict),
        .target(
            name: "Store",
            dependencies: ["Semantics", "Telemetry", "PackedSpans", .product(name: "DequeModule", package: "swift-collections"),
                           .product(name: "HeapModule", package: "swift-collections"),
                           .product(name: "Prometheus", package: "swift-prometheus"),
                           .product(name: "Histogram", package: "hdrhistogram-swift")],
            swiftSettings: strict
        ),
        .target(
            name: "Ingest",
            dependencies: [
                "OTLPWire", "Telemetry", "PackedSpans",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strict
        ),
        // What any text screen needs: the canvas, styles and themes, key names, display width, the sanitizer.
        .target(name: "CanvasKit", resources: [.embedInCode("Themes")], swiftSettings: strict),
        .target(name: "Views", dependencies: ["CanvasKit", "Store", "Semantics", "Telemetry", "PackedSpans"], swiftSettings: strict),
        // The call ledger: counted calls in an SQLite file, and the spend history read from it.
        .target(name: "History", dependencies: ["Store", "Semantics", "Telemetry", "PackedSpans", "Synthetic", .product(name: "GRDB", package: "GRDB.swift"),
                                                .product(name: "DequeModule", package: "swift-collections")],
                swiftSettings: strict),
        .target(name: "TOMLReading", dependencies: [.product(name: "TOMLKit", package: "TOMLKit")], swiftSettings: strict),
        .target(name: "Config", dependencies: ["TOMLReading", .product(name: "TOMLKit", package: "TOMLKit")],
                swiftSettings: strict),
        .target(
            name: "LoadGenerator",
            dependencies: [
                "Ingest", "OTLPWire", "Telemetry", "PackedSpans", "Synthetic",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            swiftSettings: strict
        ),
        .target(name: "Terminal", dependencies: ["CNcurses", "CanvasKit"], swiftSettings: strict),
        // The log file (--log-file) and the problems a user must see while the screen is up.
        .target(name: "TokentopLog", dependencies: [.product(name: "Logging", package: "swift-log")], swiftSettings: strict),
        // The app below the command line: the dashboard loop, the demo, alert hooks, the sinks.
        .target(
            name: "TokentopApp",
            dependencies: [
                "Ingest", "OTLPWire", "Telemetry", "PackedSpans", "Synthetic", "Semantics", "Store", "CanvasKit", "Views",
                "Terminal", "History", "TokentopLog", "Config", "LoadGenerator", .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "tokentop",
            dependencies: [
                "TokentopApp", "Ingest", "OTLPWire", "Telemetry", "PackedSpans", "Semantics", "Store", "CanvasKit", "Views", "Terminal", "LoadGenerator", "History", "TokentopLog",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                "Config",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "SemanticsTests", dependencies: ["Semantics", "Telemetry", "PackedSpans", "Synthetic", "Ingest"], swiftSettings: strict),
        .testTarget(name: "ConfigTests", dependencies: ["Config", "TOMLReading", .product(name: "TOMLKit", package: "TOMLKit")],
                    swiftSettings: strict),
        .testTarget(
            name: "LoadGeneratorTests",
            dependencies: ["LoadGenerator", "Ingest", "Semantics", "Telemetry", "PackedSpans", "Synthetic", "OTLPWire",
                           .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            swiftSettings: strict
        ),
        .testTarget(name: "TokentopLogTests", dependencies: ["TokentopLog", .product(name: "Logging", package: "swift-log")],
                    swiftSettings: strict),
        .testTarget(name: "TokentopAppTests", dependencies: ["TokentopApp", "Terminal", "CanvasKit", "Views", "Store", "Semantics", "Telemetry", "PackedSpans", "Synthetic",
                                                            "Config", "Ingest",
                                                            "TokentopLog", .product(name: "Logging", package: "swift-log")],
                    swiftSettings: strict),
        .testTarget(name: "StoreTests", dependencies: ["Store", "Semantics", "Telemetry", "PackedSpans", "Synthetic",
                                                   .product(name: "Histogram", package: "hdrhistogram-swift")],
                    swiftSettings: strict),
        .testTarget(name: "HistoryTests", dependencies: ["History", "Store", "Semantics", "Telemetry", "PackedSpans", "Synthetic", "Ingest",
                                                         .product(name: "GRDB", package: "GRDB.swift")],
                    swiftSettings: strict),
        .testTarget(
            name: "IngestTests",
            dependencies: ["Ingest", "OTLPWire", "Semantics", "Telemetry", "PackedSpans", "Synthetic", "Store",
                           .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                           .product(name: "GRPCCore", package: "grpc-swift-2"),
                           .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                           .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ViewsTests",
            dependencies: ["CanvasKit", "Views", "Store", "Semantics", "Telemetry", "PackedSpans", "Synthetic", "Terminal", "Ingest", "History",
                           .product(name: "SnapshotTesting", package: "swift-snapshot-testing")],
            exclude: ["__Snapshots__"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["Ingest", "OTLPWire", "History", "Store", "Telemetry", "PackedSpans",
                           .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "GRPCCore", package: "grpc-swift-2"),
                           .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport")],
            swiftSettings: strict
        ),
    ]
)
