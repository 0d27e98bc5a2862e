// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "ladder",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "ladder", targets: ["ladder"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swiftcsv/SwiftCSV", from: "0.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // Pure: events, catalogue, canonical form, policy, rules, projections. No I/O, no clock.
        .target(
            name: "LadderDomain",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        // The SQLite store: append-only log, hash chain, persisted projections.
        .target(
            name: "LadderStore",
            dependencies: ["LadderDomain", .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "GRDBSQLite", package: "GRDB.swift"),
                           .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "PostgresNIO", package: "postgres-nio")]
        ),
        // The demo province generator: deterministic realistic events, shared by `ladder demo` and tools/bench.
        .target(name: "LadderDemo", dependencies: ["LadderDomain"]),
        .executableTarget(
            name: "ladder",
            dependencies: [
                "LadderDomain", "LadderStore", "LadderDemo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SwiftCSV", package: "SwiftCSV"),
            ],
            // A fully static release binary (libsqlite3, libstdc++ and glibc linked in): no dynamic
            // loader, no shared libraries to map and relocate, ~5 ms of every one-shot command
            // (docs/performance.md). Debug builds, which the tests drive, stay dynamic.
            linkerSettings: [.unsafeFlags(["-static-executable"], .when(platforms: [.linux], configuration: .release))]
        ),
        .testTarget(name: "LadderDomainTests", dependencies: ["LadderDomain"]),
        .testTarget(name: "LadderStoreTests", dependencies: ["LadderStore", "LadderDomain", "LadderDemo", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "AcceptanceTests", dependencies: ["LadderDomain"]),
    ]
)
