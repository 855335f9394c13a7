import Accuracy
import ExactReference
import Foundation
import SoftmaxKernels
import SoftmaxSpec
import Testing

/// Deterministic moderate rows: n logits in [-3, 3] (a fixed LCG), rounded to the format.
func moderateRows(_ f: Format) -> [[Double]] {
  var state: UInt64 = 12345
  func uniform() -> Double {
    state = state &* 6364136223846793005 &+ 1442695040888963407
    return Double(state >> 11) * 0x1p-53
  }
  return [2, 3, 5, 8, 16].flatMap { n in
    (0..<4).map { _ in (0..<n).map { _ in f.round(6 * uniform() - 3) } }
  }
}

/// An upper bound, in ULPs, of the textbook kernels' error on a row without overflow or underflow,
/// from Blanchard, Higham & Higham (2021) (first order, u the unit roundoff of the compute format)
/// and the propagation of those bounds through log and subtraction, doubled to cover libm's
/// exp and log (libm's for the textbook kernels, ours, within 0.91 ulp, for SIMD) and
/// second-order terms; plus the final rounding's half ULP.
func textbookBound(_ op: Op, _ variant: Variant, row x: [Double], index i: Int, target t: Int,
                   exact v: Double) -> Double
{
  let n = Double(x.count)
  let xmax = x.max()!, xmin = x.min()!
  let y = xmax + log(x.map { exp($0 - xmax) }.reduce(0, +))  // lse in Double: bounds need 2 digits
  // Relative error bounds of softmax (division form).
  let softmax = variant == .naive ? n + 3 : n + 2 + 2 * (xmax - xmin)
  let relative: Double
  switch op {
  case .lse:
    relative = variant == .naive ? 1 + (n + 1) / abs(y) : abs(y + n - xmin) / abs(y)
  case .softmax:
    relative = softmax
  case .logSoftmax, .crossEntropy:
    let j = op == .logSoftmax ? i : t
    let logP = x[j] - y
    if variant == .fused {
      // (x_j - m) - log s, or (m + log s) - x_t: absolute error about u (|x_j - m| + |lse| + n + 2).
      relative = (abs(x[j] - xmax) + abs(y) + n + 2) / abs(logP)
    } else {
      relative = softmax / abs(logP) + 1  // log(p): absolute error ~ relative error of p
    }
  case .ceGradient:
    let p = exp(x[i] - y)
    relative = i == t ? (softmax * p + 1) / abs(p - 1) : softmax
  }
  return 0.5 + 2 * relative
}

@Suite("Scalar textbook kernels")
struct TextbookTests {
  /// float8-e4m3 is left out: its exp underflows below -6.24 (U), inside these rows' spread of 6,
  /// where the first-order bounds (no underflow) do not apply.
  @Test("native policy: textbook and SIMD kernels within the Blanchard-Higham-Higham bounds on moderate rows",
        arguments: Format.allCases.filter { $0 != .float8E4M3 }, Textbook.variants)
  func nativeBounds(_ f: Format, _ variant: Variant) throws {
    for row in moderateRows(f) {
      let t = row.count - 1
      let reference = try Reference.evaluate(row, format: f, target: t)
      for op in Op.allCases {
        for kind in KernelKind.allCases {
        let out = try #require(Kernels.run(kind, op, variant, row, f, .native, t))
        for (i, c) in out.enumerated() {
          let exact = reference.results[op]![i]
          let e = Measures.ulpError(computed: c, exact: exact)
          let bound = textbookBound(op, variant, row: row, index: i, target: t, exact: exact.rounded)
          #expect(e <= bound, "\(kind.rawValue) \(op.rawValue) \(variant.rawValue) \(f.rawValue) row \(row) [\(i)]: \(e) ULP > \(bound)")
        }
        }
      }
    }
  }

  /// With the wide policy the arithmetic error is far below the format's ulp: what remains is the
  /// final rounding (0.5 ULP) and a sliver.
  @Test("wide policy: textbook and SIMD kernels within 0.6 ULP on moderate rows",
        arguments: [Format.float16, .float32], Textbook.variants)
  func wideIsNearlyCorrectlyRounded(_ f: Format, _ variant: Variant) throws {
    for row in moderateRows(f) {
      let reference = try Reference.evaluate(row, format: f, target: 0)
      for op in Op.allCases {
        for kind in KernelKind.allCases {
        let out = try #require(Kernels.run(kind, op, variant, row, f, .wide, 0))
        let worst = zip(out, reference.results[op]!).map { Measures.ulpError(computed: $0, exact: $1) }.max()!
        #expect(worst <= 0.6, "\(kind.rawValue) \(op.rawValue) \(variant.rawValue) \(f.rawValue) \(row): \(worst) ULP")
        }
      }
    }
  }

  /// exp overflows above log(largest finite value): 11.09 (float16), 88.72 (float32), 709.78 (float64).
  @Test("naive lse overflows just above log(largest finite), not just below; wide moves the cliff",
        arguments: Format.allCases)
  func overflowThreshold(_ f: Format) throws {
    let threshold = log(f.greatestFiniteMagnitude)
    var above = f.round(threshold)
    if above <= threshold { above = f.nextUp(above) }
    var below = f.round(threshold)
    if below >= threshold { below = f.nextDown(below) }
    #expect(above > threshold && below < threshold)
    let overflowed = try #require(Textbook.evaluate(.lse, .naive, row: [above, 0], format: f, policy: .native, target: 0))
    // float8-e4m3 has no infinity: its overflow is NaN.
    #expect(overflowed == [.infinity] || (f.overflowsToNaN && overflowed[0].isNaN))
    let fine = try #require(Textbook.evaluate(.lse, .naive, row: [below, 0], format: f, policy: .native, target: 0))
    #expect(fine[0].isFinite)
    let shifted = try #require(Textbook.evaluate(.lse, .shifted, row: [above, 0], format: f, policy: .native, target: 0))
    #expect(shifted[0] == f.round(above))  // lse = m + log(1 + e^-m) rounds to m
    // The wider format moves the cliff unless it has the same range (bfloat16's wide is float32).
    if log(f.wider.greatestFiniteMagnitude) > above {
      let wide = try #require(Textbook.evaluate(.lse, .naive, row: [above, 0], format: f, policy: .wide, target: 0))
      #expect(wide[0].isFinite)
    }
  }

  @Test("every result is a value of the format", arguments: Format.allCases, Policy.allCases)
  func resultsAreFormatValues(_ f: Format, _ policy: Policy) throws {
    for row in moderateRows(f) {
      for op in Op.allCases {
        for v in Textbook.variants {
          let out = try #require(Textbook.evaluate(op, v, row: row, format: f, policy: policy, target: 1))
          #expect(out.allSatisfy(f.contains))
          #expect(out.count == op.outputCount(rowLength: row.count))
        }
      }
    }
  }

  @Test("variants outside the textbook set have no scalar kernel here")
  func unsupported() {
    #expect(Textbook.evaluate(.softmax, .accurate, row: [1], format: .float32, policy: .native, target: 0) == nil)
    #expect(Textbook.evaluate(.lse, .divisionFree, row: [1], format: .float32, policy: .native, target: 0) == nil)
  }
}
