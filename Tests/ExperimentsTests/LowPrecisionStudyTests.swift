import Experiments
import SoftmaxKernels
import SoftmaxSpec
import Testing

/// The accumulator and float8 study: its stall points against their closed forms, the sum it
/// reports against the one the kernel divides by, the float8 flush and overflow thresholds, and
/// its independence from the thread count.
@Suite("The low-precision study")
struct LowPrecisionStudyTests {
  typealias Study = LowPrecisionStudy

  static let pairs: [(Format, SIMDSummation)] = Study.accumulators.flatMap { f in SIMDSummation.allCases.map { (f, $0) } }

  /// s of a row of n equal logits (every term exp(0) = 1).
  static func onesSum(_ n: Int, _ f: Format, _ s: SIMDSummation) -> Double {
    Study.accumulatedSum([Double](repeating: 0, count: n), format: f, summation: s)
  }

  @Test("a sum of ones stops at its closed form (sequential 2^p, lane-parallel 16 2^p, compensated 32 2^p), or overflows past the largest finite",
        arguments: pairs.filter { $0.1 != .pairwise })
  func stall(_ f: Format, _ s: SIMDSummation) {
    let c: Double = s == .sequential ? Study.sequentialStall(f) : s == .laneParallel ? Study.laneParallelStall(f) : Study.compensatedStall(f)
    #expect(c == Double(sign: .plus, exponent: f.precision, significand: 1) * (s == .sequential ? 1 : s == .laneParallel ? 16 : 32))
    guard c <= 0x1p17 else {
      // float32: beyond any row here; the sum of 2^14 ones is exact.
      #expect(LowPrecisionStudyTests.onesSum(1 << 14, f, s) == 0x1p14)
      return
    }
    if c > f.greatestFiniteMagnitude {
      #expect(LowPrecisionStudyTests.onesSum(Int(c), f, s) == .infinity)
      return
    }
    #expect(LowPrecisionStudyTests.onesSum(Int(c) / 2, f, s) == c / 2)  // below the stall: exact
    #expect(LowPrecisionStudyTests.onesSum(Int(c), f, s) == c)
    #expect(LowPrecisionStudyTests.onesSum(2 * Int(c), f, s) == c)  // 2c ones still sum to c
  }

  @Test("the reported stalls: bfloat16 at 256, float16 at 2048 (sequential)")
  func reportedStalls() {
    #expect(LowPrecisionStudyTests.onesSum(512, .bfloat16, .sequential) == 256)
    #expect(LowPrecisionStudyTests.onesSum(4096, .float16, .sequential) == 2048)
  }

  @Test("pairwise sums 2^k ones exactly, up to the largest finite", arguments: Study.accumulators)
  func pairwise(_ f: Format) {
    for k in [8, 12, 14] { #expect(LowPrecisionStudyTests.onesSum(1 << k, f, .pairwise) == Double(1 << k)) }
    let n = 1 << 16
    #expect(LowPrecisionStudyTests.onesSum(n, f, .pairwise) == (Double(n) > f.greatestFiniteMagnitude ? .infinity : Double(n)))
  }

  @Test("s is the sum the shifted kernel divides by: its probability at the maximum is RN(1/s)", arguments: pairs)
  func kernelDividesByS(_ f: Format, _ s: SIMDSummation) {
    for row in [[Double](repeating: 0, count: 600), Study.normalRow(3000, format: f, seed: 7)] {
      let sum = Study.accumulatedSum(row, format: f, summation: s)
      let p = SIMDKernels.evaluate(.softmax, .shifted, row: row, format: f, policy: .native, target: 0, summation: s)!
      let k = row.firstIndex(of: row.max()!)!
      #expect(p[k] == f.round(1 / sum))
    }
  }

  @Test("a point of the study: equal rows give s = min(n, stall) and the row sum n / s; N(0, 1) rows have a reference")
  func points() throws {
    let points = try Study.accumulatorPoints(.bfloat16, .equal, 1024, seed: 1)
    let seq = points.first { $0.summation == .sequential }!
    #expect(seq.sum == Study.sequentialStall(.bfloat16) && seq.exactSum == 1024)
    #expect(seq.firstProbability == Format.bfloat16.round(1 / seq.sum) && seq.rowSum == 1024 * seq.firstProbability)
    #expect(seq.maxULP! > 1)  // 1/256 where 1/1024 is exact
    let normal = try Study.accumulatorPoints(.float32, .normal, 256, seed: 1)
    for p in normal {
      #expect(abs(p.rowSum - 1) < 1e-5 && abs(p.sumRelativeError) < 1e-5)
      #expect(p.maxULP! < 64 && p.failed == 0)
    }
  }

  @Test("float8: a value flushes to 0 at and below half the least subnormal, and only there", arguments: Study.float8Formats)
  func flushThreshold(_ f: Format) {
    let h = Study.flushThreshold(f)
    #expect(h == Double(sign: .plus, exponent: f.minExponent - f.precision, significand: 1))  // 2^(emin - p + 1) / 2
    #expect(f.round(h) == 0 && f.round(h.nextUp) == f.leastNonzeroMagnitude)
    // The study counts exactly the P_j at or below the threshold (P = 2^k exp(x - m)).
    let x = Study.normalRow(2048, sigma: 4, format: .float32, seed: 2)
    let e = Study.attentionWeights(x, maximum: .fresh)
    let points = Study.float8Points(sigma: 4, n: 2048, seed: 2).filter { $0.format == f && $0.maximum == .fresh }
    for p in points {
      let scale = Double(sign: .plus, exponent: p.scaleExponent, significand: 1)
      let expected = e.filter { $0 > 0 && scale * $0 <= h }.count
      #expect(p.flushedShare == Double(expected) / Double(e.filter { $0 > 0 }.count))
    }
  }

  @Test("float8: P stays at most 2^k with the row's maximum and 2^(k + threshold) with the stale one; only the stale e4m3 2^8 case passes 448")
  func overflow() {
    for sigma in [1.0, 4.0] {
      for p in Study.float8Points(sigma: sigma, n: 4096, seed: 2) {
        let bound = Double(sign: .plus, exponent: p.scaleExponent, significand: 1)
          * (p.maximum == .fresh ? 1 : Double(sign: .plus, exponent: Int(Study.rescaleThreshold), significand: 1))
        #expect(p.largestP <= bound * (1 + 0x1p-20))  // exp's own error, far below a float8 ulp
        if p.maximum == .fresh || p.format == .float8E5M2 || p.scaleExponent == 0 { #expect(p.overflowShare == 0) }
      }
    }
  }

  @Test("ml_dtypes 63's setting: the bfloat16 sum of uniform values stops at 2^p; a float32 accumulator does not")
  func uniformSum() {
    let u = Study.uniformSum(count: 10_000, seed: 3)
    #expect(u.native[.sequential] == Study.sequentialStall(.bfloat16))
    #expect(abs(u.wideSequential / u.exact - 1) < 1e-4)
  }

  @Test("PyTorch 62897's setting: naive bfloat16 softmax of 1000 + N(0, 1) is NaN everywhere, shifted nowhere")
  func naive() throws {
    let r = try Study.naiveRow(offset: 1000, n: 64, seed: 4)
    #expect(r.nan[.naive] == 64 && r.nan[.shifted] == 0)
  }

  @Test("the same study whatever the thread count")
  func threads() throws {
    let a = try Study.run(exponents: 6...9, threads: 1), b = try Study.run(exponents: 6...9, threads: 3)
    #expect(a.accumulator.map { [$0.sum, $0.rowSum, $0.maxULP ?? -1, $0.crossEntropyRelativeError] }
      == b.accumulator.map { [$0.sum, $0.rowSum, $0.maxULP ?? -1, $0.crossEntropyRelativeError] })
    #expect(a.float8.map { [$0.flushedShare, $0.overflowShare, $0.bias, $0.largestP] }
      == b.float8.map { [$0.flushedShare, $0.overflowShare, $0.bias, $0.largestP] })
  }
}
