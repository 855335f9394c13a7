import ExactReference
import MPFR
import SoftmaxSpec
import Testing

/// 1/n correctly rounded to the format: IEEE division of exact operands is correctly rounded
/// (Float16, bfloat16 and float8 division go through Float, whose 24 bits >= 2p + 2 make that
/// rounding exact too).
func reciprocal(_ n: Int, _ f: Format) -> Double {
  switch f {
  case .float16: return Double(Float16(1) / Float16(n))
  case .float32: return Double(Float(1) / Float(n))
  case .float64: return 1 / Double(n)
  case .bfloat16, .float8E4M3, .float8E5M2: return f.round(Double(Float(1) / Float(n)))
  }
}

func values(_ row: ExactRow, _ op: Op) -> [Double] { row.results[op]!.map { $0.rounded } }

/// |v - decimal| <= halfUnit, with v the reference's exact value.
func exactValue(_ v: ExactValue, isWithin halfUnit: Double, of decimal: Double) -> Bool {
  let (d, _) = BigFloat.subtract(v.value, BigFloat(decimal), precision: 300, .nearestEven)
  return abs(d.double(.nearestEven)) <= halfUnit
}

@Suite("The exact reference")
struct ReferenceTests {
  @Test("softmax of n equal logits is 1/n correctly rounded; the gradient at the target is 1/n - 1",
        arguments: Format.allCases, [1, 2, 3, 7, 10, 1000])
  func equalLogits(_ f: Format, _ n: Int) throws {
    for a in [0.0, -3.5, 1000.0, f.leastNonzeroMagnitude, -f.greatestFiniteMagnitude] where f.contains(a) {
      let row = try Reference.evaluate(Array(repeating: a, count: n), format: f, target: n - 1)
      #expect(values(row, .softmax) == Array(repeating: reciprocal(n, f), count: n))
      let gradient = values(row, .ceGradient)
      #expect(gradient.dropLast().allSatisfy { $0 == reciprocal(n, f) })
      // 1/n - 1 = -(n - 1)/n: exact for the formats' own arithmetic when n is 1 or 2.
      if n <= 2 { #expect(gradient.last! == reciprocal(n, f) - 1) }
      if n == 1 {
        #expect(gradient.last!.sign == .minus)  // -(sum over no other class) is -0
        #expect(values(row, .logSoftmax) == [0] && values(row, .logSoftmax)[0].sign == .plus)
        #expect(values(row, .crossEntropy) == [0])
        #expect(values(row, .lse) == [a])
      }
    }
  }

  @Test("lse([a, a]) = a + log 2 correctly rounded", arguments: Format.allCases)
  func pair(_ f: Format) throws {
    for a in [-3.25, 0.0, 1.0, 10.0, 1000.0] where f.contains(a) {
      let row = try Reference.evaluate([a, a], format: f, operations: [.lse])
      let (log2, _) = BigFloat.log(BigFloat(2.0), precision: 400, .nearestEven)
      let (sum, _) = BigFloat.add(BigFloat(a), log2, precision: 400, .nearestEven)
      #expect(values(row, .lse) == [FormatRounding.roundToNearest(sum, f)])
    }
  }

  @Test("a -inf logit has probability +0, log-probability -inf and gradient +0",
        arguments: Format.allCases.filter { !$0.overflowsToNaN })
  func masked(_ f: Format) throws {
    let row = try Reference.evaluate([-.infinity, 0, 1, -.infinity], format: f, target: 2)
    #expect(values(row, .softmax)[0] == 0 && values(row, .softmax)[0].sign == .plus)
    #expect(values(row, .softmax)[3] == 0)
    #expect(values(row, .logSoftmax)[0] == -.infinity && values(row, .logSoftmax)[3] == -.infinity)
    #expect(values(row, .ceGradient)[0] == 0 && values(row, .ceGradient)[0].sign == .plus)
    // The unmasked pair behaves as the row [0, 1]: softmax(0, 1) sums to about 1.
    #expect(abs(values(row, .softmax)[1] + values(row, .softmax)[2] - 1) < 1e-3)
    // A masked target: cross-entropy +inf, gradient -1.
    let atMasked = try Reference.evaluate([-.infinity, 0, 1], format: f, target: 0)
    #expect(values(atMasked, .crossEntropy) == [.infinity])
    #expect(values(atMasked, .ceGradient)[0] == -1)
  }

  @Test("rows with every logit -inf, a NaN or a +inf logit are undefined (float8-e4m3: a NaN)", arguments: Format.allCases)
  func undefinedRows(_ f: Format) throws {
    let rows: [[Double]] = f.overflowsToNaN ? [[1, .nan, 0], [.nan]]
      : [[-.infinity, -.infinity], [1, .nan, 0], [1, .infinity], [.infinity]]
    for row in rows {
      let r = try Reference.evaluate(row, format: f)
      #expect(r.undefined && r.results.isEmpty)
    }
  }

  @Test("bad rows are refused: empty, a value not of the format, a target out of range")
  func refused() {
    #expect(throws: ReferenceError.emptyRow) { try Reference.evaluate([], format: .float32) }
    #expect(throws: ReferenceError.notAValueOfTheFormat(index: 1, value: 0.1, format: .float32)) {
      try Reference.evaluate([1, 0.1], format: .float32)
    }
    #expect(throws: ReferenceError.targetOutOfRange(target: 2, rowLength: 2)) {
      try Reference.evaluate([1, 2], format: .float32, target: 2)
    }
    #expect(throws: Never.self) { try Reference.evaluate([1, 2], format: .float32, target: 9, operations: [.lse]) }
  }

  /// docs/definitions.md's seed example: the exact softmax of [2, 1, 0.1] is 0.65900114, 0.24243297, 0.09856589.
  @Test("the seed softmax [2, 1, 0.1] in float32 and float64")
  func seedSoftmax() throws {
    for f in [Format.float32, .float64] {
      let row = try Reference.evaluate([2, 1, f.round(0.1)], format: f, operations: [.softmax])
      let v = row.results[.softmax]!
      for (value, decimal) in zip(v, [0.65900114, 0.24243297, 0.09856589]) {
        #expect(exactValue(value, isWithin: 5e-9, of: decimal), "\(value.value)")
      }
    }
  }

  /// docs/definitions.md's seed example: mean cross-entropy 0.8107251884... over three float32 rows.
  @Test("the seed cross-entropy example, mean over three rows")
  func seedCrossEntropy() throws {
    let rows: [[Double]] = [[1.1316, -0.7943, 0.1328], [0.2654, 0.1978, -0.0265], [-2.8054, 0.2867, -0.1517]]
    var terms: [BigFloat] = []
    for (t, row) in rows.enumerated() {
      let r = try Reference.evaluate(row.map(Format.float32.round), format: .float32, target: t,
                                     operations: [.crossEntropy])
      terms.append(r.results[.crossEntropy]![0].value)
    }
    let (sum, _) = BigFloat.sum(terms, precision: 200, .nearestEven)
    let (mean, _) = BigFloat.divide(sum, BigFloat(3.0), precision: 200, .nearestEven)
    let (d, _) = BigFloat.subtract(mean, BigFloat(0.8107251884), precision: 200, .nearestEven)
    #expect(abs(d.double(.nearestEven)) < 1e-10)
  }

  /// Ziv's strategy at work: softmax([2^-1074, 0]) is 1/2 + 2^-1076 (about) and 1/2 - 2^-1076:
  /// both round to 1/2, but their binades (hence their ulps) differ, which 128 bits cannot see.
  @Test("a value extremely close to a binade boundary is decided at a raised precision")
  func zivRaisesPrecision() throws {
    let tiny = Double.leastNonzeroMagnitude
    let row = try Reference.evaluate([tiny, 0], format: .float64, target: 0, operations: [.softmax, .ceGradient])
    #expect(row.workingPrecision > 128)
    #expect(values(row, .softmax) == [0.5, 0.5])
    #expect(row.results[.softmax]!.map(\.ulpExponent) == [-53, -54])  // above 1/2, below 1/2
    #expect(values(row, .ceGradient) == [-0.5, 0.5])
    let f32 = try Reference.evaluate([Double(Float.leastNonzeroMagnitude), 0], format: .float32,
                                     operations: [.softmax])
    #expect(f32.workingPrecision > 64)
    #expect(f32.results[.softmax]!.map(\.ulpExponent) == [-24, -25])
  }

  /// A value extremely close to a tie: log-softmax_1 of [2^100 + 2^77, -2^76 (1 + 2^-23)] in float32
  /// is -(2^100 + 2^77 + 2^76 + 2^53) - (a positive amount below 2^-10^7): just past the tie
  /// between -(2^100 + 2^77) and -(2^100 + 2^78), so it rounds away from zero.
  @Test("a value just beyond a tie rounds to the side it lies on")
  func nearTie() throws {
    let m = 0x1p100 + 0x1p77, x = -(0x1p76 + 0x1p53)
    let row = try Reference.evaluate([m, x], format: .float32, operations: [.logSoftmax])
    #expect(values(row, .logSoftmax)[1] == -(0x1p100 + 0x1p78))
    // Exactly on a tie: d = -(2^100 + 2^76) is halfway between -2^100 (even) and -(2^100 + 2^77);
    // the positive log1p(e^d) term, however tiny, pushes the value away from zero, against the
    // tie-breaking rule.
    let onTie = try Reference.evaluate([0x1p100, -0x1p76], format: .float32, operations: [.logSoftmax])
    #expect(values(onTie, .logSoftmax)[1] == -(0x1p100 + 0x1p77))
  }

  @Test("rows spanning the whole exponent range are exact: x_i - m keeps every bit")
  func hugeSpread() throws {
    let big = 0x1.7e43c8800759cp+996, small = 0x1.56e1fc2f8f359p-997
    let row = try Reference.evaluate([big, -big, small, 0], format: .float64, target: 2)
    #expect(values(row, .lse) == [big])
    #expect(values(row, .logSoftmax)[1] == -2 * big)
    #expect(values(row, .logSoftmax)[2] == -big)  // -(big - small) rounds to -big
    #expect(values(row, .logSoftmax)[0] == 0 && values(row, .logSoftmax)[0].sign == .minus)
    #expect(values(row, .softmax) == [1, 0, 0, 0])
    #expect(values(row, .crossEntropy) == [big])
    // float32 logits at both ends of their range: the differences overflow float32 but not MPFR.
    let f = Float.greatestFiniteMagnitude
    let r32 = try Reference.evaluate([Double(f), -Double(f)], format: .float32, operations: [.logSoftmax])
    #expect(values(r32, .logSoftmax) == [-0.0, -.infinity])  // -2 * max rounds to -inf in float32
  }

  @Test("log-probabilities far below the underflow threshold stay exact", arguments: Format.allCases)
  func deepUnderflow(_ f: Format) throws {
    // lse([0, -L]) = log1p(e^-L): for large L a positive value far below the least subnormal.
    let l = f.round(min(f == .float16 ? 60000.0 : 1e30, f.greatestFiniteMagnitude))
    let row = try Reference.evaluate([0, -l], format: f, target: 1)
    #expect(values(row, .lse) == [0] && values(row, .lse)[0].sign == .plus)
    #expect(values(row, .logSoftmax) == [-0.0, -l])
    #expect(values(row, .logSoftmax)[0].sign == .minus)
    #expect(values(row, .softmax) == [1, 0])
    #expect(values(row, .crossEntropy) == [l])
    #expect(values(row, .ceGradient) == [1, -1])
  }
}

@Suite("The reference in mixed formats")
struct MixedFormatReferenceTests {
  /// Softmax of n equal logits is 1/n: delivered in another format, RN_F2(2^k / n).
  @Test("softmax of n equal logits delivered in another format, scaled: RN(2^k / n)",
        arguments: [(Format.float32, Format.float8E4M3, 8), (.float8E4M3, .float32, 0), (.float8E5M2, .float16, 0),
                    (.bfloat16, .float8E5M2, 4), (.float32, .bfloat16, 0), (.float16, .float64, 0)])
  func equalLogits(_ input: Format, _ output: Format, _ k: Int) throws {
    for n in [1, 2, 3, 7, 10, 300] {
      let row = try Reference.evaluate(Array(repeating: 0.5, count: n), format: input, outputFormat: output,
                                       outputScaleExponent: k, operations: [.softmax, .lse])
      #expect(row.outputFormat == output && row.outputScaleExponent == k)
      let scale = Double(sign: .plus, exponent: k, significand: 1)
      // 2^k / n: one exact rounding from the exact quotient (MPFR), the closed form.
      let (q, _) = BigFloat.divide(BigFloat(scale), BigFloat(Double(n)), precision: 200, .nearestEven)
      let expected = FormatRounding.roundToNearest(q, output)
      #expect(values(row, .softmax) == Array(repeating: expected, count: n), "n \(n)")
      // lse = 0.5 + log n, scaled and rounded once.
      let (logN, _) = BigFloat.log(BigFloat(Double(n)), precision: 400, .nearestEven)
      let (lse, _) = BigFloat.add(BigFloat(0.5), logN, precision: 400, .nearestEven)
      let (scaled, _) = BigFloat.multiply(lse, BigFloat(scale), precision: 400, .nearestEven)
      let lseExpected = FormatRounding.roundToNearest(scaled, output)
      #expect(values(row, .lse)[0] == lseExpected || (values(row, .lse)[0].isNaN && lseExpected.isNaN))
    }
  }

  @Test("the logits are checked against their own format, not the output format")
  func inputFormatChecked() {
    #expect(throws: ReferenceError.notAValueOfTheFormat(index: 0, value: 0.1, format: .float8E4M3)) {
      try Reference.evaluate([0.1, 1], format: .float8E4M3, outputFormat: .float32)
    }
  }

  @Test("float32 probabilities quantized to float8-e4m3 after 2^8: beyond 464 it is NaN, the correct value")
  func quantizedOverflow() throws {
    // softmax([0, -10])_0 = 1/(1 + e^-10) ~ 0.99995: times 2^9 = 512 > 464, NaN in float8-e4m3.
    let row = try Reference.evaluate([0, -10], format: .float32, outputFormat: .float8E4M3, outputScaleExponent: 9,
                                     operations: [.softmax])
    #expect(values(row, .softmax)[0].isNaN)
    // times 2^8 = 255.99 rounds to 256.
    let at8 = try Reference.evaluate([0, -10], format: .float32, outputFormat: .float8E4M3, outputScaleExponent: 8,
                                     operations: [.softmax])
    #expect(values(at8, .softmax)[0] == 256)
  }
}
