import Accuracy
import ExactReference
import LabSupport
import MPFR
import SoftmaxKernels
import SoftmaxSpec

/// The accumulator and float8 study of reports/low-precision.md.
///
/// Part 1, the accumulator: the sum of exponentials s = sum_j exp(x_j - m) of the `shifted`
/// softmax, accumulated in bfloat16, float16 and float32 (`native` policy: the logits are values
/// of the format and every operation, the additions of the sum included, rounds to it) by each
/// `SIMDSummation`, on rows of n equal logits (every term exp(0) = 1, so s should be n) and of
/// n N(0, 1) logits. For each (format, summation, row, n) it records the accumulated s, the row
/// sum of the probabilities the kernel returns (summed in Double), their max ULP error against
/// the MPFR reference, and the relative error of the `fused` cross-entropy at target 0. What is
/// measured is the lab's own kernel: the probabilities come from `SIMDKernels.evaluate(.softmax,
/// .shifted, ...)`, and s from `SIMDKernels.sum` over the same term exp(round(x - m)) (a test
/// holds it to the kernel: the argmax's probability is RN(1/s)).
///
/// Part 2, float8 quantization of attention probabilities, as FlashAttention and flashinfer do
/// it: P_j = 2^k exp(x_j - m) computed in float32 (the lab's float32 exp), quantized to float8-e4m3
/// or float8-e5m2 with a saturating conversion (`cvt.satfinite`), the row sum l = sum_j P_j kept
/// unquantized. k = 0 or 8 (the 2^8 scale); m the row maximum, or the stale maximum of
/// FlashAttention 4's lazy rescale (blocks of 128 keys; a block whose maximum exceeds the running
/// one by at most `rescaleThreshold` in log2 units leaves it unchanged, so P_j reaches
/// 2^(k + threshold)). Recorded: the share of nonzero P_j flushed to zero, the share above the
/// format's largest finite, and the bias of the quantized numerator's mass, sum_j Q_j / l - 1.
///
/// Part 3, the settings of reported failures that parts 1 and 2 do not cover: a bfloat16 sum of
/// uniform values (ml_dtypes 63) and naive against shifted bfloat16 softmax (PyTorch 62897).
///
/// Every row comes from a fixed seed; jobs run on `threads` threads and each result is stored
/// by its index, so the study is the same whatever the thread count.
public struct LowPrecisionStudy: Sendable {
  // MARK: Settings

  /// The accumulator formats, each with its own `native` arithmetic.
  public static let accumulators: [Format] = [.bfloat16, .float16, .float32]
  /// The float8 formats P is quantized to.
  public static let float8Formats: [Format] = [.float8E4M3, .float8E5M2]
  /// The powers of two P is scaled by before the quantization (2^0 and FlashAttention's 2^8).
  public static let scaleExponents = [0, 8]
  /// The standard deviations of the float8 part's logits.
  public static let sigmas: [Double] = [1, 2, 4]
  /// FlashAttention 4's key block (KV tile) and lazy-rescale threshold (log2 units).
  public static let blockLength = 128
  public static let rescaleThreshold = 4.0

  /// The rows of part 1.
  public enum RowKind: String, CaseIterable, Sendable {
    /// Every logit 0 (any equal value gives the same terms exp(0) = 1).
    case equal
    /// N(0, 1) logits rounded to the format.
    case normal

    public var title: String { self == .equal ? "equal logits" : "N(0, 1) logits" }
  }

  /// Which maximum P is computed against in part 2.
  public enum Maximum: String, CaseIterable, Sendable {
    /// The row maximum: P_j <= 2^k.
    case fresh
    /// FlashAttention 4's lazy rescale: the running maximum is kept while a block raises it by at
    /// most the threshold, so P_j <= 2^(k + threshold).
    case stale
  }

  // MARK: Results

  /// One point of part 1.
  public struct AccumulatorPoint: Sendable {
    public let format: Format
    public let summation: SIMDSummation
    public let kind: RowKind
    public let n: Int
    /// The accumulated sum of exponentials s (a value of the format, or inf when it overflowed).
    public let sum: Double
    /// The exact s: n for equal rows; 1 / p_k for N(0, 1) rows, with p_k the reference's exact
    /// probability of the row's maximum (known to 2^-20 of its ulp).
    public let exactSum: Double
    /// sum_i p_i of the computed probabilities, summed in Double (Neumaier).
    public let rowSum: Double
    /// The computed p_0 (on equal rows every probability is this one).
    public let firstProbability: Double
    /// The max ULP error of the computed probabilities over the finite ones (decided in MPFR).
    public let maxULP: Double?
    /// Probabilities that overflowed, underflowed (0 where RN(p) is not) or are NaN.
    public let failed: Int
    /// |c - v| / |v| of the fused cross-entropy at target 0.
    public let crossEntropyRelativeError: Double

    /// s / exact s - 1.
    public var sumRelativeError: Double { sum / exactSum - 1 }
  }

  /// One point of part 2.
  public struct Float8Point: Sendable {
    public let sigma: Double
    public let n: Int
    public let format: Format
    public let scaleExponent: Int
    public let maximum: Maximum
    /// The share of the nonzero P_j that quantize to 0.
    public let flushedShare: Double
    /// The share of P_j above the format's largest finite (saturated by `cvt.satfinite`; NaN or
    /// inf under the OCP non-saturating conversion).
    public let overflowShare: Double
    /// sum_j Q_j / sum_j P_j - 1: the quantized numerator's mass against the unquantized row sum.
    public let bias: Double
    /// max_j P_j.
    public let largestP: Double
  }

  /// ml_dtypes 63's setting: `count` U(0, 1) values rounded to bfloat16, summed by the kernels'
  /// `SIMDKernels.sum` in bfloat16 (`native`, each summation) and in float32 (`wide`, sequential).
  public struct UniformSum: Sendable {
    public let count: Int
    public let native: [SIMDSummation: Double]
    public let wideSequential: Double
    /// The exact sum (Double, Neumaier: every partial sum is exact here).
    public let exact: Double
  }

  /// PyTorch 62897's setting: bfloat16 softmax without and with the max subtraction.
  public struct NaiveRow: Sendable {
    public let offset: Double
    public let n: Int
    /// Max ULP error over finite outputs and the count of NaN outputs, per variant.
    public let maxULP: [Variant: Double?]
    public let nan: [Variant: Int]
  }

  public let seed: UInt64
  public let exponents: ClosedRange<Int>
  public let accumulator: [AccumulatorPoint]
  public let float8: [Float8Point]
  public let uniformSum: UniformSum
  public let naive: [NaiveRow]

  public var sizes: [Int] { exponents.map { 1 << $0 } }

  // MARK: Closed forms

  /// The value a sequential sum of ones stops at in a format of precision p: 2^p (2^p + 1 is a
  /// tie between 2^p and 2^p + 2 and rounds to the even 2^p).
  public static func sequentialStall(_ format: Format) -> Double { Double(sign: .plus, exponent: format.precision, significand: 1) }

  /// Lane-parallel: each of the W = 16 lanes stops at 2^p, and their total W 2^p is exact.
  public static func laneParallelStall(_ format: Format) -> Double { 16 * sequentialStall(format) }

  /// Compensated (Neumaier per lane): a lane's sum stops at 2^p, its compensation counts the lost
  /// ones until it too stops at 2^p, so each lane holds 2^(p+1) and the total W 2^(p+1).
  public static func compensatedStall(_ format: Format) -> Double { 32 * sequentialStall(format) }

  /// The largest value that rounds to 0 in `format` (half its least subnormal; the tie goes to
  /// the even 0): anything at or below it flushes.
  public static func flushThreshold(_ format: Format) -> Double { format.leastNonzeroMagnitude / 2 }

  // MARK: Rows

  /// The first n draws of the study's N(0, 1) stream times sigma, rounded to `format` (the rows
  /// of every length share their beginning).
  public static func normalRow(_ n: Int, sigma: Double = 1, offset: Double = 0, format: Format, seed: UInt64) -> [Double] {
    var rng = Xoshiro256StarStar(seed: seed)
    return (0..<n).map { _ in format.round(offset + sigma * rng.gaussian()) }
  }

  public static func row(_ kind: RowKind, _ n: Int, format: Format, seed: UInt64) -> [Double] {
    kind == .equal ? [Double](repeating: 0, count: n) : normalRow(n, format: format, seed: seed)
  }

  // MARK: Running

  /// The whole study on rows of 2^e logits for e in `exponents` (the report: 6...18).
  public static func run(exponents: ClosedRange<Int> = 6...18, seed: UInt64 = 1, threads: Int = 1) throws -> LowPrecisionStudy {
    let sizes = exponents.map { 1 << $0 }
    // Part 1: one job per (format, row kind, n), the reference computed once and shared by the
    // four summations; the longest rows first.
    let jobs: [(Format, RowKind, Int)] = accumulators.flatMap { f in RowKind.allCases.flatMap { k in sizes.map { (f, k, $0) } } }
    let order = jobs.indices.sorted { (jobs[$0].2, -$0) > (jobs[$1].2, -$1) }
    let accumulator = try concurrentMap(jobs.count, threads: threads, order: order) { j in
      try accumulatorPoints(jobs[j].0, jobs[j].1, jobs[j].2, seed: seed)
    }.flatMap { try $0.get() }
    // Part 2: one job per (sigma, n).
    let f8jobs: [(Double, Int)] = sigmas.flatMap { s in sizes.map { (s, $0) } }
    let float8 = try concurrentMap(f8jobs.count, threads: threads) { j in
      float8Points(sigma: f8jobs[j].0, n: f8jobs[j].1, seed: seed &+ 1)
    }.flatMap { try $0.get() }
    return LowPrecisionStudy(seed: seed, exponents: exponents, accumulator: accumulator, float8: float8,
                             uniformSum: uniformSum(count: 10_000, seed: seed &+ 2),
                             naive: try [0, 1000].map { try naiveRow(offset: $0, n: 1024, seed: seed &+ 3) })
  }

  /// The sum of exponentials s that the shifted kernel computes for `row` (values of `format`,
  /// `native` policy) with `summation`.
  public static func accumulatedSum(_ row: [Double], format: Format, summation: SIMDSummation) -> Double {
    withLanes(format, .native, ShiftedSum(row: row, summation: summation))
  }

  /// Part 1 for one row: every summation.
  public static func accumulatorPoints(_ format: Format, _ kind: RowKind, _ n: Int, seed: UInt64) throws -> [AccumulatorPoint] {
    let x = row(kind, n, format: format, seed: seed)
    let exact = try Reference.evaluate(x, format: format, target: 0, operations: [.softmax, .crossEntropy])
    let p = exact.results[.softmax]!
    let k = x.indices.max { x[$0] < x[$1] || (x[$0] == x[$1] && $0 > $1) }!  // the first maximum
    let exactSum = kind == .equal ? Double(n) : 1 / p[k].value.double(.nearestEven)
    let ce = exact.results[.crossEntropy]![0]
    return SIMDSummation.allCases.map { summation in
      let s = accumulatedSum(x, format: format, summation: summation)
      let computed = SIMDKernels.evaluate(.softmax, .shifted, row: x, format: format, policy: .native, target: 0,
                                          summation: summation)!
      let (maxULP, failed) = maxULPError(computed, p)
      let loss = SIMDKernels.evaluate(.crossEntropy, .fused, row: x, format: format, policy: .native, target: 0,
                                      summation: summation)![0]
      return AccumulatorPoint(format: format, summation: summation, kind: kind, n: n, sum: s, exactSum: exactSum,
                              rowSum: neumaierSum(computed), firstProbability: computed[0], maxULP: maxULP, failed: failed,
                              crossEntropyRelativeError: loss.isFinite ? Measures.relativeError(computed: loss, exact: ce) : .infinity)
    }
  }

  /// The max ULP error over the finite outputs, and the count of failed ones (overflow, NaN, or
  /// 0 where RN(v) is not). Exact and fast: each error is first estimated against v's Double
  /// (off by at most 2^-53 |v| / ulp_T(v) <= 2^(p - 53) ULP), and the elements whose estimate is
  /// within twice that of the largest are measured in MPFR against v itself.
  public static func maxULPError(_ computed: [Double], _ exact: [ExactValue]) -> (Double?, Int) {
    var failed = 0
    var estimates: [(Int, Double)] = []
    estimates.reserveCapacity(computed.count)
    for (i, c) in computed.enumerated() {
      let v = exact[i]
      if !c.isFinite || (c == 0 && v.rounded != 0) { failed += 1 }
      guard c.isFinite && v.value.isFinite else { continue }
      let e = Swift.abs(c - v.value.double(.nearestEven)) * Double(sign: .plus, exponent: -v.ulpExponent, significand: 1)
      estimates.append((i, e))
    }
    guard let largest = estimates.map(\.1).max() else { return (nil, failed) }
    let slack = 0x1p-28  // 2 x 2^(24 - 53): above twice the estimate's error for every format up to float32
    let exactMax = estimates.filter { $0.1 >= largest - slack }.map { Measures.ulpError(computed: computed[$0.0], exact: exact[$0.0]) }.max()
    return (exactMax, failed)
  }

  /// sum_i v_i in Double with Neumaier's compensation.
  public static func neumaierSum(_ values: [Double]) -> Double {
    var s = 0.0, c = 0.0
    for v in values {
      let t = s + v
      c += Swift.abs(s) >= Swift.abs(v) ? (s - t) + v : (v - t) + s
      s = t
    }
    return s + c
  }

  /// Part 2 for one (sigma, n): every float8 format, scale and maximum.
  public static func float8Points(sigma: Double, n: Int, seed: UInt64) -> [Float8Point] {
    let x = normalRow(n, sigma: sigma, format: .float32, seed: seed)
    var points: [Float8Point] = []
    for maximum in Maximum.allCases {
      let e = attentionWeights(x, maximum: maximum)
      let l = neumaierSum(e)
      for format in float8Formats {
        for k in scaleExponents {
          let scale = Double(sign: .plus, exponent: k, significand: 1)
          var flushed = 0, nonzero = 0, over = 0
          var mass = 0.0
          for v in e {
            let p = scale * v  // exact: a power of two times a float32
            if p > 0 { nonzero += 1 }
            if p > format.greatestFiniteMagnitude { over += 1 }
            let q = format.round(min(p, format.greatestFiniteMagnitude))  // cvt.satfinite
            if p > 0 && q == 0 { flushed += 1 }
            mass += q  // exact: float8 values of one row, at most 2^18 of them, fit in a Double's 53 bits
          }
          points.append(Float8Point(sigma: sigma, n: n, format: format, scaleExponent: k, maximum: maximum,
                                    flushedShare: Double(flushed) / Double(max(nonzero, 1)), overflowShare: Double(over) / Double(n),
                                    bias: mass / (scale * l) - 1, largestP: scale * (e.max() ?? 0)))
        }
      }
    }
    return points
  }

  /// exp(x_j - m) in float32 by the kernels' float32 exp (`Float32Native`), against the row's
  /// maximum or, block by block, FlashAttention 4's stale running maximum.
  public static func attentionWeights(_ x: [Double], maximum: Maximum) -> [Double] {
    var out: [Double] = []
    out.reserveCapacity(x.count)
    var running = -Double.infinity
    let rowMax = x.max() ?? 0
    let threshold = rescaleThreshold * 0.6931471805599453  // ln 2: the threshold in natural units
    var start = 0
    while start < x.count {
      let end = min(start + blockLength, x.count)
      let blockMax = x[start..<end].max()!
      switch maximum {
      case .fresh: running = rowMax
      case .stale: if running == -.infinity || blockMax - running > threshold { running = Swift.max(running, blockMax) }
      }
      let m = SIMD16<Float>(repeating: Float(running))
      var i = start
      while i < end {
        var v = SIMD16<Float>(repeating: -.infinity)
        for j in 0..<Swift.min(16, end - i) { v[j] = Float(x[i + j]) }
        let e = Float32Native.exp(v - m)
        for j in 0..<Swift.min(16, end - i) { out.append(Double(e[j])) }
        i += 16
      }
      start = end
    }
    return out
  }

  /// ml_dtypes 63: U(0, 1) values rounded to bfloat16, summed in bfloat16 and in float32.
  public static func uniformSum(count: Int, seed: UInt64) -> UniformSum {
    var rng = Xoshiro256StarStar(seed: seed)
    let values = (0..<count).map { _ in Format.bfloat16.round(rng.uniform()) }
    var native: [SIMDSummation: Double] = [:]
    for summation in SIMDSummation.allCases {
      native[summation] = withLanes(.bfloat16, .native, ValueSum(values: values, summation: summation))
    }
    return UniformSum(count: count, native: native,
                      wideSequential: withLanes(.bfloat16, .wide, ValueSum(values: values, summation: .sequential)),
                      exact: neumaierSum(values))
  }

  /// PyTorch 62897: softmax of n bfloat16 logits offset + N(0, 1), naive against shifted.
  public static func naiveRow(offset: Double, n: Int, seed: UInt64) throws -> NaiveRow {
    let x = normalRow(n, offset: offset, format: .bfloat16, seed: seed)
    let p = try Reference.evaluate(x, format: .bfloat16, operations: [.softmax]).results[.softmax]!
    var maxULP: [Variant: Double?] = [:], nan: [Variant: Int] = [:]
    for variant in [Variant.naive, .shifted] {
      let c = SIMDKernels.evaluate(.softmax, variant, row: x, format: .bfloat16, policy: .native, target: 0)!
      maxULP[variant] = maxULPError(c, p).0
      nan[variant] = c.filter(\.isNaN).count
    }
    return NaiveRow(offset: offset, n: n, maxULP: maxULP, nan: nan)
  }
}

/// The shifted kernels' sum of exponentials: m = max_j x_j, s = sum_j exp(round(x_j - m)) by
/// `SIMDKernels.sum` with the kernels' term (`ShiftedExpTerm`: lanes past the row's end load
/// -inf and add exp(-inf) = 0).
struct ShiftedSum: LanesTask {
  let row: [Double], summation: SIMDSummation

  func run<L: Lanes>(_: L.Type) -> Double {
    let x = row.map { L.Storage($0) }
    let m = L.splat(L.V.Scalar(row.max()!))
    return x.withUnsafeBufferPointer { xp in
      let p = xp.baseAddress!
      return Double(SIMDKernels.sum(L.self, row.count, summation) { i, count in
        L.exp(L.round(L.load(p + i, count: count, fill: -.infinity) - m))
      })
    }
  }
}

/// A plain sum of values of the format by `SIMDKernels.sum` (lanes past the end load 0).
struct ValueSum: LanesTask {
  let values: [Double], summation: SIMDSummation

  func run<L: Lanes>(_: L.Type) -> Double {
    let x = values.map { L.Storage($0) }
    return x.withUnsafeBufferPointer { xp in
      let p = xp.baseAddress!
      return Double(SIMDKernels.sum(L.self, values.count, summation) { i, count in L.load(p + i, count: count, fill: 0) })
    }
  }
}
