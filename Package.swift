// swift-tools-version:6.0
// softmax-lab: accuracy and speed of the softmax family against an MPFR reference.
// Data flows one way: cases -> kernels and reference -> measures -> reports -> CLI.
// A kernel never imports the reference; the reference never imports the lab.
import PackageDescription

let package = Package(
  name: "softmax-lab",
  products: [
    .executable(name: "softmax-lab", targets: ["softmax-lab"]),
    .library(name: "PrecisionLab", targets: ["PrecisionLab"]),
    .library(name: "SoftmaxKernels", targets: ["SoftmaxKernels"]),
    .library(name: "ExactReference", targets: ["ExactReference"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
  ],
  targets: [
    // GNU MPFR over GMP, found with pkg-config (Debian's libmpfr-dev ships mpfr.pc).
    .systemLibrary(
      name: "CMPFR", pkgConfig: "mpfr",
      providers: [.apt(["libmpfr-dev", "libgmp-dev"])]),
    // The safe Swift type that owns each mpfr_t; no C pointer leaves this module.
    .target(name: "MPFR", dependencies: ["CMPFR"]),
    // The words of SPEC.md: formats, operations, variants, precision policies.
    .target(name: "SoftmaxSpec"),
    // The kernels under study (scalar textbook versions for now).
    .target(
      name: "SoftmaxKernels",
      dependencies: ["SoftmaxSpec", .product(name: "RealModule", package: "swift-numerics")]),
    // Exact results correctly rounded to each format (Ziv's strategy on MPFR intervals).
    .target(name: "ExactReference", dependencies: ["SoftmaxSpec", "MPFR"]),
    // Measures (ULP error, status, aggregates) and evaluation of kernels against the reference.
    .target(
      name: "PrecisionLab",
      dependencies: ["SoftmaxSpec", "SoftmaxKernels", "ExactReference", "MPFR"]),
    .executableTarget(
      name: "softmax-lab",
      dependencies: [
        "PrecisionLab", "SoftmaxSpec",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    // Exercises the wrapper for `valgrind --leak-check=full` (MPFRTests runs it).
    .executableTarget(name: "mpfr-leak-check", dependencies: ["MPFR"]),
    .testTarget(name: "MPFRTests", dependencies: ["MPFR", "mpfr-leak-check"]),
    .testTarget(
      name: "ExactReferenceTests", dependencies: ["ExactReference", "MPFR"], exclude: ["Fixtures"]),
    .testTarget(name: "SoftmaxKernelsTests", dependencies: ["SoftmaxKernels", "PrecisionLab", "ExactReference"]),
    .testTarget(name: "PrecisionLabTests", dependencies: ["PrecisionLab"]),
    .testTarget(name: "CLITests", dependencies: ["softmax-lab", "ExactReference"]),
  ]
)
