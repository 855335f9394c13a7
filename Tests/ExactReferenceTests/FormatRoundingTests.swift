import ExactReference
import MPFR
import SoftmaxSpec
import Testing

/// x * 2^k exactly, at a precision that holds it.
func big(_ x: Double, times2toThe k: Int = 0, precision: Int = 200) -> BigFloat {
  BigFloat.scaled(BigFloat(x, precision: precision), byPowerOfTwo: k, precision: precision, .nearestEven).0
}

/// a + b exactly.
func exactSum(_ a: BigFloat, _ b: BigFloat) -> BigFloat {
  BigFloat.add(a, b, precision: 4000, .nearestEven).0
}

@Suite("Rounding to a format and ulp_T at the edges")
struct FormatRoundingTests {
  @Test("ulp_T at 1, at powers of two from both sides, subnormals, the largest value, zero",
        arguments: Format.allCases)
  func ulpEdges(_ f: Format) {
    let p = f.precision, emin = f.minExponent, emax = f.maxExponent
    #expect(FormatRounding.ulpExponent(big(1), f) == 1 - p)
    for k in [-3, 0, 1, 7] {
      #expect(FormatRounding.ulpExponent(big(1, times2toThe: k), f) == k - p + 1)
      // Just below 2^k the binade is k - 1: the ulp halves.
      let below = exactSum(big(1, times2toThe: k), big(-1, times2toThe: k - 100))
      #expect(FormatRounding.ulpExponent(below, f) == k - p)
      #expect(FormatRounding.ulpExponent(BigFloat.negate(below, precision: 4000, .nearestEven).0, f) == k - p)
    }
    let leastSubnormal = big(1, times2toThe: emin - p + 1)
    #expect(FormatRounding.ulpExponent(leastSubnormal, f) == emin - p + 1)
    #expect(FormatRounding.roundToNearest(leastSubnormal, f) == f.leastNonzeroMagnitude)
    let leastNormal = big(1, times2toThe: emin)
    #expect(FormatRounding.ulpExponent(leastNormal, f) == emin - p + 1)
    #expect(FormatRounding.ulpExponent(BigFloat(0.0), f) == emin - p + 1)
    let largest = BigFloat(f.greatestFiniteMagnitude)
    #expect(FormatRounding.ulpExponent(largest, f) == emax - p + 1)
    #expect(FormatRounding.roundToNearest(largest, f) == f.greatestFiniteMagnitude)
  }

  @Test("ties go to even; values beyond the largest finite value go to inf (NaN in float8-e4m3)", arguments: Format.allCases)
  func ties(_ f: Format) {
    let p = f.precision, emin = f.minExponent, emax = f.maxExponent
    // 1 + 2^-p is halfway between 1 and 1 + 2^(1-p): to 1 (even).
    #expect(FormatRounding.roundToNearest(exactSum(big(1), big(1, times2toThe: -p)), f) == 1)
    // 1 + 3 * 2^-p is halfway between 1 + 2^(1-p) (odd) and 1 + 2^(2-p) (even).
    let upper = 1 + Double(sign: .plus, exponent: 2 - p, significand: 1)
    #expect(FormatRounding.roundToNearest(exactSum(big(1), big(3, times2toThe: -p)), f) == upper)
    // Just off a tie, the nearest value wins.
    let offTie = exactSum(exactSum(big(1), big(1, times2toThe: -p)), big(1, times2toThe: -p - 80))
    #expect(FormatRounding.roundToNearest(offTie, f) == 1 + Double(sign: .plus, exponent: 1 - p, significand: 1))
    // Half the least subnormal is a tie between 0 and it: to 0; 1.5 of it goes to 2 (even).
    #expect(FormatRounding.roundToNearest(big(1, times2toThe: emin - p), f) == 0)
    #expect(FormatRounding.roundToNearest(big(-1, times2toThe: emin - p), f).sign == .minus)
    #expect(FormatRounding.roundToNearest(big(3, times2toThe: emin - p), f) == 2 * f.leastNonzeroMagnitude)
    // The largest value plus half an ulp is a tie with 2^(emax+1): to inf; a little less stays.
    let halfULP = big(1, times2toThe: emax - p)
    let tie = exactSum(BigFloat(f.greatestFiniteMagnitude, precision: 4000), halfULP)
    let belowTie = exactSum(tie, big(-1, times2toThe: emax - p - 60))
    #expect(FormatRounding.roundToNearest(belowTie, f) == f.greatestFiniteMagnitude)
    if f.overflowsToNaN {
      // float8-e4m3: 448 = 1.110b x 2^8 is even, so the tie 464 goes to it; just past it is NaN.
      #expect(FormatRounding.roundToNearest(tie, f) == f.greatestFiniteMagnitude)
      let aboveTie = exactSum(tie, big(1, times2toThe: emax - p - 60))
      #expect(FormatRounding.roundToNearest(aboveTie, f).isNaN)
      #expect(FormatRounding.roundToNearest(BigFloat.negate(aboveTie, precision: 4000, .nearestEven).0, f).isNaN)
      #expect(FormatRounding.roundToNearest(big(1, times2toThe: emax + 1), f).isNaN)
    } else {
      #expect(FormatRounding.roundToNearest(tie, f) == .infinity)
      #expect(FormatRounding.roundToNearest(BigFloat.negate(tie, precision: 4000, .nearestEven).0, f) == -.infinity)
      #expect(FormatRounding.roundToNearest(big(1, times2toThe: emax + 1), f) == .infinity)
    }
  }

  /// A value on a tie or a power of two, known to lie just beside it, rounds the way it lies.
  @Test("strict bounds break ties and choose binades by the side they lie on")
  func sides() {
    let f = Format.float32
    let tie = exactSum(big(1), big(1, times2toThe: -24))
    #expect(FormatRounding.round(tie, side: .justAbove, f).value == 1 + 0x1p-23)
    #expect(FormatRounding.round(tie, side: .justBelow, f).value == 1)
    #expect(FormatRounding.round(big(1), side: .justBelow, f).ulpExponent == -24)
    #expect(FormatRounding.round(big(-1), side: .justAbove, f).ulpExponent == -24)
    #expect(FormatRounding.round(big(-1), side: .justBelow, f).ulpExponent == -23)
    #expect(FormatRounding.round(BigFloat(0.0), side: .justBelow, f).value.sign == .minus)
    #expect(FormatRounding.round(BigFloat(-0.0), side: .justAbove, f).value.sign == .plus)
  }

  /// The cross-check: MPFR's documented recipe (exponent range, mpfr_check_range,
  /// mpfr_subnormalize) gives the same value on values drawn across every binade.
  @Test("agrees with MPFR's mpfr_subnormalize recipe", arguments: Format.allCases)
  func agreesWithMPFRRecipe(_ f: Format) {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next() -> UInt64 {  // SplitMix64
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    let p = f.precision, emin = f.minExponent, emax = f.maxExponent
    for i in 0..<4000 {
      // A 64-bit significand scaled into [2^(emin - p - 3), 2^(emax + 2)).
      let span = (emax + 2) - (emin - p - 3)
      let exponent = (emin - p - 3) + Int(next() % UInt64(span)) - 63
      var x = BigFloat.scaled(BigFloat(Int(bitPattern: UInt(next() >> 1)) | 1, precision: 64),
                              byPowerOfTwo: exponent, precision: 64, .nearestEven).0
      if i % 5 == 0 {  // exact ties: a (p+1)-bit value with its last bit set
        x = x.rounded(toPrecision: p + 1, .nearestEven).0
      }
      if i % 2 == 1 { x = BigFloat.negate(x, precision: 64, .nearestEven).0 }
      let ours = FormatRounding.roundToNearest(x, f)
      var theirs = x.roundedBySubnormalizeRecipe(precision: p, emin: emin, emax: emax)
      // float8-e4m3 has no infinity and no 1.111b x 2^8: MPFR's range allows both, the format
      // makes them NaN.
      if f.overflowsToNaN && !(abs(theirs) <= f.greatestFiniteMagnitude) { theirs = .nan }
      #expect(ours.bitPattern == theirs.bitPattern || (ours.isNaN && theirs.isNaN), "x = \(x): ours \(ours), MPFR recipe \(theirs)")
    }
  }

  @Test("parsing rounds decimal text to the format once, and reads hexadecimal exactly")
  func parsing() {
    #expect(FormatRounding.parse("0.1", .float32) == Double(Float(0.1)))
    #expect(FormatRounding.parse("0.1", .float16) == Double(Float16(0.1)))
    #expect(FormatRounding.parse("0x1.998p-4", .float16) == Double(Float16(0.1)))
    #expect(FormatRounding.parse("65520", .float16) == .infinity)  // the tie above 65504 goes to inf
    #expect(FormatRounding.parse("65519.99", .float16) == 65504)
    #expect(FormatRounding.parse("1e-8", .float16) == 0)
    #expect(FormatRounding.parse("-0", .float64)?.sign == .minus)
    #expect(FormatRounding.parse("-inf", .float32) == -.infinity)
    #expect(FormatRounding.parse("nan", .float32)?.isNaN == true)
    // A decimal exactly halfway between two float32 values (1 + 2^-24) rounds to even.
    #expect(FormatRounding.parse("1.000000059604644775390625", .float32) == 1)
    #expect(FormatRounding.parseReportingExactness("2.0", .float32)?.exact == true)
    #expect(FormatRounding.parseReportingExactness("0.1", .float32)?.exact == false)
    for bad in ["", "abc", "1.2.3", "0x", "1e", "--1", "1 2", "@inf@", "nan1"] {
      #expect(FormatRounding.parse(bad, .float32) == nil, "'\(bad)'")
    }
  }
}
