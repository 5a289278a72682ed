// swift-tools-version:6.1
import PackageDescription

// One target per layer so the layers cannot leak into each other:
// C shims -> KafkaCompression -> KafkaProtocol (pure wire) -> KafkaFast (client) -> kfast (CLI).
let package = Package(
    name: "kafka-fast",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "KafkaProtocol", targets: ["KafkaProtocol"]),
        .library(name: "KafkaFast", targets: ["KafkaFast"]),
        .executable(name: "kfast", targets: ["kfast"]),
        .executable(name: "KafkaBench", targets: ["KafkaBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-atomics.git", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // TLS (bundles BoringSSL: no OpenSSL from the system) and SCRAM's HMAC/SHA-2.
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        // `swift package generate-documentation` (`make docs`): a plugin only, nothing of it is linked.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // System libraries (Debian -dev packages); the build fails with the package name when one is missing.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CLZ4", path: "Sources/CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CSnappy", path: "Sources/CSnappy", providers: [.apt(["libsnappy-dev"])]),
        .systemLibrary(name: "CDeflate", path: "Sources/CDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"])]),
        .target(name: "CCRC32C", path: "Sources/CCRC32C"),
        // No pkgConfig: ncursesw.pc only adds feature macros SwiftPM refuses; the shim header sets its own.
        .systemLibrary(name: "CNcursesw", path: "Sources/CNcursesw", providers: [.apt(["libncursesw5-dev"])]),

        .target(
            name: "KafkaCompression",
            dependencies: ["CZlib", "CDeflate", "CLZ4", "CZstd", "CSnappy", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .target(
            name: "KafkaProtocol",
            dependencies: [
                "CCRC32C", "KafkaCompression",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(
            name: "KafkaFast",
            dependencies: [
                "KafkaProtocol", "KafkaCompression",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["README.md"]
        ),
        // kfast's message formats (raw bytes split by a delimiter, kcat's JSON envelope read and
        // written, the buffered stdout writer), apart so the fuzz targets and the dashboard's
        // adapter (which saves messages in the same envelope) reach them.
        .target(name: "KfastFormats", dependencies: ["KafkaFast", .product(name: "NIOCore", package: "swift-nio")]),
        // The dashboard's Kafka side: KafkaFast's clients, metrics and admin calls mapped onto
        // KafkaDashboard's input types (its DashboardDataSource), and the load generator.
        .target(
            name: "KafkaDashboardAdapter",
            dependencies: ["KafkaFast", "KafkaDashboard", "KfastFormats", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .executableTarget(
            name: "kfast",
            dependencies: [
                "KafkaFast", "KafkaDashboard", "KafkaDashboardAdapter", "KfastFormats",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // SwiftPM exports every symbol of an executable (33,736 in kfast), and at each start the
            // Swift runtime's one dladdr on itself walked that whole table: 1.3M instructions and
            // 2.8 MB of pages. kfast is loaded by nobody, so it exports only what its libraries
            // need (523). kfast topics: 9.9 to 8.8 ms. (Unsafe flags only make the kfast product
            // unusable as a dependency, which it never is; the library products are untouched.)
            linkerSettings: [.unsafeFlags(["-Xlinker", "--no-export-dynamic"])]
        ),
        // libFuzzer targets (built with -DFUZZING by Tests/Fuzz/run-fuzz.sh) and, without it, the
        // runner `make test` smoke-tests them with (Sources/KafkaFuzz/FuzzTarget.swift).
        .executableTarget(
            name: "KafkaFuzz",
            dependencies: [
                "KafkaFast", "KafkaProtocol", "KafkaCompression", "KfastFormats",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        // Micro-benchmarks; meaningful only in release (`swift build -c release --product KafkaBench`).
        .executableTarget(
            name: "KafkaBench",
            dependencies: [
                "KafkaProtocol", "KafkaCompression", "KafkaDashboard", "CZlib", "CDeflate", "CLZ4", "CZstd",
                .product(name: "NIOCore", package: "swift-nio"),
            ]),

        // Small programs that show the library in use; built by `make build`, run by `make test`.
        .executableTarget(name: "example-hello-world", dependencies: ["KafkaFast"], path: "Sources/Examples/HelloWorld"),
        .executableTarget(name: "example-produce-benchmark", dependencies: ["KafkaFast"], path: "Sources/Examples/ProduceBenchmark"),
        .executableTarget(
            name: "example-service",
            dependencies: [
                "KafkaFast", .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/Examples/ServiceExample"),
        .executableTarget(name: "example-manual-commit", dependencies: ["KafkaFast"], path: "Sources/Examples/ManualCommit"),

        // Generates Sources/KafkaProtocol/Messages/Generated from Kafka's JSON schemas; run by hand.
        .executableTarget(name: "KafkaCodegen"),

        // The terminal dashboard (`kfast dash`). Deliberately independent of KafkaFast/KafkaProtocol:
        // it consumes its own input types, and an adapter maps the client's metrics onto them.
        .target(name: "KafkaDashboard", dependencies: ["CNcursesw"]),

        .testTarget(name: "KafkaCompressionTests", dependencies: ["KafkaCompression"]),
        .testTarget(name: "KafkaProtocolTests", dependencies: ["KafkaProtocol"]),
        .testTarget(
            name: "KafkaFastTests",
            dependencies: [
                // KafkaDashboard: the terminal tests of `kfast dash` compare its help with the key table.
                // KafkaDashboardAdapter: tested with the real client and brokers, without a terminal.
                "KafkaFast", "KafkaProtocol", "KafkaDashboard", "KafkaDashboardAdapter",
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(name: "KafkaDashboardTests", dependencies: ["KafkaDashboard", "CNcursesw"]),
    ]
)
