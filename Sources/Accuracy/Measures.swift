import ExactReference
import MPFR

/// The status of one output element (docs/definitions.md, "Measures"), most specific first.
public enum Status: String, CaseIterable, Sendable, Codable {
  /// c == RN_T(v), sign of zero included (and c == v where v is +-inf; c NaN where v is beyond
  /// float8-e4m3's range, which rounds to NaN).
  case correct
  /// A number that is not RN_T(v) (its ULP error says how far).
  case inaccurate
  /// c is +-inf or NaN while RN_T(v) is finite (and not an underflow, below).
  case overflow
  /// c is 0 while RN_T(v) is not, or c is -inf while RN_T(v) is finite (a log of an underflowed 0).
  case underflow
  /// c is NaN while v is a number (whose rounding is not NaN).
  case nan
  /// The row's result is undefined (every logit -inf, a NaN or a +inf logit).
  case undefined
}

/// The measures of one computed element c against its exact value v in format T.
public struct Measure: Sendable, Equatable {
  /// |c - v| / ulp_T(v), computed in MPFR against v itself; +inf when c is not finite and differs
  /// from v, 0 when c == v == +-inf; nil for undefined rows.
  public let ulpError: Double?
  public let correctlyRounded: Bool
  public let overflow: Bool
  public let underflow: Bool
  public let nan: Bool
  public let status: Status

  /// The measure of an element of an undefined row.
  public static let undefined = Measure(ulpError: nil, correctlyRounded: false, overflow: false,
                                        underflow: false, nan: false, status: .undefined)
}

public enum Measures {
  /// |c - v| / ulp_T(v) for finite c and v, computed from v's exact value (never through a Double).
  public static func ulpError(computed c: Double, exact v: ExactValue) -> Double {
    v.ulpError(of: c)
  }

  /// |c - v| for finite c and v, computed from v's exact value and rounded once to a Double.
  public static func absoluteError(computed c: Double, exact v: ExactValue) -> Double {
    let difference = v.difference(from: c)
    return Swift.abs(difference.double(.nearestEven))
  }

  /// |c - v| / |v| for finite c and v != 0 (+inf for v = 0 and c != 0, 0 when both are 0).
  public static func relativeError(computed c: Double, exact v: ExactValue) -> Double {
    let difference = v.difference(from: c)
    let value = v.value
    if value.isZero { return difference.isZero ? 0 : .infinity }
    let (ratio, _) = BigFloat.divide(difference, value, precision: 64, .nearestEven)
    return Swift.abs(ratio.double(.nearestEven))
  }

  /// The measures of docs/definitions.md for computed c against exact value v.
  public static func measure(computed c: Double, exact v: ExactValue) -> Measure {
    let rounded = v.rounded
    let vIsNumber = !v.isNaN
    let vIsFinite = v.isFinite
    // A NaN is correct only where RN_T(v) is NaN: float8-e4m3's rounding of a v beyond its range.
    let correctlyRounded = c.bitPattern == rounded.bitPattern || (c.isNaN && rounded.isNaN)
    let nan = c.isNaN && vIsNumber && !rounded.isNaN
    let underflow = (c == 0 && rounded != 0) || (c == -.infinity && rounded.isFinite)
    let overflow = !underflow && (c.isInfinite || c.isNaN) && rounded.isFinite
    let ulpError: Double
    if c.isFinite && vIsFinite {
      ulpError = Measures.ulpError(computed: c, exact: v)
    } else if (!c.isNaN && c == rounded) || (c.isNaN && rounded.isNaN) {
      // c = RN_T(v) = +-inf: v = +-inf (a masked log-prob), or v beyond the format's range (NaN
      // there in float8-e4m3)
      ulpError = 0
    } else {
      ulpError = .infinity
    }
    let status: Status =
      nan ? .nan : overflow ? .overflow : underflow ? .underflow : correctlyRounded ? .correct : .inaccurate
    return Measure(ulpError: ulpError, correctlyRounded: correctlyRounded, overflow: overflow,
                   underflow: underflow, nan: nan, status: status)
  }
}
