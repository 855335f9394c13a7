/// Elementary functions from IEEE basic operations only (no libm, no FMA), so that generated
/// cases and plot coordinates do not depend on the platform's math library. Accurate to a few
/// ulps of Double, which is all the generators and plots need; never used to judge a kernel.
public enum DeterministicMath {
  static let ln2Hi = 0x1.62e42fefa3800p-1, ln2Lo = 0x1.ef35793c76730p-45

  /// The natural logarithm of a positive finite x (subnormals included); -inf for 0, NaN below.
  public static func log(_ x: Double) -> Double {
    guard x > 0 else { return x == 0 ? -.infinity : .nan }
    guard x.isFinite else { return x }
    // x = m 2^e with m in [sqrt(1/2), sqrt(2)).
    var m = x.significand
    var e = Double(x.exponent)
    if m > 1.4142135623730951 {
      m /= 2
      e += 1
    }
    // log(m) = 2 atanh(f), f = (m - 1)/(m + 1), |f| < 0.1716: 2 (f + f^3/3 + f^5/5 + ...).
    let f = (m - 1) / (m + 1), f2 = f * f
    var series = 0.0
    for k in stride(from: 25, through: 3, by: -2) { series = (series + 1 / Double(k)) * f2 }
    return e * ln2Hi + (e * ln2Lo + 2 * f * (1 + series))
  }

  /// 2^x: exact for integer x (in the normal range); otherwise 2^floor(x) times a Taylor series
  /// of e^(f ln 2), f in [0, 1) (|f ln 2| < 0.7, 25 terms).
  public static func exp2(_ x: Double) -> Double {
    let k = x.rounded(.down), f = x - k
    let y = f * 0.6931471805599453
    var term = 1.0, sum = 1.0
    for i in 1...25 {
      term *= y / Double(i)
      sum += term
    }
    return Double(sign: .plus, exponent: Int(k), significand: sum)
  }

  /// log2(x) = log(x) / log(2).
  public static func log2(_ x: Double) -> Double { log(x) / 0.6931471805599453 }
}
