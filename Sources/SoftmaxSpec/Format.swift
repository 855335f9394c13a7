/// A binary floating-point storage format (docs/definitions.md, "Formats").
///
/// Values of every format are carried between modules as `Double`, which holds each float16,
/// float32 and float64 value exactly (sign of zero included).
public enum Format: String, CaseIterable, Sendable, Codable {
  case float16, float32, float64

  /// p: significand bits, the implicit one included.
  public var precision: Int {
    switch self {
    case .float16: return 11
    case .float32: return 24
    case .float64: return 53
    }
  }

  /// emin: the exponent of the smallest normal number 2^emin.
  public var minExponent: Int {
    switch self {
    case .float16: return -14
    case .float32: return -126
    case .float64: return -1022
    }
  }

  /// emax: the exponent of the largest binade; the largest finite value is (2 - 2^(1-p)) 2^emax.
  public var maxExponent: Int { 1 - minExponent }

  /// The largest finite value, as a Double (exact).
  public var greatestFiniteMagnitude: Double {
    switch self {
    case .float16: return Double(Float16.greatestFiniteMagnitude)
    case .float32: return Double(Float.greatestFiniteMagnitude)
    case .float64: return Double.greatestFiniteMagnitude
    }
  }

  /// The smallest positive subnormal value 2^(emin - p + 1), as a Double (exact).
  public var leastNonzeroMagnitude: Double {
    switch self {
    case .float16: return Double(Float16.leastNonzeroMagnitude)
    case .float32: return Double(Float.leastNonzeroMagnitude)
    case .float64: return Double.leastNonzeroMagnitude
    }
  }

  /// Bytes of one value in memory.
  public var byteWidth: Int {
    switch self {
    case .float16: return 2
    case .float32: return 4
    case .float64: return 8
    }
  }

  /// The format the `wide` policy computes in: float16 -> float32, float32 -> float64. float64
  /// has no wider hardware format: it is its own wider format, which makes its `wide` its
  /// `native` (`effectivePolicy`). This is the only place that rule is written.
  public var wider: Format {
    switch self {
    case .float16: return .float32
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

  /// The Double nearest to `value` that is a value of this format (round to nearest, ties to even,
  /// overflow to infinity, gradual underflow). Exact for values already in the format.
  public func round(_ value: Double) -> Double {
    switch self {
    case .float16: return Double(Float16(value))
    case .float32: return Double(Float(value))
    case .float64: return value
    }
  }

  /// The next value of this format above `value` (a value of the format).
  public func nextUp(_ value: Double) -> Double {
    switch self {
    case .float16: return Double(Float16(value).nextUp)
    case .float32: return Double(Float(value).nextUp)
    case .float64: return value.nextUp
    }
  }

  /// The next value of this format below `value` (a value of the format).
  public func nextDown(_ value: Double) -> Double { -nextUp(-value) }

  /// True when `value` is a value of this format (NaN and infinities included).
  public func contains(_ value: Double) -> Bool {
    value.isNaN || round(value).bitPattern == value.bitPattern
  }

  /// The shortest decimal that reads back to `value` in this format: "0.1", "2", "-0", "1e-45",
  /// "inf", "-inf", "nan". `value` must be a value of the format.
  public func shortestDecimal(_ value: Double) -> String {
    let text: String
    switch self {
    case .float16: text = Float16(value).description
    case .float32: text = Float(value).description
    case .float64: text = value.description
    }
    // Swift prints "2.0" and "1.0e+20"; the ".0" adds no digit.
    let parts = text.split(separator: "e", maxSplits: 1, omittingEmptySubsequences: false)
    var mantissa = String(parts[0])
    if mantissa.hasSuffix(".0") { mantissa.removeLast(2) }
    return parts.count == 2 ? mantissa + "e" + parts[1] : mantissa
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
