import Accuracy
import ExactReference
import Foundation
import SoftmaxSpec
import Testing

/// docs/definitions.md's seed example: three rows of float32 logits, targets 0, 1, 2, mean reduction.
let seedBatch: [[Double]] = [[1.1316, -0.7943, 0.1328], [0.2654, 0.1978, -0.0265], [-2.8054, 0.2867, -0.1517]]
  .map { $0.map { Format.float32.round($0) } }
let seedTargets = [0, 1, 2]

/// A deterministic moderate batch: `rows` rows of `classes` logits in [-4, 4] (a fixed LCG).
func moderateBatch(_ f: Format, rows: Int, classes: Int, seed: UInt64 = 7) -> [[Double]] {
  var state = seed
  func uniform() -> Double {
    state = state &* 6364136223846793005 &+ 1442695040888963407
    return Double(state >> 11) * 0x1p-53
  }
  return (0..<rows).map { _ in (0..<classes).map { _ in f.round(8 * uniform() - 4) } }
}

/// A first-order bound on the absolute error of a batch loss computed from a variant's row
/// kernels (BatchLoss's formulas), on rows without overflow or underflow:
/// - each kernel value -log p_c: 2 u_k (|x_c - m| + |lse| + 2n + 4 + 2 (x_max - x_min)), the fused
///   form's absolute error plus the shifted form's (log of a softmax whose relative error is
///   (n + 2 + 2 spread) u), doubled for exp and log, plus the kernel's rounding to storage;
/// - the weights, smoothing and reduction: (B + C + 6) u_c of the total (every term passes through
///   at most that many roundings), and the final rounding to the storage format.
/// u_k is the unit roundoff of the kernel's compute format, u_c the combination's, u_s storage's.
func batchLossBound(_ rows: [[Double]], _ targets: [Int], _ o: CrossEntropyOptions, _ f: Format, _ p: Policy,
                    exact v: Double) -> Double
{
  let uk = 0x1p-1 * Double(sign: .plus, exponent: 1 - p.computeFormat(for: f).precision, significand: 1)
  let us = 0x1p-1 * Double(sign: .plus, exponent: 1 - f.precision, significand: 1)
  let (b, c) = (Double(rows.count), Double(rows[0].count))
  var total = 0.0, error = 0.0, denominator = 0.0
  for (x, t) in zip(rows, targets) where t != o.ignoreIndex {
    let m = x.max()!, spread = m - x.min()!
    let lse = m + log(x.map { exp($0 - m) }.reduce(0, +))
    func term(_ j: Int) -> (value: Double, error: Double) {
      let value = lse - x[j]
      return (value, 2 * uk * (abs(x[j] - m) + abs(lse) + 2 * c + 4 + 2 * spread) + us * value)
    }
    let wt = o.weight(t), eps = o.labelSmoothing
    let target = term(t)
    var (value, e) = ((1 - eps) * wt * target.value, (1 - eps) * wt * target.error)
    for j in x.indices where eps > 0 {
      let cj = term(j)
      value += eps / c * o.weight(j) * cj.value
      e += eps / c * o.weight(j) * cj.error
    }
    total += value
    error += e
    denominator += wt
  }
  let scale = o.reduction == .mean ? 1 / denominator : 1
  return scale * (error + (b + c + 6) * uk * total) + us * abs(v)
}

/// The same for one gradient element: the kernel's p_c - [c = t] within 2 u_k (2n + 5 + 2 spread)
/// plus its rounding, the combination within (C + 6) u_c, the final rounding.
func batchGradientBound(_ x: [Double], _ o: CrossEntropyOptions, _ f: Format, _ p: Policy, denominator: Double,
                        exact v: Double) -> Double
{
  let uk = 0x1p-1 * Double(sign: .plus, exponent: 1 - p.computeFormat(for: f).precision, significand: 1)
  let us = 0x1p-1 * Double(sign: .plus, exponent: 1 - f.precision, significand: 1)
  let c = Double(x.count), spread = x.max()! - x.min()!
  let weights = (0..<x.count).map(o.weight)
  let scale = weights.max()! * (1 + 2 * o.labelSmoothing) * (o.reduction == .mean ? 1 / denominator : 1)
  return scale * (2 * uk * (2 * c + 5 + 2 * spread) + 2 * us + (c + 6) * uk) + us * abs(v)
}

/// The absolute error |computed - exact| (in Double: both are well inside its precision here).
func absoluteError(_ computed: Double, _ exact: ExactValue) -> Double {
  abs(computed - exact.value.double(.nearestEven))
}

@Suite("Batch cross-entropy (framework semantics)")
struct BatchLossTests {
  @Test("the seed example's mean loss is 0.8107251884... exactly, and every variant matches it in float32 within its bound",
        arguments: Variant.batchVariants, Policy.allCases)
  func seedExample(_ variant: Variant, _ policy: Policy) throws {
    let exact = try BatchReference.evaluate(seedBatch, targets: seedTargets, format: .float32)
    let v = try #require(exact.loss[0])
    // docs/definitions.md: "exact value 0.8107251884...".
    #expect(abs(v.value.double(.nearestEven) - 0.8107251884) < 1e-10)
    let computed = try BatchLoss.evaluate(seedBatch, targets: seedTargets, format: .float32, variant: variant,
                                          policy: policy)
    let bound = batchLossBound(seedBatch, seedTargets, .init(), .float32, policy, exact: v.rounded)
    #expect(absoluteError(computed.loss[0], v) <= bound,
            "\(variant.rawValue) \(policy.rawValue): \(computed.loss[0]) vs \(v.rounded), bound \(bound)")
  }

  static let settings: [CrossEntropyOptions] = LossReduction.allCases.flatMap { r in
    [
      CrossEntropyOptions(reduction: r),
      CrossEntropyOptions(weights: [0.5, 2, 1, 0, 3], reduction: r),
      CrossEntropyOptions(labelSmoothing: 0.1, reduction: r),
      CrossEntropyOptions(weights: [1, 0.25, 4, 1, 0.5], ignoreIndex: 3, labelSmoothing: 0.3, reduction: r),
    ]
  }

  @Test("loss and gradient match the MPFR reference within their bounds for every reduction, weight and smoothing setting",
        arguments: [Format.float32, .float64], Array(0..<settings.count))
  func againstReference(_ f: Format, _ setting: Int) throws {
    let o = BatchLossTests.settings[setting]
    let rows = moderateBatch(f, rows: 6, classes: 5)
    let targets = [0, 3, 4, 1, 3, 2]
    let exact = try BatchReference.evaluate(rows, targets: targets, format: f, options: o)
    let held = o.held(in: f)
    let denominator = targets.filter { $0 != held.ignoreIndex }.map(held.weight).reduce(0, +)
    for variant in Variant.batchVariants {
      for policy in f.distinctPolicies {
        let r = try BatchLoss.evaluate(rows, targets: targets, format: f, variant: variant, policy: policy, options: o)
        #expect(r.loss.count == exact.loss.count)
        for (k, (c, v)) in zip(r.loss, exact.loss).enumerated() {
          let v = try #require(v)
          // For `none` each value is one row's loss: bound it alone.
          let (bx, bt) = held.reduction == .none ? ([rows[k]], [targets[k]]) : (rows, targets)
          let bound = batchLossBound(bx, bt, held, f, policy, exact: v.rounded)
          #expect(absoluteError(c, v) <= bound, "loss \(variant.rawValue) \(policy.rawValue) \(o) [\(k)]: \(c) vs \(v.rounded), bound \(bound)")
        }
        for n in rows.indices {
          for j in 0..<5 {
            let v = try #require(exact.gradient[n][j])
            let bound = batchGradientBound(rows[n], held, f, policy, denominator: denominator, exact: v.rounded)
            #expect(absoluteError(r.gradient[n][j], v) <= bound,
                    "gradient \(variant.rawValue) \(policy.rawValue) \(o) [\(n)][\(j)]: \(r.gradient[n][j]) vs \(v.rounded)")
          }
        }
      }
    }
  }

  @Test("hand-derived: equal logits give log C for any weights and smoothing; ignored rows drop out; an integer weight repeats a row",
        arguments: Format.allCases)
  func handDerived(_ f: Format) throws {
    // n equal logits: p_c = 1/C, so every -log p_c = log C and the weighted mean is log C.
    let equal = Array(repeating: [0.5, 0.5, 0.5, 0.5], count: 3)
    let logC = try #require(try Reference.evaluate([0, 0, 0, 0], format: f, operations: [.crossEntropy]).results[.crossEntropy]?[0])
    for o in [CrossEntropyOptions(), .init(weights: [1, 2, 3, 0.5]), .init(labelSmoothing: 0.25),
              .init(weights: [1, 2, 3, 0.5], ignoreIndex: 1, labelSmoothing: 1)]
    {
      let exact = try #require(try BatchReference.evaluate(equal, targets: [0, 1, 2], format: f, options: o).loss[0])
      // The weighted mean is log C ((1 - eps) sum w_t + eps W B' / C) / sum w_t (B' rows kept,
      // W = sum_c w_c): log C itself for unit weights or eps = 0. The factor is exact in Double here.
      let kept = [0, 1, 2].filter { $0 != o.ignoreIndex }
      let wt = kept.map(o.weight).reduce(0, +), w = (0..<4).map(o.weight).reduce(0, +)
      let factor = ((1 - o.labelSmoothing) * wt + o.labelSmoothing * w * Double(kept.count) / 4) / wt
      if factor == 1 { #expect(exact.rounded == logC.rounded, "\(o)") }
      let expected = factor * logC.value.double(.nearestEven)
      #expect(abs(exact.value.double(.nearestEven) - expected) <= 0x1p-50 * expected, "\(o)")
    }
    // Ignoring a row is leaving it out.
    let rows = moderateBatch(f, rows: 4, classes: 3)
    let ignored = try BatchReference.evaluate(rows, targets: [0, -100, 2, 1], format: f)
    let without = try BatchReference.evaluate([rows[0], rows[2], rows[3]], targets: [0, 2, 1], format: f)
    #expect(ignored.loss[0]?.rounded == without.loss[0]?.rounded)
    // Weight 2 on class 0 counts row 0 (target 0) twice: the same mean as the row repeated.
    let weighted = try BatchReference.evaluate(rows, targets: [0, 1, 2, 1], format: f,
                                               options: .init(weights: [2, 1, 1]))
    let repeated = try BatchReference.evaluate([rows[0]] + rows, targets: [0, 0, 1, 2, 1], format: f)
    #expect(weighted.loss[0]?.rounded == repeated.loss[0]?.rounded)
    for variant in [Variant.fused, .accurate] {
      let k = try BatchLoss.evaluate(rows, targets: [0, -100, 2, 1], format: f, variant: variant,
                                     options: .init(reduction: .none))
      #expect(k.loss[1] == 0 && k.gradient[1].allSatisfy { $0 == 0 })
    }
  }

  @Test("edge cases: every row ignored, a weight of 0, -inf logits, a target out of range, a variant with no loss",
        arguments: Variant.batchVariants)
  func edgeCases(_ variant: Variant) throws {
    let rows: [[Double]] = [[0, 0], [1, -.infinity]]
    // Every row ignored: mean NaN (0/0), sum 0, none zeros; the reference calls the mean undefined.
    let ignored = [-100, -100]
    let mean = try BatchLoss.evaluate(rows, targets: ignored, format: .float32, variant: variant)
    #expect(mean.loss[0].isNaN && mean.gradient.joined().allSatisfy(\.isNaN))
    #expect(try BatchReference.evaluate(rows, targets: ignored, format: .float32).loss.map { $0 == nil } == [true])
    let sum = try BatchLoss.evaluate(rows, targets: ignored, format: .float32, variant: variant, options: .init(reduction: .sum))
    #expect(sum.loss == [0] && sum.gradient.joined().allSatisfy { $0 == 0 })
    // A masked class: p = [1, 0] in row 1. Target 0: loss 0. Target 1 (masked): loss +inf.
    let masked = try BatchLoss.evaluate(rows, targets: [0, 1], format: .float32, variant: variant,
                                        options: .init(reduction: .none))
    #expect(masked.loss[1] == .infinity)
    let exactMasked = try BatchReference.evaluate(rows, targets: [0, 1], format: .float32, options: .init(reduction: .none))
    #expect(exactMasked.loss[1]?.rounded == .infinity)
    // Smoothing eps = 1/2 with a masked class: the loss is +inf (-log p_1 = inf), the gradient
    // p - q = [1 - 3/4, 0 - 1/4] exactly.
    let smoothed = try BatchLoss.evaluate([rows[1]], targets: [0], format: .float32, variant: variant,
                                          options: .init(labelSmoothing: 0.5, reduction: .sum))
    #expect(smoothed.loss == [.infinity])
    #expect(smoothed.gradient == [[0.25, -0.25]])
    // ...unless the masked class has weight 0: its term is left out and the loss is 0.
    let zeroWeight = CrossEntropyOptions(weights: [1, 0], labelSmoothing: 0.5, reduction: .sum)
    let w0 = try BatchLoss.evaluate([rows[1]], targets: [0], format: .float32, variant: variant, options: zeroWeight)
    if variant == .twoPass {
      // two-pass has no exact x_t - m: its log-prob of a dominant logit is off by about u
      // (docs/definitions.md, "two-pass").
      #expect(abs(w0.loss[0]) <= 4 * Double(Float.ulpOfOne), "\(w0.loss)")
    } else {
      #expect(w0.loss == [0])
    }
    #expect(try BatchReference.evaluate([rows[1]], targets: [0], format: .float32, options: zeroWeight).loss[0]?.rounded == 0)
    // Out of range: an error with the row, the target and the classes.
    #expect(throws: BatchError.targetOutOfRange(row: 1, target: 2, classes: 2)) {
      try BatchLoss.evaluate(rows, targets: [0, 2], format: .float32, variant: variant)
    }
    #expect(BatchError.targetOutOfRange(row: 1, target: 2, classes: 2).description.contains("target 2 of row 1"))
  }

  @Test("variants with no cross-entropy kernel are refused with the list of those that have one")
  func refusedVariants() {
    for v in Variant.allCases where !Variant.batchVariants.contains(v) {
      #expect(throws: BatchError.variant(v)) {
        try BatchLoss.evaluate(seedBatch, targets: seedTargets, format: .float32, variant: v)
      }
    }
  }

  @Test("float64 gradient agrees with central finite differences of the loss", arguments: LossReduction.allCases)
  func finiteDifferences(_ reduction: LossReduction) throws {
    let rows = moderateBatch(.float64, rows: 4, classes: 3, seed: 11)
    let targets = [2, 0, 1, -100]
    let o = CrossEntropyOptions(weights: [1, 0.5, 2], labelSmoothing: 0.2, reduction: reduction)
    let g = try BatchLoss.evaluate(rows, targets: targets, format: .float64, variant: .accurate, options: o).gradient
    func total(_ x: [[Double]]) throws -> Double {
      try BatchLoss.evaluate(x, targets: targets, format: .float64, variant: .accurate, options: o, gradient: false)
        .loss.reduce(0, +)
    }
    let h = 0x1p-17  // error O(h^2) ~ 1e-10 plus rounding O(u / h) ~ 1e-11
    for n in rows.indices {
      for j in 0..<3 {
        var plus = rows, minus = rows
        plus[n][j] += h
        minus[n][j] -= h
        let fd = (try total(plus) - total(minus)) / (2 * h)
        #expect(abs(fd - g[n][j]) <= 1e-8, "[\(n)][\(j)]: finite difference \(fd), gradient \(g[n][j])")
      }
    }
  }
}
