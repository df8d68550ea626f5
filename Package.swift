// swift-tools-version:6.0
import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "agent-telemetry",
    products: [
        .executable(name: "collector", targets: ["collector"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // C boundaries: headers and link flags only.
        .target(name: "CLinux"),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CTLS", pkgConfig: "libssl", providers: [.apt(["libssl-dev"])]),

        .target(name: "JSON", swiftSettings: strict),
        // Hex, RFC 3339 and HTTP dates, HTTP whitespace: small text forms the server, collector and client share.
        .target(name: "TextFormats", swiftSettings: strict),
        .target(name: "Spool", swiftSettings: strict),
        .target(
            name: "Threads",
            dependencies: ["CLinux", .product(name: "DequeModule", package: "swift-collections")],
            swiftSettings: strict
        ),
        .target(
            name: "HTTPServer",
            dependencies: ["CLinux", "Threads", "TextFormats", .product(name: "DequeModule", package: "swift-collections")],
            swiftSettings: strict
        ),
        .target(
            name: "Postgres",
            dependencies: ["CLibPQ", "Threads", .product(name: "DequeModule", package: "swift-collections")],
            swiftSettings: strict
        ),
        .target(
            name: "Collector",
            dependencies: [
                "HTTPServer", "Postgres", "JSON", "Spool", "CCrypto", "CLinux", "Threads", "CZlib", "TextFormats",
                "OTLPProtobuf", .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: strict
        ),
        // OTLP's protobuf messages (Generated/, from scripts/generate-otlp-proto) and their decoding with limits.
        .target(
            name: "OTLPProtobuf",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")],
            exclude: ["Generated/README.md"],
            swiftSettings: strict
        ),
        // The `collector send` client: sockets, TLS, spool; knows the API's paths but nothing of the server.
        .target(name: "CollectorClient", dependencies: ["JSON", "Threads", "CLinux", "CTLS", "TextFormats"],
                swiftSettings: strict),
        .executableTarget(
            name: "collector",
            dependencies: [
                "Collector", "CollectorClient", "Postgres", "HTTPServer", "CLinux", "Spool",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        // libFuzzer targets (scripts/fuzz); built normally they replay a corpus once.
        .target(name: "CFuzzer", path: "Fuzz/CFuzzer"),
        .target(name: "FuzzReplay", dependencies: ["CFuzzer"], path: "Fuzz/Replay", swiftSettings: strict),
        .executableTarget(name: "fuzz-http-parser", dependencies: ["HTTPServer", "FuzzReplay"], path: "Fuzz/HTTPParser",
                          swiftSettings: strict),
        .executableTarget(name: "fuzz-event-decoder", dependencies: ["Collector", "JSON", "Postgres", "FuzzReplay"],
                          path: "Fuzz/EventDecoder", swiftSettings: strict),
        .executableTarget(
            name: "fuzz-otlp-protobuf",
            dependencies: ["OTLPProtobuf", "FuzzReplay", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            path: "Fuzz/OTLPProtobuf", swiftSettings: strict
        ),

        .target(name: "TestSupport", dependencies: ["Postgres"], path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(name: "ThreadsTests", dependencies: ["Threads"], swiftSettings: strict),
        .testTarget(name: "SpoolTests", dependencies: ["Spool"], swiftSettings: strict),
        .testTarget(name: "JSONTests", dependencies: ["JSON"], swiftSettings: strict),
        // Protobuf bytes built by hand, for the malformed bodies no encoder writes.
        .target(name: "OTLPTestSupport", dependencies: ["OTLPProtobuf", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
                path: "Tests/OTLPTestSupport", swiftSettings: strict),
        .testTarget(
            name: "OTLPProtobufTests",
            dependencies: ["OTLPProtobuf", "OTLPTestSupport", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            swiftSettings: strict
        ),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "CLinux", "TestSupport", "Threads"], swiftSettings: strict),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "TestSupport"], swiftSettings: strict),
        // A collector in this process against its own database, for the tests of everything that talks to one.
        .target(name: "CollectorTestSupport", dependencies: ["Collector", "HTTPServer", "Postgres", "TestSupport",
                                                             .product(name: "Logging", package: "swift-log")],
                path: "Tests/CollectorTestSupport", swiftSettings: strict),
        .testTarget(
            name: "CollectorTests",
            dependencies: ["Collector", "HTTPServer", "Postgres", "JSON", "TestSupport", "CollectorTestSupport", "CLinux",
                           "OTLPProtobuf", "OTLPTestSupport", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CollectorClientTests",
            dependencies: ["CollectorClient", "Collector", "HTTPServer", "Postgres", "TestSupport", "CollectorTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CollectorCommandTests",
            dependencies: ["Collector", "HTTPServer", "Postgres", "TestSupport", "CollectorTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(name: "TextFormatsTests", dependencies: ["TextFormats"], swiftSettings: strict),
    ]
)
