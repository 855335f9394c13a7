import MPFR
import SoftmaxSpec

/// exp, log and log1p of a value of a format, correctly rounded to that format, by the same
/// enclosure and Ziv loop as `Reference`.
public enum ElementaryReference {
  /// The exact value of `function(x)` for a value x of `format`, correctly rounded. Nil for a NaN
  /// result (x NaN, or outside the domain).
  public static func evaluate(_ function: ElementaryFunction, _ x: Double, format: Format) -> ExactValue? {
    if x.isNaN { return nil }
    let bx = BigFloat(x)
    var w = format.precision + 40
    while w <= 1 << 16 {
      let (y, t): (BigFloat, Ternary)
      switch function {
      case .exp: (y, t) = BigFloat.exp(bx, precision: w, .nearestEven)
      case .log: (y, t) = BigFloat.log(bx, precision: w, .nearestEven)
      case .log1p: (y, t) = BigFloat.log1p(bx, precision: w, .nearestEven)
      }
      if y.isNaN { return nil }
      let enclosure = Enclosure.around(y, t)
      // Exact zeros: log(1) = +0, log1p(+-0) = +-0 (exp has none: exp(-inf) = +0 is handled by MPFR).
      if let d = enclosure.decide(format, zeroSign: function == .log1p ? x.sign : .plus) {
        return ExactValue(rounded: d.value, value: enclosure.midpoint, ulpExponent: d.ulpExponent,
                          isExact: enclosure.isExact)
      }
      w *= 2
    }
    return nil
  }
}
