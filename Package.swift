// swift-tools-version:6.0
import PackageDescription

// Release builds target the CPU that runs the build (see Makefile: -target-cpu native),
// which is what lets the elementwise kernels auto-vectorise.
let package = Package(
    name: "actlm",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "actlm", targets: ["actlm"]),
        .library(name: "ACTLM", targets: ["ACTLM"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        // Open MPI for data-parallel training (`mpirun -np K actlm train`); initialised only under mpirun.
        .systemLibrary(name: "CMPI", path: "Sources/CMPI", pkgConfig: "ompi-c",
                       providers: [.apt(["libopenmpi-dev"])]),
        // Only the math kernels drop bounds and precondition checks (about 10-30% of chars/s,
        // docs/development.md); the rest of the library, and the tests through it, keep them.
        .target(name: "ACTLMKernels",
                swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]),
        // The matrix products on AVX-512 and on AVX2 + FMA processors (MatrixEngine); plain C with
        // per-function target attributes, so it builds for any x86-64 and the kernel is chosen at run time.
        .target(name: "CGEMM", cSettings: [.unsafeFlags(["-O3"])]),
        .target(name: "ACTLM", dependencies: ["ACTLMKernels", "CZlib", "CBLAS", "CMPI", "CGEMM"]),
        .executableTarget(name: "actlm", dependencies: [
            "ACTLM",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // For tests: the AVX-512 kernel's loops and blocks on pairs of AVX2 vectors, so that a processor
        // without AVX-512 checks them bit for bit against the AVX2 kernel.
        .target(name: "CGEMMEmulated", dependencies: ["CGEMM"], path: "Tests/CGEMMEmulated",
                cSettings: [.unsafeFlags(["-O3"])]),
        .testTarget(name: "ACTLMTests", dependencies: ["ACTLM", "CZlib", "CBLAS", "CGEMM", "CGEMMEmulated"]),
    ],
    swiftLanguageModes: [.v5]
)
