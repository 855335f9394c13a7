import Accuracy
import ExactReference
import Foundation
import SoftmaxSpec
import Testing

/// The error bounds the SIMD elementary functions are held to (ULP against the correctly rounded
/// result). The measured maxima are in docs/kernels.md; these are the project's goals.
func elementaryBound(_ f: ElementaryFunction) -> Double { f == .log1p ? 2 : 1 }

/// Long sweeps (every float32) run only with LONG_TESTS=1 in the environment.
let longTests = ProcessInfo.processInfo.environment["LONG_TESTS"] != nil

@Suite("SIMD elementary functions")
struct ElementaryTests {
  @Test("float16: every bit pattern within the bound, specials exact", arguments: ElementaryFunction.allCases)
  func float16(_ f: ElementaryFunction) {
    let r = ElementarySweep.float16(f)
    #expect(r.inputs == 65536)
    #expect(r.maxULP <= elementaryBound(f), "worst input \(r.worstInput)")
    #expect(r.wrongSpecials == 0, "first at \(r.wrongSpecialInput ?? .nan)")
  }

  @Test("float32: a sample of every binade within the bound", arguments: ElementaryFunction.allCases)
  func float32(_ f: ElementaryFunction) {
    let r = ElementarySweep.float32(f, exhaustive: false, perBinade: 300)
    #expect(r.inputs == 512 * 300)
    #expect(r.maxULP <= elementaryBound(f), "worst input \(r.worstInput)")
    #expect(r.wrongSpecials == 0, "first at \(r.wrongSpecialInput ?? .nan)")
  }

  @Test("float64: random and CORE-MATH hard-to-round inputs within the bound", arguments: ElementaryFunction.allCases)
  func float64(_ f: ElementaryFunction) {
    let r = ElementarySweep.float64(f, count: 3000)
    #expect(r.maxULP <= elementaryBound(f), "worst input \(r.worstInput)")
    #expect(r.wrongSpecials == 0, "first at \(r.wrongSpecialInput ?? .nan)")
  }

  @Test("float32: all 2^32 bit patterns within the bound (LONG_TESTS=1)",
        .enabled(if: longTests, "set LONG_TESTS=1 for the exhaustive float32 sweep"),
        arguments: ElementaryFunction.allCases)
  func float32Exhaustive(_ f: ElementaryFunction) {
    let r = ElementarySweep.float32(f, exhaustive: true)
    #expect(r.inputs == 1 << 32)
    #expect(r.maxULP <= elementaryBound(f), "worst input \(r.worstInput)")
    #expect(r.wrongSpecials == 0)
  }

  /// exp at each format's thresholds: finite below log(largest finite), inf above, gradual
  /// underflow to the least subnormal and then 0, against the correctly rounded reference.
  @Test("exp at the overflow and underflow thresholds", arguments: Format.allCases)
  func expThresholds(_ format: Format) {
    let overflow = log(format.greatestFiniteMagnitude), underflow = log(format.leastNonzeroMagnitude)
    var inputs: [Double] = []
    for t in [overflow, underflow, underflow - log(2.0), log(Double(sign: .plus, exponent: format.minExponent, significand: 1))] {
      var x = format.round(t)
      for _ in 0..<3 { x = format.nextDown(x) }
      for _ in 0..<7 {
        inputs.append(x)
        x = format.nextUp(x)
      }
    }
    inputs += [.infinity, -.infinity, 0, -0.0, 1000, -1000]
    let outputs = run(.exp, inputs, format)
    for (x, c) in zip(inputs, outputs) {
      let v = ElementaryReference.evaluate(.exp, x, format: format)!
      if !v.rounded.isFinite || v.rounded == 0 || v.rounded < format.leastNonzeroMagnitude * 4 {
        #expect(c == v.rounded || (c.isNaN && v.rounded.isNaN), "exp(\(x)) = \(c), correctly rounded \(v.rounded)")
      } else {
        #expect(Measures.ulpError(computed: c, exact: v) <= 1, "exp(\(x)) = \(c), correctly rounded \(v.rounded)")
      }
    }
    // float8-e4m3 has no infinity: exp(+inf) is NaN there, as its rounding of +inf is.
    let atInfinity = outputs[inputs.firstIndex(of: .infinity)!]
    #expect(format.overflowsToNaN ? atInfinity.isNaN : atInfinity == .infinity)
    #expect(outputs[inputs.firstIndex(of: -.infinity)!] == 0)
  }

  @Test("log and log1p special values", arguments: Format.allCases)
  func logSpecials(_ format: Format) {
    let tiny = format.leastNonzeroMagnitude
    let log = run(.log, [0, -0.0, -1, .infinity, -.infinity, .nan, 1, tiny], format)
    // float8-e4m3 has no infinity: its rounding of +-inf is NaN.
    let inf = format.overflowsToNaN ? Double.nan : .infinity
    func same(_ a: Double, _ b: Double) -> Bool { a == b || (a.isNaN && b.isNaN) }
    #expect(same(log[0], -inf) && same(log[1], -inf) && log[2].isNaN && same(log[3], inf))
    #expect(log[4].isNaN && log[5].isNaN && log[6] == 0 && log[6].sign == .plus)
    let exact = ElementaryReference.evaluate(.log, tiny, format: format)!
    #expect(Measures.ulpError(computed: log[7], exact: exact) <= 1)  // log of the least subnormal
    let l1p = run(.log1p, [-1, -2, .infinity, .nan, 0, -0.0, tiny, -tiny, format.greatestFiniteMagnitude], format)
    #expect(same(l1p[0], -inf) && l1p[1].isNaN && same(l1p[2], inf) && l1p[3].isNaN)
    #expect(l1p[4] == 0 && l1p[4].sign == .plus && l1p[5] == 0 && l1p[5].sign == .minus)
    #expect(l1p[6] == tiny && l1p[7] == -tiny)  // log1p(x) = x for tiny x
    let big = ElementaryReference.evaluate(.log1p, format.greatestFiniteMagnitude, format: format)!
    #expect(Measures.ulpError(computed: l1p[8], exact: big) <= 2)
  }

  /// The function on lanes of the format.
  func run(_ f: ElementaryFunction, _ x: [Double], _ format: Format) -> [Double] {
    switch format {
    case .float16: return ElementarySweep.evaluate(f, x.map { Float16($0) }).map(Double.init)
    case .float32: return ElementarySweep.evaluate(f, x.map { Float($0) }).map(Double.init)
    case .float64: return ElementarySweep.evaluate(f, x)
    case .bfloat16, .float8E4M3, .float8E5M2:
      return ElementarySweep.evaluate(f, x.map { Float($0) }).map { format.round(Double($0)) }
    }
  }
}
