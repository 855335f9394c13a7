import Accuracy
import Cases
import ExactReference
import Foundation
import LabSupport
import MPFR
import SoftmaxKernels
import SoftmaxSpec

/// What the bounds of a row depend on: n, y = lse(x) (the exact value, rounded to a Double),
/// x_min, x_max and max_j |x_j - y|.
public struct RowStatistics: Sendable {
  public let n: Int
  public let y: Double
  public let xMin: Double
  public let xMax: Double
  /// max_j |x_j - y|.
  public let largestDistance: Double

  public init(logits x: [Double], lse y: Double) {
    n = x.count
    self.y = y
    xMin = x.min() ?? 0
    xMax = x.max() ?? 0
    largestDistance = x.map { Swift.abs($0 - y) }.max() ?? 0
  }
}

/// A first-order error bound from the literature (docs/definitions.md, "Bounds from the
/// literature"), held against the kernel variant it describes, row by row.
///
/// Blanchard, Higham and Higham, "Accurately computing the log-sum-exp and softmax functions",
/// IMA J. Numer. Anal. 41(4), 2021 (BHH): bounds to first order in the unit roundoff u, valid
/// when nothing overflows or underflows. A row is held to a claim only where that holds (see
/// `assumptionsHold`); the others are counted as excluded.
public enum BoundClaim: String, CaseIterable, Sendable {
  case naiveLSE = "naive lse"
  case shiftedLSE = "shifted lse"
  case shiftedLSEWithRounding = "shifted lse, with the rounding of m + log s"
  case naiveSoftmax = "naive softmax"
  case shiftedSoftmax = "shifted softmax"
  case divisionFree = "division-free softmax"
  case divisionFreeWithY = "division-free softmax, with |y| u"
  case recursiveSum = "recursive summation"
  case pairwiseSum = "pairwise summation"
  case compensatedSum = "compensated summation"

  /// The bound as the literature states it, in units of u.
  public var formula: String {
    switch self {
    case .naiveLSE: return "(1 + (n + 1)/|y|) u, relative"
    case .shiftedLSE: return "|y + n - x_min| / |y| u, relative"
    case .shiftedLSEWithRounding: return "(1 + |y + n - x_min| / |y|) u, relative"
    case .naiveSoftmax: return "(n + 3) u, normwise"
    case .shiftedSoftmax: return "(n + 2 + 2 (x_max - x_min)) u, normwise"
    case .divisionFree: return "(1 + max_j |x_j - y| + |y + n - x_min|) u, normwise"
    case .divisionFreeWithY: return "(1 + |y| + max_j |x_j - y| + |y + n - x_min|) u, normwise"
    case .recursiveSum: return "(n - 1) u, relative (positive terms)"
    case .pairwiseSum: return "ceil(log2 n) u, relative (positive terms)"
    case .compensatedSum: return "2u, relative: O(u) independent of n (Neumaier)"
    }
  }

  /// The kernel it is held against: the variant and operation (the summation claims: the SIMD
  /// sum of the shifted exponentials exp(x_j - m), by `summation`).
  public var variant: Variant {
    switch self {
    case .naiveLSE, .naiveSoftmax: return .naive
    case .shiftedLSE, .shiftedLSEWithRounding, .shiftedSoftmax: return .shifted
    case .divisionFree, .divisionFreeWithY: return .divisionFree
    case .recursiveSum, .pairwiseSum, .compensatedSum: return .fused
    }
  }

  public var op: Op { self == .naiveLSE || self == .shiftedLSE || self == .shiftedLSEWithRounding ? .lse : .softmax }

  public var summation: SIMDSummation? {
    switch self {
    case .recursiveSum: return .sequential
    case .pairwiseSum: return .pairwise
    case .compensatedSum: return .compensated
    default: return nil
    }
  }

  /// The bound for a row, u the unit roundoff of the compute format.
  public func bound(_ s: RowStatistics, u: Double) -> Double {
    let n = Double(s.n)
    switch self {
    case .naiveLSE: return (1 + (n + 1) / Swift.abs(s.y)) * u
    case .shiftedLSE: return Swift.abs(s.y + n - s.xMin) / Swift.abs(s.y) * u
    case .shiftedLSEWithRounding: return (1 + Swift.abs(s.y + n - s.xMin) / Swift.abs(s.y)) * u
    case .naiveSoftmax: return (n + 3) * u
    case .shiftedSoftmax: return (n + 2 + 2 * (s.xMax - s.xMin)) * u
    case .divisionFree: return (1 + s.largestDistance + Swift.abs(s.y + n - s.xMin)) * u
    case .divisionFreeWithY: return (1 + Swift.abs(s.y) + s.largestDistance + Swift.abs(s.y + n - s.xMin)) * u
    case .recursiveSum: return (n - 1) * u
    case .pairwiseSum:
      var levels = 0
      while (1 << levels) < s.n { levels += 1 }
      return Double(levels) * u
    case .compensatedSum: return 2 * u
    }
  }

  /// True when no exponential of the formula overflows or underflows in `compute`: the naive
  /// forms need every exp(x_j) normal and their sum finite; the shifted ones every exp(x_j - m)
  /// normal. The lse claims also need y != 0 (a relative bound), and every claim finite logits.
  public func assumptionsHold(_ s: RowStatistics, logits: [Double], compute: Format) -> Bool {
    guard logits.allSatisfy(\.isFinite), s.n >= 1 else { return false }
    let t = Thresholds(compute)
    let smallestNormalLog = Double(compute.minExponent) * 0.6931471805599453
    switch self {
    case .naiveLSE, .naiveSoftmax:
      guard s.xMin > smallestNormalLog && s.xMax + DeterministicMath.log(Double(s.n)) < t.overflow else { return false }
    default:
      guard s.xMin - s.xMax > smallestNormalLog else { return false }
    }
    if op == .lse && s.y == 0 { return false }
    return true
  }
}

/// One row held to one claim.
public struct BoundSample: Sendable {
  public let caseID: String
  public let measured: Double
  public let bound: Double
  /// The condition number of lse at the row, max_i |x_i| / |y| (BHH).
  public let lseCondition: Double
  public var ratio: Double { measured / bound }
}

/// A claim in one group (format x policy x family): the rows the assumptions allow, how many
/// are within the bound, and the largest measured/bound ratio with its row.
public struct BoundSummary: Sendable {
  public let claim: BoundClaim
  public let format: Format
  public let policy: Policy
  public let family: CaseFamily
  public let samples: [BoundSample]
  /// Rows whose assumptions do not hold (left out).
  public let excluded: Int

  public var within: Int { samples.filter { $0.measured <= $0.bound }.count }
  /// The sample with the largest measured/bound ratio (the first, in row order, on ties).
  public var worst: BoundSample? {
    var best: BoundSample? = nil
    for s in samples where best.map({ s.ratio > $0.ratio }) ?? true { best = s }
    return best
  }
}

/// BHH's half-precision experiment redone on the data closest to theirs that the lab can make:
/// they took the 10 inputs of the final softmax layer of a LeNet-style network trained on MNIST
/// for 2,500 images, rounded them to float16 and computed lse both ways in simulated half
/// precision (475 of 2,500 unshifted sums overflowed, none shifted; on the others the errors were
/// equal in 92% of the vectors, basic/shifted ratio 0.19 to 59, mean 1.07). The lab has no
/// network and no MNIST; it trains its own softmax regression (10 classes, 16 features, seeded
/// Gaussian clusters) in float64 and takes the logits X theta of 2,500 examples, rounded to
/// float16, and computes lse with its naive and shifted float16 native kernels.
public struct HalfPrecisionExperiment: Sendable {
  /// The feature scale used: of the candidates, the one whose logits' largest magnitude is
  /// nearest BHH's (19.7).
  public let scale: Double
  public let rows: Int
  public let logitRange: (min: Double, max: Double)
  public let spreadRange: (min: Double, max: Double)
  public let naiveOverflows: Int
  public let shiftedOverflows: Int
  /// Rows where neither overflowed.
  public let compared: Int
  /// Of those, rows whose naive and shifted lse are the same value.
  public let equal: Int
  /// naive relative error / shifted relative error, over rows where both are nonzero.
  public let ratioMin: Double?
  public let ratioMax: Double?
  public let ratioMean: Double?

  public static let candidateScales: [Double] = [1, 2, 4, 8]
  public static let theirLargestLogit = 19.7

  /// The trained logits: `count` rows of 10 float64 logits of a softmax regression trained on
  /// seeded clusters at feature scale `scale` (fused variant, float64, 20 epochs).
  public static func trainedLogits(scale: Double, count: Int = 2500) throws -> [[Double]] {
    let data = Dataset.synthetic(count: count, features: 16, classes: 10, scale: scale, separation: 1, seed: 1)
    let run = try Trainer.train(data, TrainingSettings(variant: .fused, format: .float64, policy: .native, epochs: 20))
    return Trainer.logits(data, Array(0..<count), run.theta, Arithmetic(.float64), .float64)
  }

  public static func run(count: Int = 2500) throws -> HalfPrecisionExperiment {
    var best: (scale: Double, rows: [[Double]], distance: Double)? = nil
    for scale in candidateScales {
      let rows = try trainedLogits(scale: scale, count: count)
      let largest = rows.joined().map { Swift.abs($0) }.max() ?? 0
      let distance = Swift.abs(largest - theirLargestLogit)
      if best.map({ distance < $0.distance }) ?? true { best = (scale, rows, distance) }
    }
    let f = Format.float16
    let rows = best!.rows.map { $0.map(f.round) }
    var naiveOverflows = 0, shiftedOverflows = 0, compared = 0, equal = 0
    var ratios: [Double] = []
    for row in rows {
      let naive = SIMDKernels.evaluate(.lse, .naive, row: row, format: f, policy: .native, target: 0)![0]
      let shifted = SIMDKernels.evaluate(.lse, .shifted, row: row, format: f, policy: .native, target: 0)![0]
      if !naive.isFinite { naiveOverflows += 1 }
      if !shifted.isFinite { shiftedOverflows += 1 }
      guard naive.isFinite && shifted.isFinite else { continue }
      compared += 1
      if naive == shifted { equal += 1 }
      let exact = try Reference.evaluate(row, format: f, operations: [.lse]).results[.lse]![0]
      let a = Measures.relativeError(computed: naive, exact: exact), b = Measures.relativeError(computed: shifted, exact: exact)
      if a > 0 && b > 0 { ratios.append(a / b) }
    }
    let all = rows.joined()
    let spreads = rows.map { ($0.max() ?? 0) - ($0.min() ?? 0) }
    return HalfPrecisionExperiment(
      scale: best!.scale, rows: rows.count, logitRange: (all.min() ?? 0, all.max() ?? 0),
      spreadRange: (spreads.min() ?? 0, spreads.max() ?? 0), naiveOverflows: naiveOverflows,
      shiftedOverflows: shiftedOverflows, compared: compared, equal: equal, ratioMin: ratios.min(),
      ratioMax: ratios.max(), ratioMean: ratios.isEmpty ? nil : ratios.reduce(0, +) / Double(ratios.count))
  }
}

/// The literature's bounds held row by row against the lab's SIMD kernels, over the case
/// families, and BHH's half-precision experiment. Deterministic: each row is computed alone and
/// the results are kept in row order, whatever the thread count.
public struct LiteratureStudy: Sendable {
  public let settings: CaseSettings
  public let summaries: [BoundSummary]
  public let halfPrecision: HalfPrecisionExperiment

  struct Unit: Sendable {
    let family: CaseFamily
    let format: Format
    let index: Int
  }

  /// (claim, policy) -> the row's sample, or nil when the row is excluded.
  typealias RowOutcome = [String: BoundSample?]

  /// The formats the study covers by default: the three with hardware arithmetic, which the
  /// literature's bounds are stated for (bfloat16 and float8 are in reports/low-precision.md).
  public static let defaultFormats: [Format] = Format.allCases.filter { !$0.isEmulated }

  /// The families the study covers by default: the generated ones. The `worst` family's rows were
  /// searched out against the lab's own kernels; reports/worst.md judges them against the lab's bounds.
  public static let defaultFamilies: [CaseFamily] = CaseFamily.allCases.filter { $0 != .worst }

  public static func run(families: [CaseFamily] = defaultFamilies, formats: [Format] = defaultFormats,
                         settings: CaseSettings = .init(), halfPrecisionRows: Int = 2500,
                         threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> LiteratureStudy
  {
    let units = families.flatMap { family in
      formats.flatMap { format in (0..<settings.rows(family)).map { Unit(family: family, format: format, index: $0) } }
    }
    let results = try concurrentMap(units.count, threads: threads) { try evaluate(units[$0], settings) }.map { try $0.get() }
    var summaries: [BoundSummary] = []
    for format in formats {
      for policy in format.distinctPolicies {
        for claim in BoundClaim.allCases {
          for family in families {
            var samples: [BoundSample] = [], excluded = 0
            for (unit, outcome) in zip(units, results) where unit.family == family && unit.format == format {
              if let sample = outcome[key(claim, policy)] ?? nil { samples.append(sample) } else { excluded += 1 }
            }
            summaries.append(BoundSummary(claim: claim, format: format, policy: policy, family: family, samples: samples,
                                          excluded: excluded))
          }
        }
      }
    }
    return LiteratureStudy(settings: settings, summaries: summaries,
                           halfPrecision: try HalfPrecisionExperiment.run(count: halfPrecisionRows))
  }

  static func key(_ claim: BoundClaim, _ policy: Policy) -> String { "\(claim.rawValue)|\(policy.rawValue)" }

  /// Every claim and policy on one row.
  static func evaluate(_ unit: Unit, _ settings: CaseSettings) throws -> RowOutcome {
    let c = Generator.make(unit.family, index: unit.index, format: unit.format, settings: settings)
    var outcome: RowOutcome = [:]
    guard c.logits.allSatisfy(\.isFinite) else { return outcome }
    let reference = try Reference.evaluate(c.logits, format: c.format, target: c.target, operations: [.lse, .softmax])
    guard !reference.undefined else { return outcome }
    let stats = RowStatistics(logits: c.logits, lse: reference.results[.lse]![0].value.double(.nearestEven))
    let p = reference.results[.softmax]!
    let largestP = p.map { $0.value.double(.nearestEven) }.max() ?? 0
    for policy in c.format.distinctPolicies {
      let compute = policy.computeFormat(for: c.format)
      let u = Double(sign: .plus, exponent: -compute.precision, significand: 1)
      // With `wide`, the result is rounded once more, to the storage format: u of it is added.
      let store = policy == .wide ? Double(sign: .plus, exponent: -c.format.precision, significand: 1) : 0
      // The kernel's terms, their sum by each summation and their exact sum: once per row and policy.
      var sums: (sums: [SIMDSummation: Double], exact: BigFloat)? = nil
      for claim in BoundClaim.allCases {
        guard claim.assumptionsHold(stats, logits: c.logits, compute: compute) else { continue }
        let measured: Double
        var bound = claim.bound(stats, u: u)
        if let summation = claim.summation {
          if sums == nil {
            let (terms, computed) = withLanes(c.format, policy, ShiftedSums(row: c.logits))
            sums = (computed, BigFloat.sum(terms.map { BigFloat($0) }, precision: 256, .nearestEven).0)
          }
          let (difference, _) = BigFloat.subtract(BigFloat(sums!.sums[summation]!), sums!.exact, precision: 256, .nearestEven)
          let (ratio, _) = BigFloat.divide(difference, sums!.exact, precision: 64, .nearestEven)
          measured = Swift.abs(ratio.double(.nearestEven))
        } else {
          bound += store
          let out = SIMDKernels.evaluate(claim.op, claim.variant, row: c.logits, format: c.format, policy: policy,
                                         target: c.target)!
          if claim.op == .lse {
            measured = Measures.relativeError(computed: out[0], exact: reference.results[.lse]![0])
          } else {
            let errors = zip(out, p).map { Measures.absoluteError(computed: $0, exact: $1) }
            measured = (errors.max() ?? 0) / largestP
          }
        }
        let condition = max(Swift.abs(stats.xMin), Swift.abs(stats.xMax)) / Swift.abs(stats.y)
        outcome[key(claim, policy)] = BoundSample(caseID: c.id, measured: measured, bound: bound, lseCondition: condition)
      }
    }
    return outcome
  }

  /// The SIMD kernels' terms exp(x_j - m) of a row (the shifted and fused sum's), as Doubles,
  /// and their sum by each summation.
  struct ShiftedSums: LanesTask {
    let row: [Double]

    func run<L: Lanes>(_: L.Type) -> (terms: [Double], sums: [SIMDSummation: Double]) {
      let x = row.map { L.Storage($0) }
      return x.withUnsafeBufferPointer { xp in
        let p = xp.baseAddress!, n = row.count
        let mv = L.splat(SIMDKernels.maximum(L.self, p, n))
        func term(_ i: Int, _ count: Int) -> L.V { L.exp(L.round(L.load(p + i, count: count, fill: -.infinity) - mv)) }
        var terms: [Double] = []
        var i = 0
        while i < n {
          let count = min(L.width, n - i)
          let v = term(i, count)
          for j in 0..<count { terms.append(Double(v[j])) }
          i += L.width
        }
        var sums: [SIMDSummation: Double] = [:]
        for s in [SIMDSummation.sequential, .pairwise, .compensated] { sums[s] = Double(SIMDKernels.sum(L.self, n, s, term)) }
        return (terms, sums)
      }
    }
  }
}
