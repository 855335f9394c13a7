import SoftmaxSpec

/// One SIMD kernel configuration: what a `bench` kernel line and the baseline's groups share.
public struct KernelConfiguration: Sendable, Hashable {
  public let op: Op
  public let variant: Variant
  public let format: Format
  public let policy: Policy

  public init(_ op: Op, _ variant: Variant, _ format: Format, _ policy: Policy) {
    self.op = op
    self.variant = variant
    self.format = format
    self.policy = policy
  }
}

extension Baseline {
  /// The max ULP error of each SIMD configuration over every case family: the largest of its
  /// groups' max ULP errors. Groups without one (no finite output: null in the file) are
  /// skipped; a configuration none of whose groups has one is absent. Textbook groups are not
  /// what `bench` times and are left out.
  public func simdMaxULP() -> [KernelConfiguration: Double] {
    var worst: [KernelConfiguration: Double] = [:]
    for g in groups where g.key.kernel == .simd {
      guard let ulp = g.maxULP else { continue }
      let c = KernelConfiguration(g.key.op, g.key.variant, g.key.format, g.key.policy)
      worst[c] = max(worst[c] ?? ulp, ulp)
    }
    return worst
  }
}

/// One SIMD configuration's speed and accuracy: its time as a multiple of the copy's in one bench
/// run, and its max ULP error over every family of a baseline.
public struct SpeedAccuracyPoint: Sendable, Equatable {
  public let configuration: KernelConfiguration
  /// The kernel's median time over the copy's (same shape, threads and format): "x copy".
  public let timesCopy: Double
  public let maxULP: Double
}

/// Joins `bench` results with a baseline's accuracy.
public enum SpeedAccuracy {
  /// The preferred run for the chart: the first standard shape (4096x1024) on one thread.
  public static let preferredRun = (shape: BenchShape.standard[0], threads: 1)

  /// The run whose times the chart uses: `preferredRun` when it was timed, else the first shape
  /// timed at its fewest threads; nil when nothing was timed.
  public static func chartRun(_ results: [BenchResult]) -> (shape: BenchShape, threads: Int)? {
    if results.contains(where: { $0.shape == preferredRun.shape && $0.threads == preferredRun.threads }) {
      return preferredRun
    }
    guard let shape = results.first?.shape else { return nil }
    return (shape, results.filter { $0.shape == shape }.map(\.threads).min()!)
  }

  /// One point per SIMD kernel line of the run (shape, threads) that has both a copy to compare
  /// with and a max ULP error in `maxULP`, in the results' order. The copy and textbook lines,
  /// and kernels the baseline does not know, are not points.
  public static func points(_ results: [BenchResult], maxULP: [KernelConfiguration: Double], shape: BenchShape,
                            threads: Int) -> [SpeedAccuracyPoint]
  {
    zip(results, Bench.copyRatios(results)).compactMap { r, ratio in
      guard r.shape == shape, r.threads == threads, case let .kernel(op, variant, format, policy) = r.subject,
            let ratio else { return nil }
      let c = KernelConfiguration(op, variant, format, policy)
      return maxULP[c].map { SpeedAccuracyPoint(configuration: c, timesCopy: ratio, maxULP: $0) }
    }
  }
}
