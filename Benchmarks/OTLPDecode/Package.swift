// swift-tools-version:6.0
import PackageDescription

// Decode throughput and allocations of OTLP protobuf: swift-protobuf's generated messages against the hand-written
// OTLPTraceDecoder (docs/performance.md, "OTLP protobuf decoding"). A package of its own, so that only
// scripts/bench-otlp-decode builds it; Sources/OTLPProtobuf is a link to the collector's module.
let package = Package(
    name: "otlp-decode-bench",
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        .target(
            name: "OTLPProtobuf",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")],
            exclude: ["Generated/README.md"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "otlp-decode-bench",
            dependencies: ["OTLPProtobuf", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
