/// A double-word number: the unevaluated sum hi + lo of two Doubles with |lo| <= ulp(hi)/2, about
/// 106 significant bits. The fast reference (`FastReference`) evaluates in it.
///
/// The algorithms and their relative error bounds are those of Joldes, Muller and Popescu, "Tight
/// and rigorous error bounds for basic building blocks of double-word arithmetic" (ACM TOMS 44(2),
/// 2017), with u = 2^-53; every bound holds when no operation overflows or underflows, which the
/// fast reference guarantees by the magnitudes it accepts (docs/reference.md, "The fast path").
/// Products use Dekker's splitting, not a fused multiply-add: the default x86_64 build has no FMA
/// instruction, and the results are the same on every build (Dekker's product is exact).
struct DoubleWord: Sendable, Equatable {
  var hi: Double
  var lo: Double

  init(_ hi: Double, _ lo: Double = 0) {
    self.hi = hi
    self.lo = lo
  }

  static let zero = DoubleWord(0)
  static let one = DoubleWord(1)

  /// u = 2^-53, the unit roundoff of Double.
  static let u = 0x1p-53
  /// u^2 = 2^-106.
  static let u2 = 0x1p-106

  // MARK: Error-free transformations (exact: a + b = s + e, a * b = p + e)

  /// Knuth's TwoSum: s = RN(a + b) and e = a + b - s exactly.
  @inline(__always)
  static func twoSum(_ a: Double, _ b: Double) -> (s: Double, e: Double) {
    let s = a + b
    let bb = s - a
    return (s, (a - (s - bb)) + (b - bb))
  }

  /// Dekker's Fast2Sum, for |a| >= |b| (or a = 0): s = RN(a + b), e = a + b - s exactly.
  @inline(__always)
  static func fastTwoSum(_ a: Double, _ b: Double) -> (s: Double, e: Double) {
    let s = a + b
    return (s, b - (s - a))
  }

  /// Veltkamp's splitting: a = h + l with h holding the top 26 bits (|a| < 2^996).
  @inline(__always)
  static func split(_ a: Double) -> (h: Double, l: Double) {
    let c = 134_217_729.0 * a  // 2^27 + 1
    let h = c - (c - a)
    return (h, a - h)
  }

  /// Dekker's TwoProduct: p = RN(a b) and e = a b - p exactly.
  @inline(__always)
  static func twoProduct(_ a: Double, _ b: Double) -> (p: Double, e: Double) {
    let p = a * b
    let (ah, al) = split(a)
    let (bh, bl) = split(b)
    return (p, ((ah * bh - p) + ah * bl + al * bh) + al * bl)
  }

  // MARK: Double-word arithmetic (relative error bounds of Joldes, Muller and Popescu)

  /// x + y (Algorithm 6, AccurateDWPlusDW): relative error <= 3u^2 + 13u^3, any signs.
  @inline(__always)
  static func + (x: DoubleWord, y: DoubleWord) -> DoubleWord {
    let (sh, sl) = twoSum(x.hi, y.hi)
    let (th, tl) = twoSum(x.lo, y.lo)
    let (vh, vl) = fastTwoSum(sh, sl + th)
    let (zh, zl) = fastTwoSum(vh, tl + vl)
    return DoubleWord(zh, zl)
  }

  static prefix func - (x: DoubleWord) -> DoubleWord { DoubleWord(-x.hi, -x.lo) }

  static func - (x: DoubleWord, y: DoubleWord) -> DoubleWord { x + (-y) }

  /// x + y for a Double y (Algorithm 4, DWPlusFP): relative error <= 2u^2 + 5u^3.
  @inline(__always)
  static func + (x: DoubleWord, y: Double) -> DoubleWord {
    let (sh, sl) = twoSum(x.hi, y)
    let (zh, zl) = fastTwoSum(sh, x.lo + sl)
    return DoubleWord(zh, zl)
  }

  /// x * y for a Double y (Algorithm 7, DWTimesFP1): relative error <= 1.5u^2 + 4u^3.
  @inline(__always)
  static func * (x: DoubleWord, y: Double) -> DoubleWord {
    let (ch, cl1) = twoProduct(x.hi, y)
    let (th, tl1) = fastTwoSum(ch, x.lo * y)
    let (zh, zl) = fastTwoSum(th, tl1 + cl1)
    return DoubleWord(zh, zl)
  }

  /// x * y (Algorithm 10, DWTimesDW1): relative error <= 7u^2.
  @inline(__always)
  static func * (x: DoubleWord, y: DoubleWord) -> DoubleWord {
    let (ch, cl1) = twoProduct(x.hi, y.hi)
    let cl2 = x.hi * y.lo + x.lo * y.hi
    let (zh, zl) = fastTwoSum(ch, cl1 + cl2)
    return DoubleWord(zh, zl)
  }

  /// x * 2^k, exact while the result stays normal.
  @inline(__always)
  func scaled(byPowerOfTwo k: Int) -> DoubleWord {
    if k == 0 { return self }
    let f = powerOfTwo(k)
    return DoubleWord(hi * f, lo * f)
  }

  /// |x| as a Double rounded up: a bound for radii built from it.
  var magnitudeUp: Double { (hi.magnitude + lo.magnitude).nextUp }
}

/// 2^k as a Double, built from its bits for the normal exponents (the generic
/// `Double(sign:exponent:significand:)` costs more than a double-word addition).
@inline(__always)
func powerOfTwo(_ k: Int) -> Double {
  (-1022...1023).contains(k) ? Double(bitPattern: UInt64(k + 1023) << 52) : Double(sign: .plus, exponent: k, significand: 1)
}
