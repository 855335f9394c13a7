import MPFR
import SoftmaxSpec

/// How the reference computes a row.
public enum ReferenceMethod: String, CaseIterable, Sendable, Codable {
  /// A double-word first step with a proven error bound for every output; the rows it cannot
  /// decide go to MPFR (`exact`). The default.
  case fast
  /// MPFR only: Ziv's loop for every row.
  case exact
}

/// The reference's first step (docs/reference.md, "The fast path"): the same formula as the MPFR
/// path, evaluated in double-word arithmetic with a rigorous error bound per output.
///
/// Per element (the O(n) work): e_j = exp(d_j) with `FastExp` (d_j = x_j - m is exact as a TwoSum),
/// s' = sum_{j != k} e_j in blocks, log-softmax_i = d_i - log1p(s') and softmax_i = e_i (1/s). Per row
/// (O(1) work, MPFR at 128 bits in interval arithmetic from the enclosure of s'): log1p(s'), 1/s, lse,
/// cross-entropy, the outputs at the maximum and at ties with it, and the gradient at the target.
///
/// An output is decided when both ends of its enclosure round to the same value of the output
/// format in the same binade (`decide`) and the enclosure is narrower than 2^-40 ulp (so its ULP
/// errors are exact to 1e-12 ulp). Otherwise `attempt` returns nil and the row goes to MPFR; so do
/// rows whose values leave the range where every double-word part is a normal number.
enum FastReference {
  /// Terms exp(d) with d below `FastExp.domain` are below this (e^-600 < 2^-865) and are only bounded.
  static let tinyTermBound = 0x1p-865
  /// The MPFR precision of the per-row work.
  static let rowPrecision = 128
  /// Relative error of one double-word addition of two non-negative terms (3u^2 + 13u^3 < 4u^2).
  static let additionError = 4 * DoubleWord.u2

  static func attempt(
    _ row: [Double], target: Int, format: Format, scaleExponent: Int, operations: [Op]
  ) -> [Op: [ExactValue]]? {
    let n = row.count
    var k = 0
    for j in 0..<n {
      let x = row[j]
      if x.isFinite && x.magnitude > 0x1p1000 { return nil }  // keeps x - m and lse finite
      if x > row[k] { k = j }
    }
    let m = row[k]
    let needTerms = operations.contains(.softmax) || operations.contains(.ceGradient)
    // float64 results need FastExp's 2^-100; 24 bits or fewer need 2^-65 at most (2^-41 ulp).
    let precise = format.precision > 24
    let expError = precise ? FastExp.relativeError : FastExp.shortRelativeError
    @inline(__always) func exp(_ d: DoubleWord) -> DoubleWord { precise ? FastExp.exp(d) : FastExp.shortExp(d) }

    // e_j and s'.
    var e = needTerms ? [DoubleWord](repeating: .zero, count: n) : []
    var sum = BlockedSum()
    var inexact = false
    var tinyTerms = 0
    for j in 0..<n where j != k && row[j] != -.infinity {
      let d = DoubleWord(DoubleWord.twoSum(row[j], -m))
      let term: DoubleWord
      if d.hi == 0 {
        term = .one
      } else if d.hi < FastExp.domain.lowerBound {
        tinyTerms += 1
        continue
      } else {
        term = exp(d)
        inexact = true
      }
      sum.add(term)
      if needTerms { e[j] = term }
    }
    let sPrimeHat = sum.total
    if sPrimeHat.hi == 0 && tinyTerms > 0 { return nil }  // s' made of terms below 2^-865 only
    let termError = expError + Double(sum.levels) * additionError
    let sPrimeRadius = inexact || tinyTerms > 0
      ? (sPrimeHat.magnitudeUp * termError * (1 + 0x1p-40) + Double(tinyTerms) * tinyTermBound).nextUp : 0

    // The per-row quantities in MPFR interval arithmetic.
    let w = rowPrecision
    let sPrime = sPrimeRadius == 0
      ? Enclosure.exact(sPrimeHat.big) : Enclosure.around(sPrimeHat, radius: sPrimeRadius, nonNegative: true)
    let scale = BigFloat(Double(sign: .plus, exponent: scaleExponent, significand: 1))
    let mBig = BigFloat(m)
    let rowEnclosures = RowEnclosures(
      m: mBig, k: k, precision: w,
      difference: { i in
        guard row[i] != -.infinity else { return nil }
        let bits = Problem.exactDifferencePrecision(row[i], m)
        return BigFloat.subtract(BigFloat(row[i]), mBig, precision: bits, .nearestEven).0
      },
      term: { i in
        if i == k || row[i] == m { return .one }
        if row[i] == -.infinity { return .zero }
        let d = DoubleWord.twoSum(row[i], -m)
        if d.s < FastExp.domain.lowerBound {
          return Enclosure(lo: BigFloat(0.0), loStrict: true, hi: BigFloat(tinyTermBound), hiStrict: true)
        }
        let t = exp(DoubleWord(d))
        return Enclosure.around(t, radius: (t.magnitudeUp * expError).nextUp, nonNegative: true)
      },
      sPrime: sPrime, logS: sPrime.log1p(precision: w), s: Enclosure.add(.one, sPrime, precision: w))

    /// A per-row output, decided by MPFR's enclosure.
    func rowValue(_ enclosure: Enclosure, zeroSign: FloatingPointSign = .plus) -> ExactValue? {
      enclosure.exactValue(format, scale: scale, scaleExponent: scaleExponent, zeroSign: zeroSign, precision: w)
    }
    /// A per-element output v with |v - exact| <= radius, decided in double-word arithmetic.
    func elementValue(_ v: DoubleWord, radius: Double) -> ExactValue? {
      let scaled = v.scaled(byPowerOfTwo: scaleExponent)
      let r = scaleExponent == 0 ? radius : Double(sign: .plus, exponent: scaleExponent, significand: radius)
      guard let decided = decide(scaled, radius: r, format) else { return nil }
      return ExactValue(rounded: decided.value, ulpExponent: decided.ulpExponent, head: scaled.hi, tail: scaled.lo)
    }

    var results: [Op: [ExactValue]] = [:]
    for op in operations {
      var values: [ExactValue] = []
      values.reserveCapacity(op.outputCount(rowLength: n))
      switch op {
      case .lse:
        guard let v = rowValue(rowEnclosures.lse) else { return nil }
        values.append(v)
      case .crossEntropy:
        guard let v = rowValue(rowEnclosures.logSoftmax(target).negated) else { return nil }
        values.append(v)
      case .logSoftmax:
        guard let atMax = rowValue(rowEnclosures.logSoftmax(k)) else { return nil }
        let (logS, logSRadius) = rowEnclosures.logS.doubleWord
        var masked: ExactValue? = nil
        for i in 0..<n {
          if i == k || row[i] == m {
            values.append(atMax)
          } else if row[i] == -.infinity {
            if masked == nil { masked = rowValue(.exact(BigFloat(-Double.infinity))) }
            values.append(masked!)
          } else {
            // d_i - log1p(s'): two terms of one sign, one double-word addition.
            let v = DoubleWord(DoubleWord.twoSum(row[i], -m)) - logS
            guard let value = elementValue(v, radius: (v.magnitudeUp * additionError + logSRadius).nextUp)
            else { return nil }
            values.append(value)
          }
        }
      case .softmax, .ceGradient:
        guard let atMax = rowValue(rowEnclosures.softmax(k)) else { return nil }
        let (inverse, inverseRadius) = Enclosure.divide(.one, rowEnclosures.s, precision: w).doubleWord
        // Relative error of e_i * (1/s): the term's, the reciprocal's and one product (7u^2).
        let relative = (expError + inverseRadius / inverse.hi.magnitude * (1 + 0x1p-50)
          + 8 * DoubleWord.u2) * (1 + 0x1p-40)
        let tinyIsZero = Double(sign: .plus, exponent: scaleExponent, significand: tinyTermBound)
          < format.leastNonzeroMagnitude / 2
        var zero: ExactValue? = nil
        for i in 0..<n {
          if op == .ceGradient && i == target {
            guard let v = rowValue(rowEnclosures.ceGradient(i, target: target), zeroSign: .minus) else { return nil }
            values.append(v)
          } else if i == k || row[i] == m {
            values.append(atMax)
          } else if row[i] == -.infinity || e[i].hi == 0 {
            // Masked (exactly +0), or a term below 2^-865 (p_i < 2^-865: +0 in every format but
            // float64, which could hold it; such rows go to MPFR).
            guard row[i] == -.infinity || tinyIsZero else { return nil }
            if zero == nil {
              zero = row[i] == -.infinity
                ? rowValue(.zero)
                : ExactValue(rounded: 0, ulpExponent: format.minExponent - format.precision + 1, head: 0, tail: 0)
            }
            values.append(zero!)
          } else {
            let v = e[i] * inverse
            guard let value = elementValue(v, radius: (v.magnitudeUp * relative).nextUp) else { return nil }
            values.append(value)
          }
        }
      }
      results[op] = values
    }
    return results
  }

  // MARK: Deciding a rounding from a double-word and a radius

  /// RN_T and ulp_T of every real within `radius` of v = v.hi + v.lo, when they are all the same
  /// and the radius is below 2^-41 ulp; nil otherwise, and for |v.hi| outside [2^-960, 2^1000]
  /// (where double-word parts could be subnormal). Both ends of [v - radius, v + radius] are
  /// formed outward (each a pair of Doubles whose exact sum is the bound) and rounded exactly
  /// (`round`); rounding is monotone, so equal results at the ends hold for every value between.
  static func decide(_ v: DoubleWord, radius: Double, _ format: Format) -> FormatValue? {
    let a = v.hi.magnitude
    guard a >= 0x1p-960 && a <= 0x1p1000 && radius.isFinite else { return nil }
    let lower = round(v.hi, (v.lo - radius).nextDown, format)
    let upper = round(v.hi, (v.lo + radius).nextUp, format)
    guard lower == upper else { return nil }
    if lower.value.isFinite && radius > powerOfTwo(lower.ulpExponent - 41) {
      return nil
    }
    return lower
  }

  /// RN_T(a + b) of the exact sum of two Doubles (a normal, |b| < |a|), and log2 ulp_T(a + b).
  ///
  /// s = RN_53(a + b) and the error e = a + b - s come from TwoSum. For float64, RN(a + b) = s.
  /// For a narrower format, every midpoint between two neighbours of the format is a Double, and
  /// RN_53 is monotone: when s is not a midpoint, a + b lies strictly between the same two midpoints
  /// as s and RN_T(a + b) = RN_T(s); when s is a midpoint, e's sign says on which side a + b lies (e =
  /// 0: a + b is the tie, which goes to even).
  static func round(_ a: Double, _ b: Double, _ format: Format) -> FormatValue {
    let (s, e) = DoubleWord.twoSum(a, b)
    let value: Double
    if format == .float64 || e == 0 || !isMidpoint(s, format) {
      value = format.round(s)
    } else {
      value = format.round(e > 0 ? s.nextUp : s.nextDown)
    }
    if !value.isFinite {
      return FormatValue(value: value, ulpExponent: format.maxExponent - format.precision + 1)
    }
    // floor(log2 |a + b|): s's exponent, one less when s is a power of two and a + b lies below it.
    var binade = Int(s.exponent)
    if s.significandBitPattern == 0 && e != 0 && (e < 0) != (s < 0) { binade -= 1 }
    return FormatValue(value: value, ulpExponent: max(binade, format.minExponent) - format.precision + 1)
  }

  /// True when s (a nonzero normal Double) lies exactly halfway between two neighbours of the
  /// format's grid (its largest finite value and the next grid point above included: the overflow
  /// threshold).
  static func isMidpoint(_ s: Double, _ format: Format) -> Bool {
    let a = s.magnitude
    let p = format.precision
    if Int(a.exponent) >= format.minExponent {
      // In the format's normal range: the significand's bit after the format's p bits is set and
      // every bit below it is clear.
      let low = UInt64(1) << UInt64(52 - p)  // the first bit beyond the format's precision
      return a.significandBitPattern & (2 * low - 1) == low
    }
    let q = format.minExponent - p + 1
    let scaled = Double(sign: .plus, exponent: -q, significand: a)  // exact: a power-of-two scaling
    return scaled - scaled.rounded(.down) == 0.5
  }
}

/// A sum of non-negative double-words in blocks of 16, the block sums added pairwise: every
/// partial sum carries a relative error of at most `levels` double-word additions.
struct BlockedSum {
  static let blockSize = 16
  private var blocks: [DoubleWord] = []
  private var current = DoubleWord.zero
  private var inBlock = 0

  mutating func add(_ term: DoubleWord) {
    current = current + term
    inBlock += 1
    if inBlock == BlockedSum.blockSize {
      blocks.append(current)
      current = .zero
      inBlock = 0
    }
  }

  /// The sum, added pairwise over the blocks.
  var total: DoubleWord {
    var level = blocks
    if inBlock > 0 { level.append(current) }
    if level.isEmpty { return .zero }
    while level.count > 1 {
      var next: [DoubleWord] = []
      next.reserveCapacity((level.count + 1) / 2)
      var i = 0
      while i + 1 < level.count {
        next.append(level[i] + level[i + 1])
        i += 2
      }
      if i < level.count { next.append(level[i]) }
      level = next
    }
    return level[0]
  }

  /// A bound on the number of additions any term went through: blockSize - 1 within a block, one
  /// per pairwise level above.
  var levels: Int {
    let count = blocks.count + (inBlock > 0 ? 1 : 0)
    var depth = 0
    while (1 << depth) < count { depth += 1 }
    return BlockedSum.blockSize - 1 + depth
  }
}

extension DoubleWord {
  /// x rounded to a double-word: hi = RN(x), lo = RN(x - hi) (within 2^-106 |x|).
  init(rounding x: BigFloat) {
    let hi = x.double(.nearestEven)
    self.init(hi, BigFloat.subtract(x, BigFloat(hi), precision: x.precision, .nearestEven).0.double(.nearestEven))
  }

  /// hi + lo exactly, as an MPFR number.
  var big: BigFloat {
    if lo == 0 { return BigFloat(hi) }
    return BigFloat.add(BigFloat(hi), BigFloat(lo), precision: 128, .nearestEven).0  // |lo| <= ulp(hi)/2: exact
  }
}

extension Enclosure {
  /// [v - radius, v + radius] (clamped at 0 when the value is known to be non-negative), both
  /// bounds strict: used for values known to be irrational.
  static func around(_ v: DoubleWord, radius: Double, nonNegative: Bool) -> Enclosure {
    let center = v.big
    let r = BigFloat(radius)
    var lo = BigFloat.subtract(center, r, precision: FastReference.rowPrecision, .down).0
    if nonNegative && lo.signum < 0 { lo = BigFloat(0.0) }
    let hi = BigFloat.add(center, r, precision: FastReference.rowPrecision, .up).0
    return Enclosure(lo: lo, loStrict: true, hi: hi, hiStrict: true)
  }

  /// A double-word c and a radius r (rounded up) with [lo, hi] inside [c - r, c + r].
  var doubleWord: (DoubleWord, Double) {
    let c = DoubleWord(rounding: midpoint)
    let center = c.big
    let below = BigFloat.subtract(center, lo, precision: 64, .up).0.double(.up)
    let above = BigFloat.subtract(hi, center, precision: 64, .up).0.double(.up)
    return (c, max(below, above, 0))
  }
}
