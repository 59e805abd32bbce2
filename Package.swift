// swift-tools-version: 6.0
// ArtFactory: a local-first image-generation studio. See README.md and docs/.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
]

let package = Package(
    name: "ArtFactory",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "artfactoryd", targets: ["artfactoryd"]),
        .executable(name: "artfactory", targets: ["artfactory"]),
        .library(name: "ArtFactoryProtocol", targets: ["ArtFactoryProtocol"]),
        .library(name: "ArtFactoryEngine", targets: ["ArtFactoryEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // MARK: System libraries (Debian packages; see Scripts/install-deps)
        .systemLibrary(name: "CUV", pkgConfig: "libuv", providers: [.apt(["libuv1-dev"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CWebP", pkgConfig: "libwebp", providers: [.apt(["libwebp-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev", "zlib1g-dev"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg62-turbo-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CSystemZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "CImagingShims", dependencies: ["CPNG", "CJPEG"]),
        // AVX2/FMA point-wise kernels with a run-time CPU check; optimised in debug builds too, so
        // engine tests do not crawl.
        .target(name: "CEngineKernels", cSettings: [.unsafeFlags(["-O2"])]),
        // bf16 matrix products through oneDNN (Debian's libdnnl-dev), used where the CPU has AVX-512 BF16 or AMX.
        .target(name: "CEngineDNNL", cSettings: [.unsafeFlags(["-O2"])], linkerSettings: [.linkedLibrary("dnnl")]),
        // TLS for the websocket client's wss:// (OpenSSL from Debian's libssl-dev, as CCrypto).
        .target(name: "CTLSShims", linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto")]),

        // MARK: The one JSON value type, its parser, writer and Codable bridge (no dependencies).
        .target(
            name: "ArtFactoryJSON",
            swiftSettings: swiftSettings
        ),

        // MARK: Wire protocol: JSON-RPC envelope, one file per method, OpenRPC (re-exports ArtFactoryJSON).
        .target(
            name: "ArtFactoryProtocol",
            dependencies: ["ArtFactoryJSON"],
            swiftSettings: swiftSettings
        ),

        // MARK: Socket server (libuv) and client, framing, peer credentials.
        .target(
            name: "ArtFactoryIPC",
            dependencies: ["ArtFactoryProtocol", "CUV"],
            swiftSettings: swiftSettings
        ),

        // MARK: SQLite catalog (GRDB): migrations, records, queries, FTS5.
        .target(
            name: "ArtFactoryCatalog",
            dependencies: ["ArtFactoryJSON", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),

        // MARK: Pixels: PNG/WebP/JPEG codecs, resize, thumbnails, metadata chunks.
        .target(
            name: "ArtFactoryImaging",
            dependencies: ["ArtFactoryJSON", "CPNG", "CWebP", "CJPEG", "CImagingShims"],
            swiftSettings: swiftSettings
        ),

        // MARK: Native Stable Diffusion engine on BLAS.
        .target(
            name: "ArtFactoryEngine",
            dependencies: ["CBLAS", "CEngineKernels", "CEngineDNNL", "CSystemZlib"],
            exclude: ["Tokenizer/Resources/LICENSE-bpe_simple_vocab.txt"],
            resources: [.copy("Tokenizer/Resources/bpe_simple_vocab_16e6.txt.gz")],
            swiftSettings: swiftSettings + [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
        ),

        // MARK: Prompt expansion, templates, style profiles, validation.
        .target(
            name: "ArtFactoryPrompts",
            swiftSettings: swiftSettings
        ),

        // MARK: The embedded default model (Models/artfactory-shapes; docs/default-model.md).
        .target(
            name: "ArtFactoryDefaultModel",
            path: "Models",
            sources: ["DefaultModel.swift"],
            resources: [.copy("artfactory-shapes")],
            swiftSettings: swiftSettings
        ),

        // MARK: Services and RPC handlers.
        .target(
            name: "ArtFactoryDaemon",
            dependencies: [
                "ArtFactoryProtocol", "ArtFactoryIPC", "ArtFactoryCatalog", "ArtFactoryImaging",
                "ArtFactoryEngine", "ArtFactoryPrompts", "ArtFactoryDefaultModel", "CUV", "CCrypto", "CTLSShims",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Executables
        .executableTarget(
            name: "artfactoryd",
            dependencies: ["ArtFactoryDaemon", "ArtFactoryEngine"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "artfactory",
            dependencies: [
                // Imaging only decodes thumbnails for sixel terminals; the CLI never opens the catalog or engine.
                "ArtFactoryProtocol", "ArtFactoryIPC", "ArtFactoryImaging",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Benchmarks (figures, not tests; see Scripts/bench-*)
        .executableTarget(
            name: "artfactory-bench-rpc",
            dependencies: ["ArtFactoryProtocol", "ArtFactoryIPC"],
            swiftSettings: swiftSettings
        ),

        .executableTarget(
            name: "artfactory-bench-engine",
            dependencies: ["ArtFactoryEngine", "CBLAS"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "artfactory-bench-upscale",
            dependencies: ["ArtFactoryEngine"],
            swiftSettings: swiftSettings
        ),

        // MARK: Tests
        // The daemon plus the JSON-RPC specification's example methods, for conformance tests only.
        .executableTarget(
            name: "artfactoryd-conformance",
            dependencies: ["ArtFactoryDaemon", "ArtFactoryProtocol"],
            path: "Tests/ConformanceDaemon",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestSupport",
            dependencies: ["ArtFactoryProtocol", "ArtFactoryIPC"],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ArtFactoryProtocolTests",
            dependencies: ["ArtFactoryProtocol"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ArtFactoryIPCTests",
            dependencies: ["ArtFactoryIPC", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ArtFactoryCatalogTests",
            dependencies: ["ArtFactoryCatalog"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ArtFactoryImagingTests",
            dependencies: ["ArtFactoryImaging", "ArtFactoryPrompts"],
            exclude: ["Fixtures", "helpers"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ArtFactoryEngineTests",
            dependencies: ["ArtFactoryEngine"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ArtFactoryDefaultModelTests",
            dependencies: ["ArtFactoryEngine"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ArtFactoryPromptsTests",
            dependencies: ["ArtFactoryPrompts"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ArtFactoryDaemonTests",
            dependencies: ["ArtFactoryDaemon", "TestSupport", "artfactoryd", "artfactory", "artfactoryd-conformance"],
            swiftSettings: swiftSettings
        ),

        // MARK: Catalog benchmark (Scripts/bench-catalog)
        .executableTarget(
            name: "artfactory-bench-catalog",
            dependencies: ["ArtFactoryCatalog", "ArtFactoryPrompts"],
            swiftSettings: swiftSettings
        ),
    ]
)
