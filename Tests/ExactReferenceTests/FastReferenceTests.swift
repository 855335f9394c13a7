import Cases
@testable import ExactReference
import MPFR
import SoftmaxSpec
import Testing

/// A small deterministic generator (SplitMix64) so that these tests draw the same values every run.
private struct Draws {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  /// Uniform in [0, 1).
  mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }
}

/// |a - b| / |b| in MPFR.
private func relativeDifference(_ a: BigFloat, _ b: BigFloat) -> Double {
  let d = BigFloat.subtract(a, b, precision: 400, .nearestEven).0
  return BigFloat.divide(d, b, precision: 64, .nearestEven).0.double(.nearestEven).magnitude
}

/// Every result of `a` and `b` the same: rounded value (sign of zero included), ulp exponent, and ULP
/// errors of nearby computed values equal to 1e-11 ulp.
private func expectSameResults(_ a: ExactRow, _ b: ExactRow, _ what: String) {
  #expect(a.undefined == b.undefined, "\(what)")
  for (op, values) in a.results {
    guard let others = b.results[op], others.count == values.count else {
      Issue.record("\(what) \(op): missing results")
      continue
    }
    for (i, (x, y)) in zip(values, others).enumerated() {
      let same = x.rounded.bitPattern == y.rounded.bitPattern || (x.rounded.isNaN && y.rounded.isNaN)
      #expect(same && x.ulpExponent == y.ulpExponent, "\(what) \(op)[\(i)]: \(x.rounded) vs \(y.rounded)")
      guard x.rounded.isFinite && x.isFinite && y.isFinite else { continue }
      let ulp = Double(sign: .plus, exponent: x.ulpExponent, significand: 1)
      for c in [x.rounded, x.rounded + ulp, x.rounded - 3 * ulp] {
        let d = (x.ulpError(of: c) - y.ulpError(of: c)).magnitude
        #expect(d <= 1e-11, "\(what) \(op)[\(i)]: ULP errors \(x.ulpError(of: c)) and \(y.ulpError(of: c))")
      }
    }
  }
}

@Suite("The fast reference")
struct FastReferenceTests {
  @Test("FastExp's exp and shortExp stay within their stated relative errors of MPFR's exp, with room to spare")
  func expBound() {
    var draws = Draws(state: 15)
    var arguments: [DoubleWord] = [DoubleWord(-600), DoubleWord(-0x1p-1000), DoubleWord(-0x1p-30), DoubleWord(-1e-300)]
    // Differences of random logits: d = x - m exactly as a TwoSum, over the whole domain and near 0.
    for i in 0..<6000 {
      let m = (draws.unit() - 0.5) * (i % 3 == 0 ? 1e6 : 20)
      let span = i % 2 == 0 ? 600.0 : 0.01
      let x = m - draws.unit() * span
      let d = DoubleWord(DoubleWord.twoSum(x, -m))
      if d.hi >= -600 && d.hi <= 0 { arguments.append(d) }
    }
    // Arguments at the reduction's boundaries: (k + 1/2) ln(2)/256.
    for k in stride(from: -221_000, to: 0, by: 997) {
      arguments.append(DoubleWord(Double(k) * 0.6931471805599453 / 256 - 0.001354))
    }
    var worst = 0.0, worstShort = 0.0
    for d in arguments {
      let exact = BigFloat.exp(d.big, precision: 400, .nearestEven).0
      worst = max(worst, relativeDifference(FastExp.exp(d).big, exact))
      worstShort = max(worstShort, relativeDifference(FastExp.shortExp(d).big, exact))
    }
    #expect(worst <= FastExp.relativeError)
    #expect(worst <= 0x1p-102, "worst relative error \(worst)")
    #expect(worstShort <= FastExp.shortRelativeError)
    #expect(worstShort <= 0x1p-78, "shortExp's worst relative error \(worstShort)")
  }

  @Test("the fast path gives the MPFR-only path's results: every family, op, rows of 1 to 67",
        arguments: Format.allCases)
  func sameAsMPFR(_ f: Format) throws {
    var fastRows = 0
    for family in CaseFamily.allCases where family != .hugeN {
      let lengths = family.defaultLength == nil ? [0] : Array(1...67)
      for n in lengths {
        let settings = CaseSettings(seed: UInt64(n), rows: family.defaultLength == nil ? nil : 2,
                                    length: n == 0 ? nil : n)
        for c in Generator.cases(family, format: f, settings: settings) {
          let fast = try Reference.evaluate(c.logits, format: f, target: c.target)
          let exact = try Reference.evaluate(c.logits, format: f, target: c.target, method: .exact)
          #expect(!exact.decidedByFastPath)
          if fast.decidedByFastPath { fastRows += 1 }
          expectSameResults(fast, exact, "\(c.id) n=\(c.logits.count)")
        }
      }
    }
    #expect(fastRows > 0)
  }

  /// Logits chosen (in a wide format) so that an output lands within an ulp of the logits' format of
  /// a midpoint of the output format: lse of [m, m] = m + ln 2, log-softmax_1 of [0, x] =
  /// -log1p(e^-x), softmax_1 of [0, x] = 1/(1 + e^-x), each solved for a random midpoint M.
  @Test("rows built to sit next to rounding midpoints of the output format",
        arguments: [(Format.float32, Format.bfloat16), (.float32, .float8E4M3), (.float32, .float16),
                    (.float64, .float32), (.float64, .float16)])
  func nearMidpoints(_ logits: Format, _ output: Format) throws {
    var draws = Draws(state: UInt64(output.precision * 100 + logits.precision))
    var decided = 0
    for _ in 0..<60 {
      // A midpoint of the output format: (2j + 1) / 2 ulp in a random binade.
      let exponent = -Int(draws.unit() * 6) - 1
      let ulp = Double(sign: .plus, exponent: exponent - output.precision + 1, significand: 1)
      let j = Double(Int(draws.unit() * Double(1 << (output.precision - 1))))
      let mid = Double(sign: .plus, exponent: exponent, significand: 1) + (2 * j + 1) / 2 * ulp
      var rows: [([Double], Op)] = []
      let ln2 = 0.6931471805599453
      let m = logits.round(mid * 8 - ln2)
      rows.append(([m, m], .lse))
      let xLog = logits.round(-DeterministicLog.log(DeterministicLog.exp(mid) - 1))  // -log1p(e^-x) = -mid
      rows.append(([0, xLog], .logSoftmax))
      let p = mid  // in (0, 1)
      let xSoft = logits.round(-DeterministicLog.log(1 / p - 1))
      rows.append(([0, xSoft], .softmax))
      for (row, op) in rows where row.allSatisfy({ $0.isFinite }) {
        let fast = try Reference.evaluate(row, format: logits, outputFormat: output, operations: [op])
        let exact = try Reference.evaluate(row, format: logits, outputFormat: output, operations: [op], method: .exact)
        if fast.decidedByFastPath { decided += 1 }
        expectSameResults(fast, exact, "\(row) \(op) -> \(output)")
      }
    }
    #expect(decided > 0)
  }

  @Test("decide never picks a wrong rounding when the largest allowed error is injected", arguments: Format.allCases)
  func injectedError(_ f: Format) {
    var draws = Draws(state: UInt64(f.precision))
    var decidedCount = 0
    for _ in 0..<4000 {
      // A true value v = M + t next to a midpoint M (or a power of two: a binade edge).
      let exponent = Int(draws.unit() * 20) - 10
      let ulp = Double(sign: .plus, exponent: exponent - f.precision + 1, significand: 1)
      let j = Double(Int(draws.unit() * Double(1 << (f.precision - 1))))
      let base = Double(sign: .plus, exponent: exponent, significand: 1)
      let edge = draws.unit() < 0.2
      // float64's midpoints are not Doubles: they are the low part of the double-word.
      let wide = f == .float64
      let anchor = edge ? base : base + (wide ? 0 : (2 * j + 1) / 2 * ulp)
      let anchorLow = edge || !wide ? 0 : ulp / 2
      // A radius below 2^-41 ulp, and t on a grid fine enough that every sum below is exact.
      let shift = 42 + Int(draws.unit() * (wide ? 6 : 40))
      let radius = Double(sign: .plus, exponent: -shift, significand: ulp)
      let grid = wide ? 4 : 20
      let t = Double(Int((draws.unit() - 0.5) * Double(1 << (grid + 2)))) * Double(sign: .plus, exponent: -grid, significand: radius)
      for injected in [radius, -radius, 0] {
        let computed = DoubleWord(anchor, anchorLow + t + injected)
        let truth = BigFloat.sum([BigFloat(anchor), BigFloat(anchorLow), BigFloat(t)], precision: 200, .nearestEven).0
        guard let d = FastReference.decide(computed, radius: radius, f) else { continue }
        decidedCount += 1
        let expected = FormatRounding.round(truth, side: .at, f)
        #expect(d == expected, "\(anchor) + \(t), injected \(injected): \(d.value) vs \(expected.value)")
      }
    }
    #expect(decidedCount > 1000)
  }

  @Test("rows of N(0, 1) logits are decided by the fast path in every format", arguments: Format.allCases)
  func ordinaryRowsAreFast(_ f: Format) throws {
    for c in Generator.cases(.moderate, format: f, settings: CaseSettings(rows: 8, length: 1024)) {
      #expect(try Reference.evaluate(c.logits, format: f, target: c.target).decidedByFastPath, "\(c.id)")
    }
  }
}

/// exp and log for building test rows (any accuracy will do: the rows are then exact values).
private enum DeterministicLog {
  static func exp(_ x: Double) -> Double {
    BigFloat.exp(BigFloat(x), precision: 64, .nearestEven).0.double(.nearestEven)
  }
  static func log(_ x: Double) -> Double {
    BigFloat.log(BigFloat(x), precision: 64, .nearestEven).0.double(.nearestEven)
  }
}
