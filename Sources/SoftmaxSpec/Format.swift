/// A binary floating-point storage format (docs/definitions.md, "Formats").
///
/// Values of every format are carried between modules as `Double`, which holds each value of
/// every format exactly (sign of zero included). float16, float32 and float64 have Swift types;
/// bfloat16 and the two float8 formats are stored as their bits (`BFloat16`, `Float8E4M3`,
/// `Float8E5M2` in `EmulatedFormats.swift`) and computed in `Float`.
public enum Format: String, CaseIterable, Sendable, Codable {
  case float16, float32, float64
  case bfloat16
  /// OCP 8-bit E4M3 (`float8_e4m3fn`): no infinity, largest finite 448, overflow gives NaN.
  case float8E4M3 = "float8-e4m3"
  /// OCP 8-bit E5M2 (`float8_e5m2`): IEEE-like, with infinities.
  case float8E5M2 = "float8-e5m2"

  /// p: significand bits, the implicit one included.
  public var precision: Int {
    switch self {
    case .float16: return 11
    case .float32: return 24
    case .float64: return 53
    case .bfloat16: return 8
    case .float8E4M3: return 4
    case .float8E5M2: return 3
    }
  }

  /// emin: the exponent of the smallest normal number 2^emin.
  public var minExponent: Int {
    switch self {
    case .float16, .float8E5M2: return -14
    case .float32, .bfloat16: return -126
    case .float64: return -1022
    case .float8E4M3: return -6
    }
  }

  /// emax: the exponent of the largest binade: 1 - emin for the IEEE-like formats, 8 for
  /// float8-e4m3 (whose top exponent field holds numbers, not infinities).
  public var maxExponent: Int { self == .float8E4M3 ? 8 : 1 - minExponent }

  /// True for the format with no infinity: float8-e4m3, whose values beyond the largest finite
  /// round to NaN (the OCP 8-bit specification's non-saturating conversion).
  public var overflowsToNaN: Bool { self == .float8E4M3 }

  /// True for the formats with no Swift type, stored as their bits and computed in `Float`.
  public var isEmulated: Bool {
    switch self {
    case .float16, .float32, .float64: return false
    case .bfloat16, .float8E4M3, .float8E5M2: return true
    }
  }

  /// The largest finite value, as a Double (exact): (2 - 2^(1-p)) 2^emax, except float8-e4m3's
  /// 448 = 1.75 x 2^8 (its all-ones pattern is NaN).
  public var greatestFiniteMagnitude: Double {
    let lastBit = Double(sign: .plus, exponent: 1 - precision, significand: 1)
    let top = self == .float8E4M3 ? 2 - 2 * lastBit : 2 - lastBit
    return Double(sign: .plus, exponent: maxExponent, significand: top)
  }

  /// The smallest positive subnormal value 2^(emin - p + 1), as a Double (exact).
  public var leastNonzeroMagnitude: Double {
    Double(sign: .plus, exponent: minExponent - precision + 1, significand: 1)
  }

  /// The smallest positive normal value 2^emin, as a Double (exact).
  public var leastNormalMagnitude: Double { Double(sign: .plus, exponent: minExponent, significand: 1) }

  /// What a value beyond the largest finite rounds to (positive side): +inf, or NaN for
  /// float8-e4m3.
  public var overflowValue: Double { overflowsToNaN ? .nan : .infinity }

  /// The logit that masks a class out: -inf, or in float8-e4m3, which has no infinity, its most
  /// negative value -448 (exp(-448 - m) is 0 in every format for a row maximum m >= -441).
  public var maskValue: Double { overflowsToNaN ? -greatestFiniteMagnitude : -.infinity }

  /// Bytes of one value in memory.
  public var byteWidth: Int {
    switch self {
    case .float8E4M3, .float8E5M2: return 1
    case .float16, .bfloat16: return 2
    case .float32: return 4
    case .float64: return 8
    }
  }

  /// The format the `wide` policy computes in: float16, bfloat16 and both float8 formats ->
  /// float32, float32 -> float64. float64 has no wider hardware format: it is its own wider
  /// format, which makes its `wide` its `native` (`effectivePolicy`). This is the only place that
  /// rule is written.
  public var wider: Format {
    switch self {
    case .float16, .bfloat16, .float8E4M3, .float8E5M2: return .float32
    case .float32, .float64: return .float64
    }
  }

  /// The policy that actually runs for `policy`: `native` where the format has no wider format
  /// (float64's `wide` is its `native`), `policy` otherwise.
  public func effectivePolicy(_ policy: Policy) -> Policy {
    policy == .wide && wider == self ? .native : policy
  }

  /// The policies that differ for this format, in `Policy.allCases` order: [native, wide], or
  /// [native] for float64.
  public var distinctPolicies: [Policy] { Policy.allCases.filter { effectivePolicy($0) == $0 } }

  /// The distinct effective policies of `policies` for this format, in their order (float64:
  /// `wide` runs as `native`, once).
  public func effectivePolicies(_ policies: [Policy]) -> [Policy] {
    var out: [Policy] = []
    for p in policies.map(effectivePolicy) where !out.contains(p) { out.append(p) }
    return out
  }

  /// The Double nearest to `value` that is a value of this format: round to nearest, ties to even,
  /// gradual underflow, overflow to infinity (to NaN in float8-e4m3: 448 < |v| <= 464 rounds to
  /// 448, beyond is NaN). One rounding from the Double, never through another format. Exact for
  /// values already in the format. (A Float converts to Double exactly, so rounding a Float is
  /// `round(Double(x))`, also a single rounding.)
  public func round(_ value: Double) -> Double {
    switch self {
    case .float16: return Double(Float16(value))
    case .float32: return Double(Float(value))
    case .float64: return value
    case .bfloat16, .float8E4M3, .float8E5M2: return roundToGrid(value)
    }
  }

  /// `round` by arithmetic: |v| scaled by its ulp in the format, rounded to an integer (ties to
  /// even) and scaled back; both scalings are by powers of two and exact in Double.
  func roundToGrid(_ value: Double) -> Double {
    if value.isNaN || value == 0 { return value }
    if value.isInfinite { return overflowsToNaN ? .nan : value }
    let a = value.magnitude
    let ulp = ulp(above: a)
    var r = (a / ulp).rounded(.toNearestOrEven) * ulp
    if r > greatestFiniteMagnitude { r = overflowValue }
    return value < 0 ? -r : r
  }

  /// The format's ulp at `value` (finite, > 0): 2^(max(floor(log2 value), emin) - p + 1), the
  /// distance from a value of the format to the next one above it.
  public func ulp(above value: Double) -> Double {
    Double(sign: .plus, exponent: max(Int(value.exponent), minExponent) - precision + 1, significand: 1)
  }

  /// The next value of this format above `value` (a value of the format); +inf above the largest
  /// finite (also for float8-e4m3, as a bound), NaN for NaN.
  public func nextUp(_ value: Double) -> Double {
    switch self {
    case .float16: return Double(Float16(value).nextUp)
    case .float32: return Double(Float(value).nextUp)
    case .float64: return value.nextUp
    case .bfloat16, .float8E4M3, .float8E5M2:
      if value.isNaN || value == .infinity { return value }
      if value == -.infinity { return -greatestFiniteMagnitude }
      if value == 0 { return leastNonzeroMagnitude }
      if value > 0 {
        let up = value + ulp(above: value)
        return up > greatestFiniteMagnitude ? .infinity : up
      }
      // value < 0: the step below |value| is half as wide at a power of two above the subnormals.
      let a = -value
      let isPowerOfTwo = a.significandBitPattern == 0 && Int(a.exponent) > minExponent
      let down = a - (isPowerOfTwo ? ulp(above: a) / 2 : ulp(above: a))
      return down == 0 ? -0.0 : -down
    }
  }

  /// The next value of this format below `value` (a value of the format).
  public func nextDown(_ value: Double) -> Double { -nextUp(-value) }

  /// True when `value` is a value of this format (NaN and infinities included; the infinities
  /// are not values of float8-e4m3).
  public func contains(_ value: Double) -> Bool {
    if value.isNaN { return true }
    if value.isInfinite { return !overflowsToNaN }
    return round(value).bitPattern == value.bitPattern
  }

  /// The shortest decimal that reads back to `value` in this format: "0.1", "2", "-0", "1e-45",
  /// "inf", "-inf", "nan". `value` must be a value of the format.
  public func shortestDecimal(_ value: Double) -> String {
    let text: String
    switch self {
    case .float16: text = Float16(value).description
    case .float32: text = Float(value).description
    case .float64: text = value.description
    case .bfloat16, .float8E4M3, .float8E5M2: text = shortestEmulatedDecimal(value)
    }
    // Swift prints "2.0" and "1.0e+20"; the ".0" adds no digit.
    let parts = text.split(separator: "e", maxSplits: 1, omittingEmptySubsequences: false)
    var mantissa = String(parts[0])
    if mantissa.hasSuffix(".0") { mantissa.removeLast(2) }
    return parts.count == 2 ? mantissa + "e" + parts[1] : mantissa
  }

  /// For the emulated formats: the Float's shortest decimal cut to the fewest significant digits
  /// that still round to `value` in this format, printed as Swift prints that Double.
  func shortestEmulatedDecimal(_ value: Double) -> String {
    if !value.isFinite || value == 0 { return value.description }
    // Every value of these formats is a Float; its shortest Float decimal d.ddd...e[+-]x has at
    // most 9 digits, and cutting it to k digits (rounded half up, in decimal) gives the
    // candidates. A candidate's exact value is within one Double rounding of the text, far from
    // any midpoint of an 8-bit-significand format.
    let digits = Self.decimalDigits(Float(value))
    for k in 1..<digits.digits.count {
      let cut = Self.roundDecimal(digits.digits, to: k)
      let exponent = digits.exponent + (cut.count > k ? 1 : 0)
      let text = (value < 0 ? "-" : "") + cut.prefix(k).map(String.init).joined() + "e" + String(exponent - k + 1)
      if let d = Double(text), round(d).bitPattern == value.bitPattern { return d.description }
    }
    return value.description
  }

  /// The significant digits of a Float's shortest decimal and the decimal exponent of the first.
  static func decimalDigits(_ x: Float) -> (digits: [Int], exponent: Int) {
    let text = x.magnitude.description  // "0.001", "123.5", "1.5e-10", "3.4028235e+38"
    let parts = text.split(separator: "e")
    var exponent = parts.count == 2 ? Int(parts[1])! : 0
    let mantissa = parts[0]
    let pointIndex = mantissa.firstIndex(of: ".").map { mantissa.distance(from: mantissa.startIndex, to: $0) } ?? mantissa.count
    var digits = mantissa.compactMap { $0.wholeNumberValue }
    exponent += pointIndex - 1
    while let first = digits.first, first == 0, digits.count > 1 {
      digits.removeFirst()
      exponent -= 1
    }
    while let last = digits.last, last == 0, digits.count > 1 { digits.removeLast() }
    return (digits, exponent)
  }

  /// `digits` rounded half up to k digits (one more digit, a leading 1, when it carries out).
  static func roundDecimal(_ digits: [Int], to k: Int) -> [Int] {
    var out = Array(digits.prefix(k))
    guard digits.count > k, digits[k] >= 5 else { return out }
    var i = k - 1
    while i >= 0 {
      if out[i] < 9 { out[i] += 1; return out }
      out[i] = 0
      i -= 1
    }
    return [1] + out
  }

  /// The exact value of `value` in hexadecimal: "0x1.99999ap-4", "-0x0p+0", "inf", "-inf", "nan".
  public static func hexadecimal(_ value: Double) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value < 0 ? "-inf" : "inf" }
    let sign = value.sign == .minus ? "-" : ""
    if value == 0 { return sign + "0x0p+0" }
    // |value| = significand * 2^exponent with significand in [1, 2), subnormals included.
    var digits = String(value.significand.significandBitPattern, radix: 16)
    digits = String(repeating: "0", count: 13 - digits.count) + digits
    while digits.hasSuffix("0") { digits.removeLast() }
    let e = Int(value.exponent)
    return sign + "0x1" + (digits.isEmpty ? "" : "." + digits) + "p" + (e >= 0 ? "+" : "") + String(e)
  }
}

extension Format {
  /// True when every value of this format is a value of `other` (float8 and float16 in float32,
  /// float8-e5m2 in float16, ...): its logits convert to `other` exactly.
  public func isSubset(of other: Format) -> Bool {
    precision <= other.precision && minExponent - precision >= other.minExponent - other.precision
      && greatestFiniteMagnitude <= other.greatestFiniteMagnitude
  }
}

/// How results are delivered when not in the logits' own format (docs/definitions.md, "Mixed
/// formats"): in `format`, after multiplying by 2^`scaleExponent` (float8 attention scales
/// probabilities by 2^8 before quantizing them). The reference is the exact result times the scale,
/// correctly rounded to `format`.
public struct ResultFormat: Sendable, Hashable {
  public let format: Format
  /// k in the scale 2^k (0: no scale).
  public let scaleExponent: Int

  public init(_ format: Format, scaleExponent: Int = 0) {
    self.format = format
    self.scaleExponent = scaleExponent
  }

  /// 2^k as a Double.
  public var scale: Double { Double(sign: .plus, exponent: scaleExponent, significand: 1) }

  /// True when results are delivered as they are computed: in the logits' format, unscaled.
  public func isIdentity(for logits: Format) -> Bool { format == logits && scaleExponent == 0 }

  /// The format a kernel for logits in `logits` computes and stores in before the results are
  /// delivered: the result format when it holds every logit exactly (float8 logits, float32
  /// results: the float32 kernel on the widened logits, as frameworks upcast), otherwise the
  /// logits' format (float32 logits, float8 results: the float32 kernel, then each result scaled
  /// and rounded to float8, a second rounding, as quantization is).
  public func kernelFormat(for logits: Format) -> Format { logits.isSubset(of: format) ? format : logits }

  /// A result of the kernel format delivered: scaled (exact: a power of two, the kernel's results
  /// are far from the Double range's ends) and rounded once to `format`.
  public func deliver(_ value: Double) -> Double { format.round(value * scale) }

  /// "float32", or "float8-e4m3 x 2^8".
  public var description: String { scaleExponent == 0 ? format.rawValue : "\(format.rawValue) x 2^\(scaleExponent)" }
}
