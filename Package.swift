// swift-tools-version:6.0
// softmax-lab: accuracy and speed of the softmax family against an MPFR reference.
//
// One module per concept; data flows one way, and the compiler holds it (a target can import
// only what it declares):
//
//   LabSupport                                   seeded RNG, JSON, atomic writes, text tables
//   SoftmaxSpec                                  the words: Format, Op, Variant, Policy, ...
//   SoftmaxKernels  <- SoftmaxSpec                SIMD and textbook kernels, exp/log/log1p
//   ExactReference  <- SoftmaxSpec, MPFR          exact results, correctly rounded
//   Cases           <- SoftmaxSpec, LabSupport    case families, generator, case files
//   TensorFiles     <- SoftmaxSpec, LabSupport    safetensors and .npy readers and writers
//   Accuracy        <- kernels, reference, cases  measures, aggregates, row and batch evaluation
//   Experiments     <- Accuracy                   runner, baseline/check, bench, training
//   Reports         <- Experiments                Markdown, SVG plots, findings, CLI renderers
//   softmax-lab     <- Reports                    the CLI: one file per subcommand
//
// A kernel never imports the reference; the reference never imports the lab.
import PackageDescription

let package = Package(
  name: "softmax-lab",
  products: [
    .executable(name: "softmax-lab", targets: ["softmax-lab"]),
    .library(name: "SoftmaxKernels", targets: ["SoftmaxKernels"]),
    .library(name: "ExactReference", targets: ["ExactReference"]),
    .library(name: "Cases", targets: ["Cases"]),
    .library(name: "TensorFiles", targets: ["TensorFiles"]),
    .library(name: "Accuracy", targets: ["Accuracy"]),
    .library(name: "Experiments", targets: ["Experiments"]),
    .library(name: "Reports", targets: ["Reports"]),
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
    // What every other module may share: seeded RNG, libm-free math for generators and plots,
    // JSON, atomic file writes, a lock, text tables, number formatting.
    .target(name: "LabSupport"),
    // The words of docs/definitions.md: formats, operations, variants, policies, batch-loss options.
    .target(name: "SoftmaxSpec"),
    // The kernels under study: SIMD kernels of every variant and the scalar textbook kernels.
    .target(
      name: "SoftmaxKernels",
      dependencies: ["SoftmaxSpec", .product(name: "RealModule", package: "swift-numerics")]),
    // Exact results correctly rounded to each format (Ziv's strategy on MPFR intervals).
    .target(name: "ExactReference", dependencies: ["SoftmaxSpec", "MPFR"]),
    // The case families, their seeded generator, case files, hard-to-round elementary inputs.
    .target(name: "Cases", dependencies: ["SoftmaxSpec", "LabSupport"]),
    // The tensor files users bring: safetensors and NumPy .npy, memory-mapped, validated, and
    // their writers.
    .target(name: "TensorFiles", dependencies: ["SoftmaxSpec", "LabSupport"]),
    // Measures, aggregates, kernels evaluated against the reference (rows, batches, elementary).
    .target(
      name: "Accuracy",
      dependencies: ["SoftmaxSpec", "SoftmaxKernels", "ExactReference", "MPFR", "Cases", "LabSupport"]),
    // Experiments: the runner, baseline and check, bench, training, the studies, scoring and bundles.
    .target(
      name: "Experiments",
      dependencies: ["Accuracy", "Cases", "SoftmaxSpec", "SoftmaxKernels", "ExactReference", "MPFR", "LabSupport",
                     "TensorFiles"]),
    // What people read: reports/, plots, findings, the CLI's tables.
    .target(
      name: "Reports",
      dependencies: ["Experiments", "Accuracy", "Cases", "SoftmaxSpec", "SoftmaxKernels", "ExactReference", "LabSupport"]),
    .executableTarget(
      name: "softmax-lab",
      dependencies: [
        "Reports", "Experiments", "Accuracy", "Cases", "SoftmaxSpec", "SoftmaxKernels", "ExactReference", "LabSupport",
        "TensorFiles", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    // Exercises the wrapper for `valgrind --leak-check=full` (MPFRTests runs it).
    .executableTarget(name: "mpfr-leak-check", dependencies: ["MPFR"]),
    .testTarget(name: "MPFRTests", dependencies: ["MPFR", "mpfr-leak-check"]),
    .testTarget(
      name: "ExactReferenceTests", dependencies: ["ExactReference", "SoftmaxSpec", "MPFR", "Cases"], exclude: ["Fixtures"]),
    .testTarget(name: "LabSupportTests", dependencies: ["LabSupport"]),
    .testTarget(name: "TensorFilesTests", dependencies: ["TensorFiles", "SoftmaxSpec"], exclude: ["Fixtures"]),
    .testTarget(
      name: "CasesTests", dependencies: ["Cases", "SoftmaxSpec", "SoftmaxKernels", "ExactReference", "LabSupport"]),
    // Kernel tests depend on kernels, cases, accuracy and the reference only.
    .testTarget(
      name: "SoftmaxKernelsTests",
      dependencies: ["SoftmaxKernels", "Cases", "Accuracy", "ExactReference", "SoftmaxSpec", "LabSupport"]),
    .testTarget(name: "AccuracyTests", dependencies: ["Accuracy", "ExactReference", "SoftmaxSpec"]),
    .testTarget(
      name: "ExperimentsTests", dependencies: ["Experiments", "Accuracy", "Cases", "ExactReference", "SoftmaxSpec", "SoftmaxKernels", "LabSupport"]),
    .testTarget(
      name: "ReportsTests", dependencies: ["Reports", "Experiments", "Accuracy", "Cases", "SoftmaxSpec", "SoftmaxKernels", "TensorFiles"]),
    .testTarget(name: "CLITests", dependencies: ["softmax-lab", "ExactReference", "SoftmaxSpec", "SoftmaxKernels", "TensorFiles"]),
  ]
)
