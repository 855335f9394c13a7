import ExactReference
import LabSupport
import MPFR
import SoftmaxKernels
import SoftmaxSpec
import Testing

/// The formats stored as bits, with their SIMD conversions.
enum EmulatedCase: CaseIterable, CustomTestStringConvertible, Sendable {
  case bfloat16, e4m3, e5m2

  var format: Format {
    switch self {
    case .bfloat16: return .bfloat16
    case .e4m3: return .float8E4M3
    case .e5m2: return .float8E5M2
    }
  }
  var testDescription: String { format.rawValue }

  /// Runs `body` with the format's storage type.
  func with<R>(_ body: (any EmulatedStorage.Type) -> R) -> R {
    switch self {
    case .bfloat16: return body(BFloat16.self)
    case .e4m3: return body(Float8E4M3.self)
    case .e5m2: return body(Float8E5M2.self)
    }
  }
}

/// Every bit pattern's value, in pattern order.
func everyValue<S: EmulatedStorage>(_: S.Type) -> [Double] {
  (0...Int(S.Bits.max)).map { S(bitPattern: S.Bits($0)).double }
}

/// Inputs to round, as Doubles: for every binade from below half the least subnormal to beyond the
/// largest finite, random Floats, and around each pair of neighbouring values of the format the
/// halfway point and the Floats and Doubles just beside it; plus the edges (overflow, subnormals).
func roundingSample(_ f: Format) -> [Double] {
  var rng = Xoshiro256StarStar(seed: 14)
  var out: [Double] = [0, -0.0, .infinity, -.infinity, .nan]
  let lowest = f.minExponent - f.precision - 2, highest = min(f.maxExponent + 2, 127)
  for e in lowest...highest {
    for _ in 0..<64 {
      let x = Float(sign: .plus, exponent: e, significand: 1 + Float(rng.uniform()))
      out += [Double(x), -Double(x)]
    }
  }
  // Halfway points between neighbours a < b of the format (all of them for the float8 formats,
  // one binade-spread sample for bfloat16), and just beside them.
  // bfloat16 has 32,639 positive finite values: every 7th pair (still every binade).
  let stride = f == .bfloat16 ? 7 : 1
  var a = 0.0
  while a < f.greatestFiniteMagnitude {
    let b = f.nextUp(a)
    let mid = a + (b - a) / 2  // exact: a Double has room for p + 1 bits
    for m in [mid, mid.nextUp, mid.nextDown, Double(Float(mid).nextUp), Double(Float(mid).nextDown)] { out += [m, -m] }
    a = b
    for _ in 1..<stride where a < f.greatestFiniteMagnitude { a = f.nextUp(a) }
  }
  let top = f.greatestFiniteMagnitude, halfULP = f.nextUp(f.nextDown(top)) - f.nextDown(top)
  for m in [top + halfULP / 2, top + halfULP / 2 * 1.0000001, top + halfULP, 2 * top, Double(Float.greatestFiniteMagnitude), 1e300] {
    out += [m, -m]
  }
  // The double-rounding traps of SPEC.md: through float32 these round differently.
  out += [1 + 0x1p-8 + 0x1p-30, 464 + 1e-7, 464, 464.00000000000006]
  return out
}

@Suite("bfloat16 and float8: exact conversions, scalar and SIMD")
struct EmulatedFormatTests {
  @Test("every bit pattern converts to its value and back; values increase with the patterns", arguments: EmulatedCase.allCases)
  func everyPattern(_ c: EmulatedCase) {
    c.with { s in check(s, c.format) }
  }

  func check<S: EmulatedStorage>(_: S.Type, _ f: Format) {
    let values = everyValue(S.self)
    var nans = 0
    for (bits, v) in values.enumerated() {
      if v.isNaN {
        nans += 1
        #expect(S(v).double.isNaN)
        continue
      }
      #expect(f.contains(v), "\(bits) -> \(v)")
      #expect(S(v).bitPattern == S.Bits(bits), "\(bits) -> \(v) -> \(S(v).bitPattern)")
    }
    // NaN patterns: float8-e4m3 only S.1111.111; the others every all-ones exponent with a fraction.
    let fraction = 1 << (f.precision - 1)
    #expect(nans == (f.overflowsToNaN ? 2 : 2 * (fraction - 1)))
    #expect(values.contains(.infinity) == !f.overflowsToNaN)
    // The positive patterns in order are the values in order, each the next up of the one before.
    let positive = values.prefix(values.count / 2).filter { !$0.isNaN }
    for (a, b) in zip(positive, positive.dropFirst()) {
      #expect(f.nextUp(a) == b, "nextUp(\(a)) = \(f.nextUp(a)), not \(b)")
      #expect(f.nextDown(b) == a || (a == 0 && f.nextDown(b) == 0))
    }
    #expect(positive.last! == (f.overflowsToNaN ? f.greatestFiniteMagnitude : .infinity))
    #expect(positive[1] == f.leastNonzeroMagnitude)
  }

  @Test("rounding a Double or a Float is MPFR's correct rounding: ties to even, subnormals, overflow", arguments: EmulatedCase.allCases)
  func roundingAgreesWithMPFR(_ c: EmulatedCase) {
    let f = c.format
    for x in roundingSample(f) {
      let ours = f.round(x)
      let mpfr = x.isNaN ? Double.nan : FormatRounding.roundToNearest(BigFloat(x), f)
      #expect(ours.bitPattern == mpfr.bitPattern || (ours.isNaN && mpfr.isNaN), "\(x): \(ours), MPFR \(mpfr)")
    }
  }

  @Test("the double-rounding traps named in the spec round once")
  func doubleRoundingTraps() {
    #expect(Format.bfloat16.round(1 + 0x1p-8 + 0x1p-30) == 1 + 0x1p-7)
    #expect(Format.float8E4M3.round(464 + 1e-7).isNaN)
    #expect(Format.float8E4M3.round(464) == 448)
    #expect(Format.float8E4M3.round(-.infinity).isNaN)
    #expect(Format.float8E5M2.round(61440) == .infinity)  // 57344 + half its ulp 8192: a tie, to inf
  }

  @Test("SIMD widening gives every pattern's exact value", arguments: EmulatedCase.allCases)
  func simdWiden(_ c: EmulatedCase) {
    c.with { s in widen(s) }
  }

  func widen<S: EmulatedStorage>(_: S.Type) {
    let values = everyValue(S.self)
    var i = 0
    while i < values.count {
      var bits = SIMD16<S.Bits>()
      for j in 0..<16 { bits[j] = S.Bits(i + j) }
      let v = S.widen(bits)
      for j in 0..<16 {
        let expected = values[i + j]
        #expect(Double(v[j]).bitPattern == expected.bitPattern || (v[j].isNaN && expected.isNaN), "pattern \(i + j)")
      }
      i += 16
    }
  }

  @Test("SIMD rounding and narrowing agree with the scalar conversion", arguments: EmulatedCase.allCases)
  func simdNarrow(_ c: EmulatedCase) {
    c.with { s in narrow(s, c.format) }
  }

  func narrow<S: EmulatedStorage>(_: S.Type, _ f: Format) {
    let inputs = roundingSample(f).map { Float($0) }
    var i = 0
    while i < inputs.count {
      var v = SIMD16<Float>(repeating: 0)
      let n = min(16, inputs.count - i)
      for j in 0..<n { v[j] = inputs[i + j] }
      let rounded = S.round(v), bits = S.narrow(v)
      for j in 0..<n {
        // Infinities stay infinite in the lanes (rows are padded with -inf); the store maps them
        // to float8-e4m3's NaN like any other rounding.
        let expected = inputs[i + j].isInfinite ? Double(inputs[i + j]) : f.round(Double(inputs[i + j]))
        #expect(Double(rounded[j]).bitPattern == expected.bitPattern || (rounded[j].isNaN && expected.isNaN),
                "round(\(inputs[i + j])) = \(rounded[j]), not \(expected)")
        let scalar = S(Double(inputs[i + j]))
        #expect(bits[j] == scalar.bitPattern || (scalar.double.isNaN && S(bitPattern: bits[j]).double.isNaN),
                "narrow(\(inputs[i + j])) = \(bits[j]), not \(scalar.bitPattern)")
      }
      i += 16
    }
  }

  /// float16's SIMD conversions (integer operations) against Swift's own `Float16` conversions:
  /// every pattern widened, and a sample of every binade (halfway points included) rounded.
  @Test("float16: SIMD conversions give Swift's Float16 conversions, bit for bit")
  func float16Conversions() {
    var i = 0
    while i < 65536 {
      var bits = SIMD16<UInt16>()
      for j in 0..<16 { bits[j] = UInt16(i + j) }
      let v = Float16Bits.widen(bits)
      for j in 0..<16 {
        let expected = Float(Float16(bitPattern: UInt16(i + j)))
        #expect(v[j].bitPattern == expected.bitPattern || (v[j].isNaN && expected.isNaN), "pattern \(i + j)")
      }
      i += 16
    }
    let inputs = roundingSample(.float16).map { Float($0) }
    i = 0
    while i < inputs.count {
      var v = SIMD16<Float>(repeating: 0)
      let n = min(16, inputs.count - i)
      for j in 0..<n { v[j] = inputs[i + j] }
      let rounded = Float16Bits.round(v), bits = Float16Bits.narrow(v)
      for j in 0..<n {
        let expected = Float16(inputs[i + j])
        #expect(rounded[j].bitPattern == Float(expected).bitPattern || (rounded[j].isNaN && expected.isNaN), "\(inputs[i + j])")
        #expect(bits[j] == expected.bitPattern || (expected.isNaN && Float16(bitPattern: bits[j]).isNaN), "\(inputs[i + j])")
      }
      i += 16
    }
  }

}
