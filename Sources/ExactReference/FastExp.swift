import MPFR

/// exp in double-word arithmetic with a proven relative error bound, for the fast reference.
///
/// exp(d) = 2^e * 2^(i/256) * exp(r), where k = round(d * 256 / ln 2) = 256 e + i (0 <= i < 256)
/// and r = d - k ln(2)/256, |r| <= ln(2)/512 + 2^-40 < 0.001355:
/// - the 256 values 2^(i/256) are a table of double-words, each within 2^-106 (relative) of the
///   exact value, computed once with MPFR at 256 bits;
/// - ln(2)/256 = C1 + C2 + C3 (C1 of 35 bits, so k C1 is exact for |k| < 2^18; C2, C3 the next
///   Doubles, computed with MPFR), and r is formed with exact TwoSum/TwoProduct steps and
///   double-word additions: its absolute error is below 2^-110;
/// - exp(r) - 1 = r (1 + r (1/2 + r (1/6 + r (1/24 + r (1/120 + r B(r)))))), the Taylor series to
///   degree 9 (truncation < 0.001355^10 / 10! < 2^-116): B(r) = 1/720 + ... + r^3/9! in Double
///   (r^6 B(r) is below 2^-66 of the result, so B's relative error of a few u costs < 2^-116),
///   the rest in double-word arithmetic.
///
/// Error bound (docs/reference.md derives it): table 2^-106, final addition 2^-104.4 (3u^2 + 13u^3),
/// the Horner steps below 2^-110 (each step's error is damped by |r| < 2^-9.5), B below 2^-116,
/// r below 2^-110, truncation below 2^-116: less than 2^-103.5 in all. `relativeError` states 2^-100,
/// a factor of 8 above it, and a test measures the error against MPFR on random and extreme
/// arguments.
enum FastExp {
  /// |exp(d) - FastExp.exp(d)| <= relativeError * exp(d) for d in `domain`.
  static let relativeError = 0x1p-100
  /// The arguments accepted: exp(d) >= e^-600 > 2^-866, so every part of the result is normal.
  static let domain: ClosedRange<Double> = -600...0

  struct Constants: Sendable {
    let table: [DoubleWord]
    let inverseStep: Double  // 256 / ln 2, rounded (only used to choose k)
    let c1: Double, c2: Double, c3: Double
    let sixth: DoubleWord, twentyFourth: DoubleWord, hundredTwentieth: DoubleWord
    let tail: (Double, Double, Double, Double)  // 1/720, 1/5040, 1/40320, 1/362880, rounded

    init() {
      let w = 256
      let ln2 = BigFloat.log(BigFloat(2.0), precision: w, .nearestEven).0
      let step = BigFloat.scaled(ln2, byPowerOfTwo: -8, precision: w, .nearestEven).0
      var table: [DoubleWord] = []
      for i in 0..<256 {
        let (x, _) = BigFloat.multiply(step, BigFloat(i), precision: w, .nearestEven)
        table.append(DoubleWord(rounding: BigFloat.exp(x, precision: w, .nearestEven).0))
      }
      self.table = table
      inverseStep = BigFloat.divide(BigFloat(256.0), ln2, precision: w, .nearestEven).0.double(.nearestEven)
      let c1 = step.rounded(toPrecision: 35, .nearestEven).0
      let rest = BigFloat.subtract(step, c1, precision: w, .nearestEven).0
      let c2 = rest.double(.nearestEven)
      let c3 = BigFloat.subtract(rest, BigFloat(c2), precision: w, .nearestEven).0.double(.nearestEven)
      (self.c1, self.c2, self.c3) = (c1.double(.nearestEven), c2, c3)
      func reciprocal(_ n: Double) -> DoubleWord {
        DoubleWord(rounding: BigFloat.divide(BigFloat(1.0), BigFloat(n), precision: w, .nearestEven).0)
      }
      sixth = reciprocal(6)
      twentyFourth = reciprocal(24)
      hundredTwentieth = reciprocal(120)
      tail = (1 / 720, 1 / 5040, 1 / 40320, 1 / 362_880)
    }
  }

  static let constants = Constants()

  /// The bound of `shortExp`: |exp(d) - shortExp(d)| <= shortRelativeError * exp(d).
  static let shortRelativeError = 0x1p-76

  /// exp(d) for d = d.hi + d.lo (normalized) with d.hi in `domain`.
  @inline(__always)
  static func exp(_ d: DoubleWord) -> DoubleWord {
    let c = constants
    let (k, r) = reduce(d)
    let rh = r.hi
    let b = c.tail.0 + rh * (c.tail.1 + rh * (c.tail.2 + rh * c.tail.3))
    var p = c.hundredTwentieth + r * b
    p = c.twentyFourth + r * p
    p = c.sixth + r * p
    p = r * p + 0.5
    p = r * p + 1
    let q = r * p  // exp(r) - 1
    return scale(q, k)
  }

  /// k = round(256 d / ln 2) and r = d - k ln(2)/256 (absolute error < 2^-110): k C1 exact,
  /// d.hi - k C1 by TwoSum, the rest as double-words.
  @inline(__always)
  static func reduce(_ d: DoubleWord) -> (k: Int, r: DoubleWord) {
    let c = constants
    let kd = (d.hi * c.inverseStep + 0x1.8p52) - 0x1.8p52  // round to nearest integer
    var r = DoubleWord(DoubleWord.twoSum(d.hi, -(kd * c.c1)))
    r = r - DoubleWord(DoubleWord.twoProduct(kd, c.c2))
    r = r + d.lo
    r = r + -(kd * c.c3)
    return (Int(kd), r)
  }

  /// 2^(k >> 8) 2^((k & 255)/256) (1 + q), for q = exp(r) - 1.
  @inline(__always)
  static func scale(_ q: DoubleWord, _ k: Int) -> DoubleWord {
    let t = constants.table[k & 255]
    return (t + t * q).scaled(byPowerOfTwo: k >> 8)
  }
}

extension FastExp {
  /// exp(d) to about 2^-79 (stated: `shortRelativeError`, 2^-76), for results in formats of 24 bits
  /// or fewer, whose decisions need 2^-65 at most (2^-41 ulp of a 24-bit value): the same
  /// reduction and table as `exp`, and exp(r) - 1 = r + r^2/2 + r^3 (1/6 + r/24 + ... + r^4/5040)
  /// with r^2 exact (TwoProduct of r's head, plus the cross term) and the cubic tail in Double
  /// (below 2^-31 with a relative error of a few u: < 2^-82; truncation < 2^-91). The final
  /// 2^(i/256) (1 + q) costs 3u^2 as in `exp`.
  @inline(__always)
  static func shortExp(_ d: DoubleWord) -> DoubleWord {
    let c = constants
    let (k, r) = reduce(d)
    let rh = r.hi, rl = r.lo
    let (square, squareError) = DoubleWord.twoProduct(rh, rh)  // rh^2 exactly
    let cubic = rh * square * (c.sixth.hi + rh * (c.twentyFourth.hi + rh * (c.hundredTwentieth.hi
      + rh * (c.tail.0 + rh * c.tail.1))))
    // q = rh + rh^2/2 + (rl + rh rl + squareError/2 + cubic), |q| < 2^-9.4.
    let (qh, ql) = DoubleWord.twoSum(rh, 0.5 * square)
    let q = DoubleWord(DoubleWord.fastTwoSum(qh, ql + (rl + (rh * rl + (0.5 * squareError + cubic)))))
    return scale(q, k)
  }
}

extension DoubleWord {
  init(_ pair: (Double, Double)) { self.init(pair.0, pair.1) }
}
