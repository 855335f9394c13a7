import MPFR
import SoftmaxSpec

/// A rigorous enclosure lo <= v <= hi of an exact real value v, computed with MPFR's directed
/// rounding. A bound is strict when v is known to differ from it (MPFR rounded it, or it came
/// from a strict bound through a strictly monotone operation); a strict bound lets a value that
/// sits exactly on a tie, a power of two or zero be rounded the right way without raising the
/// precision forever.
struct Enclosure: Sendable {
  var lo: BigFloat
  var loStrict: Bool
  var hi: BigFloat
  var hiStrict: Bool

  /// The exact value x.
  static func exact(_ x: BigFloat) -> Enclosure {
    Enclosure(lo: x, loStrict: false, hi: x, hiStrict: false)
  }

  /// The enclosure of an exact value of which y is the round-to-nearest result with ternary t:
  /// the exact value lies between y and its neighbour on the side the ternary names.
  static func around(_ y: BigFloat, _ t: Ternary) -> Enclosure {
    switch t {
    case .exact: return .exact(y)
    case .above: return Enclosure(lo: y.nextDown(), loStrict: true, hi: y, hiStrict: true)
    case .below: return Enclosure(lo: y, loStrict: true, hi: y.nextUp(), hiStrict: true)
    }
  }

  static let zero = Enclosure.exact(BigFloat(0.0))
  static let one = Enclosure.exact(BigFloat(1.0))

  var isExact: Bool { !loStrict && !hiStrict && BigFloat.compare(lo, hi) == 0 }

  // MARK: Monotone operations at working precision w

  /// a + b.
  static func add(_ a: Enclosure, _ b: Enclosure, precision w: Int) -> Enclosure {
    let (lo, tl) = BigFloat.add(a.lo, b.lo, precision: w, .down)
    let (hi, th) = BigFloat.add(a.hi, b.hi, precision: w, .up)
    return Enclosure(lo: lo, loStrict: tl != .exact || a.loStrict || b.loStrict,
                     hi: hi, hiStrict: th != .exact || a.hiStrict || b.hiStrict)
  }

  /// a - b.
  static func subtract(_ a: Enclosure, _ b: Enclosure, precision w: Int) -> Enclosure {
    let (lo, tl) = BigFloat.subtract(a.lo, b.hi, precision: w, .down)
    let (hi, th) = BigFloat.subtract(a.hi, b.lo, precision: w, .up)
    return Enclosure(lo: lo, loStrict: tl != .exact || a.loStrict || b.hiStrict,
                     hi: hi, hiStrict: th != .exact || a.hiStrict || b.loStrict)
  }

  /// -v, exact.
  var negated: Enclosure {
    Enclosure(lo: BigFloat.negate(hi, precision: hi.precision, .nearestEven).0, loStrict: hiStrict,
              hi: BigFloat.negate(lo, precision: lo.precision, .nearestEven).0, hiStrict: loStrict)
  }

  /// a / b for a >= 0 and b > 0 (a strict bound of b carries over only when a is not 0).
  static func divide(_ a: Enclosure, _ b: Enclosure, precision w: Int) -> Enclosure {
    let (lo, tl) = BigFloat.divide(a.lo, b.hi, precision: w, .down)
    let (hi, th) = BigFloat.divide(a.hi, b.lo, precision: w, .up)
    return Enclosure(lo: lo, loStrict: tl != .exact || a.loStrict || (b.hiStrict && !a.lo.isZero),
                     hi: hi, hiStrict: th != .exact || a.hiStrict || (b.loStrict && !a.hi.isZero))
  }

  /// f v for an exact f >= 0 (v of any sign). 0 times an infinite v is taken as 0: a term with
  /// weight 0 contributes nothing (docs/definitions.md's batch loss).
  func scaled(by f: BigFloat, precision w: Int) -> Enclosure {
    if f.isZero { return .zero }
    let (l, tl) = BigFloat.multiply(lo, f, precision: w, .down)
    let (h, th) = BigFloat.multiply(hi, f, precision: w, .up)
    return Enclosure(lo: l, loStrict: tl != .exact || loStrict, hi: h, hiStrict: th != .exact || hiStrict)
  }

  /// v / d for an exact d > 0 (v of any sign).
  func divided(by d: BigFloat, precision w: Int) -> Enclosure {
    let (l, tl) = BigFloat.divide(lo, d, precision: w, .down)
    let (h, th) = BigFloat.divide(hi, d, precision: w, .up)
    return Enclosure(lo: l, loStrict: tl != .exact || loStrict, hi: h, hiStrict: th != .exact || hiStrict)
  }

  /// log1p(v) for v >= 0.
  func log1p(precision w: Int) -> Enclosure {
    let (l, tl) = BigFloat.log1p(lo, precision: w, .down)
    let (h, th) = BigFloat.log1p(hi, precision: w, .up)
    return Enclosure(lo: l, loStrict: tl != .exact || loStrict, hi: h, hiStrict: th != .exact || hiStrict)
  }

  /// The sum of the enclosed values, each bound summed with one rounding (`mpfr_sum`).
  static func sum(_ terms: [Enclosure], precision w: Int) -> Enclosure {
    let (lo, tl) = BigFloat.sum(terms.map(\.lo), precision: w, .down)
    let (hi, th) = BigFloat.sum(terms.map(\.hi), precision: w, .up)
    return Enclosure(lo: lo, loStrict: tl != .exact || terms.contains { $0.loStrict },
                     hi: hi, hiStrict: th != .exact || terms.contains { $0.hiStrict })
  }

  // MARK: Deciding the rounding

  /// The correctly rounded value and ulp of the enclosed value when the enclosure decides them:
  /// both bounds (each taken just inside when strict) round to the same value of the format, lie
  /// in the same binade and, when `requireNarrow`, the enclosure is narrower than 2^-40 ulp so
  /// that ULP errors measured against its midpoint are exact to 1e-12 ulp. Nil when undecided.
  /// An exact zero takes `zeroSign`.
  func decide(_ format: Format, zeroSign: FloatingPointSign, requireNarrow: Bool = true) -> FormatValue? {
    if isExact && lo.isZero {
      return FormatValue(value: zeroSign == .minus ? -0.0 : 0.0,
                         ulpExponent: format.minExponent - format.precision + 1)
    }
    let a = FormatRounding.round(lo, side: loStrict ? .justAbove : .at, format)
    let b = FormatRounding.round(hi, side: hiStrict ? .justBelow : .at, format)
    guard a == b else { return nil }
    // The width only matters for ULP errors of finite results (one rounded to inf has none).
    if requireNarrow && !isExact && lo.isFinite && hi.isFinite && a.value.isFinite {
      let (width, _) = BigFloat.subtract(hi, lo, precision: 32, .up)
      if width.compare(toPowerOfTwo: a.ulpExponent - 40) > 0 { return nil }
    }
    return a
  }

  /// The midpoint, the value ULP errors are measured against.
  var midpoint: BigFloat {
    if isExact { return lo }
    let w = max(lo.precision, hi.precision) + 1
    let (s, _) = BigFloat.add(lo, hi, precision: w, .nearestEven)
    return BigFloat.scaled(s, byPowerOfTwo: -1, precision: w, .nearestEven).0
  }
}
