import MPFR
import SoftmaxSpec

/// Where the exact value lies relative to a bound: at it, or infinitesimally below or above it
/// (a bound is "strict" when the exact value is known to differ from it).
public enum Side: Sendable {
  case at, justBelow, justAbove
}

/// A value rounded to a format, with the exponent of ulp_T of the value before rounding.
public struct FormatValue: Sendable, Equatable {
  /// RN_T(x), as a Double (every value of every format is a Double).
  public let value: Double
  /// log2 ulp_T(x) = max(floor(log2|x|), emin) - p + 1; for x = 0 it is emin - p + 1.
  public let ulpExponent: Int

  public static func == (a: FormatValue, b: FormatValue) -> Bool {
    (a.value.bitPattern == b.value.bitPattern || (a.value.isNaN && b.value.isNaN))
      && a.ulpExponent == b.ulpExponent
  }
}

/// Correct rounding of MPFR values to the formats of docs/definitions.md: round to nearest, ties to even,
/// gradual underflow to subnormals, overflow to infinity (to NaN in float8-e4m3, which has no
/// infinity).
///
/// The value is rounded to the grid of its binade, 2^(max(floor(log2|x|), emin) - p + 1), which is
/// the same as MPFR's recipe (emin/emax set for the format, `mpfr_check_range`,
/// `mpfr_subnormalize`) without touching MPFR's global exponent range; a test checks the two agree.
public enum FormatRounding {
  /// RN_T(x).
  public static func roundToNearest(_ x: BigFloat, _ format: Format) -> Double {
    round(x, side: .at, format).value
  }

  /// log2 ulp_T(x) per docs/definitions.md.
  public static func ulpExponent(_ x: BigFloat, _ format: Format) -> Int {
    round(x, side: .at, format).ulpExponent
  }

  /// RN_T of a value at x or infinitesimally beside it (`side`), and the ulp of that value.
  ///
  /// Edge Cases:
  /// - x NaN: NaN. x infinite, or rounding to infinity: that infinity (ulp exponent emax - p + 1).
  /// - x zero: at: the zero itself (the caller chooses the sign of an exact zero);
  ///   justAbove: +0; justBelow: -0. The ulp exponent is emin - p + 1.
  /// - A tie (x exactly halfway between two values of the format) goes to the even one when x is
  ///   exact, and to the side the exact value lies on otherwise.
  /// - |x| a power of two with the exact value just inside it (toward zero): the binade below.
  public static func round(_ x: BigFloat, side: Side, _ format: Format) -> FormatValue {
    let p = format.precision, emin = format.minExponent
    if x.isNaN { return FormatValue(value: .nan, ulpExponent: 0) }
    if x.isInfinite {
      let v = format.overflowValue
      return FormatValue(value: x.signBit ? -v : v, ulpExponent: format.maxExponent - p + 1)
    }
    if x.isZero {
      let value: Double
      switch side {
      case .at: value = x.signBit ? -0.0 : 0.0
      case .justAbove: value = 0.0
      case .justBelow: value = -0.0
      }
      return FormatValue(value: value, ulpExponent: emin - p + 1)
    }
    let negative = x.signBit
    var binade = x.binade
    let towardZero = (side == .justBelow && !negative) || (side == .justAbove && negative)
    if x.isPowerOfTwoMagnitude && towardZero { binade -= 1 }
    let ulpExponent = max(binade, emin) - p + 1
    // |x| / ulp < 2^p, so its floor and ceiling are integers a Double holds exactly.
    let (magnitude, _) = BigFloat.abs(x, precision: x.precision, .nearestEven)
    let (scaled, _) = BigFloat.scaled(magnitude, byPowerOfTwo: -ulpExponent, precision: x.precision, .nearestEven)
    let floor = scaled.floor()
    let (fraction, _) = BigFloat.subtract(scaled, floor, precision: x.precision, .nearestEven)
    let lower = floor.double(.nearestEven)
    var integer: Double
    switch fraction.compare(toPowerOfTwo: -1) {
    case -1: integer = lower
    case 1: integer = lower + 1
    default:  // a tie
      let awayFromZero = (side == .justAbove && !negative) || (side == .justBelow && negative)
      if side == .at {
        integer = lower.truncatingRemainder(dividingBy: 2) == 0 ? lower : lower + 1
      } else {
        integer = awayFromZero ? lower + 1 : lower
      }
    }
    let value = Double(sign: .plus, exponent: ulpExponent, significand: integer)
    if value > format.greatestFiniteMagnitude {
      // Overflow: every value that rounds beyond the largest finite gets infinity (NaN in
      // float8-e4m3, where 448 < |x| <= 464 rounds to 448 as a tie or below goes to the even 448)
      // and the top binade's ulp exponent.
      let v = format.overflowValue
      return FormatValue(value: negative ? -v : v, ulpExponent: format.maxExponent - p + 1)
    }
    return FormatValue(value: negative ? -value : value, ulpExponent: ulpExponent)
  }

  /// The value of `format` that `text` names: decimal ("0.1", "-2.5e-3") or hexadecimal
  /// ("0x1.8p+1") rounded to nearest even, or "inf", "-inf", "nan" ("+inf", "infinity" too).
  /// Nil when the text is not one number. Ziv's strategy: the text is read at a precision raised
  /// until both bounds of its value round to the same value of the format.
  public static func parse(_ text: String, _ format: Format) -> Double? {
    parseReportingExactness(text, format)?.value
  }

  /// `parse`, and whether the text named that value exactly (false when it was rounded).
  public static func parseReportingExactness(_ text: String, _ format: Format) -> (value: Double, exact: Bool)? {
    let t = trimmed(text).lowercased()
    switch t {
    case "inf", "+inf", "infinity", "+infinity": return (.infinity, true)
    case "-inf", "-infinity": return (-.infinity, true)
    case "nan", "+nan", "-nan": return (.nan, true)
    default: break
    }
    guard let first = t.first, first == "-" || first == "+" || first == "." || first.isNumber else { return nil }
    if t.contains("@") || t.contains(where: \.isWhitespace) { return nil }
    var precision = 64
    while precision <= 1 << 20 {
      guard let (y, ternary) = BigFloat.parse(t, precision: precision, .nearestEven) else { return nil }
      let enclosure = Enclosure.around(y, ternary)
      if let decided = enclosure.decide(format, zeroSign: y.signBit ? .minus : .plus, requireNarrow: false) {
        let exact = enclosure.isExact && decided.value.isFinite && y.double(.nearestEven) == decided.value
        return (decided.value, exact)
      }
      precision *= 2
    }
    return nil
  }
}

/// `text` without leading and trailing blanks.
func trimmed(_ text: String) -> String {
  var s = Substring(text)
  while let c = s.first, c.isWhitespace { s.removeFirst() }
  while let c = s.last, c.isWhitespace { s.removeLast() }
  return String(s)
}
