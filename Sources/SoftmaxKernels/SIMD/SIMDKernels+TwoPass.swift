import SoftmaxSpec

// The `two-pass` variant's pieces (Dukhan & Ablavatski, "The Two-Pass Softmax Algorithm", 2020;
// XNNPACK's two-pass softmax): exp(x) split as 2^k r, the sum kept per lane as a (mantissa,
// exponent) pair so that nothing overflows and no max pass is needed. docs/definitions.md
// ("two-pass") gives the formulas.

extension SIMDKernels {
  /// exp(x) = 2^k r with k an integer (carried in the lane type, exact) and r = 2^f, |f| <= 1/2 + tiny,
  /// so r is in [0.70, 1.42]. x log2(e) is formed as yHi + yLo with yHi = x L_hi exactly (Dekker's
  /// product, no FMA) plus x L_lo, so the reduction f = (yHi - k) + yLo stays accurate for large |x|
  /// (where Cody-Waite's two-part ln2 would not). Masked lanes (x = -inf) give r = 0, k = -inf.
  /// Edge Cases: |x| is clamped to `TwoPassConstants.limit` (2^21 in Float lanes, 2^50 in Double
  /// lanes) so that k is an exact integer of the lanes: the variant's range; larger logits give
  /// wrong results (docs/definitions.md, "two-pass").
  @inlinable @inline(__always)
  static func expParts<L: Lanes>(_: L.Type, _ x: L.V) -> (r: L.V, k: L.V) {
    typealias S = L.V.Scalar
    let c = TwoPassConstants<S>.self
    let limit = L.splat(c.limit)
    var a = x.replacing(with: limit, where: x .> limit)
    a = a.replacing(with: -limit, where: a .< -limit)
    let y = twoProduct(L.self, a, L.splat(c.log2eHi))
    let yHi = y.hi, yLo = y.lo + a * L.splat(c.log2eLo)
    // k = round(yHi) by the magic-number trick (|yHi| < 2^(p-2) after the clamp).
    let shifter = L.splat(c.shifter)
    let k = (yHi + shifter) - shifter
    let f = (yHi - k) + yLo
    // exp of the reduced argument, like every elementary function computed in the lanes and
    // rounded once by the policy.
    var r = L.exp(f * L.splat(c.ln2))
    let masked = x .== L.splat(-.infinity)
    r = r.replacing(with: L.splat(0), where: masked)
    r = r.replacing(with: x, where: x .!= x)  // NaN
    return (r, k.replacing(with: L.splat(-.infinity), where: masked))
  }

  /// a * b = hi + lo exactly (Dekker's product with Veltkamp's split; no FMA), for |a|, |b| below
  /// the split's overflow limit.
  @inlinable @inline(__always)
  static func twoProduct<L: Lanes>(_: L.Type, _ a: L.V, _ b: L.V) -> (hi: L.V, lo: L.V) {
    let factor = L.splat(TwoPassConstants<L.V.Scalar>.splitter)
    func split(_ v: L.V) -> (L.V, L.V) {
      let t = factor * v
      let hi = t - (t - v)
      return (hi, v - hi)
    }
    let p = a * b
    let (ah, al) = split(a), (bh, bl) = split(b)
    return (p, ((ah * bh - p) + ah * bl + al * bh) + al * bl)
  }

  /// 2^d for integral d <= 0 (lane by lane); 0 where d is below the least normal exponent, or -inf.
  @inlinable @inline(__always)
  static func pow2<L: Lanes>(_: L.Type, _ d: L.V) -> L.V {
    typealias S = L.V.Scalar
    let c = TwoPassConstants<S>.self
    let bias = L.splat(S(c.bias))
    // Biased exponent e = d + bias in [0, bias]; e = 0 is the bit pattern of +0.
    var e = d + bias
    e = e.replacing(with: L.splat(0), where: e .< L.splat(0))
    e = e.replacing(with: L.splat(0), where: d .!= d)
    let t = e + L.splat(c.shifter)
    let bits = unsafeBitCast(t, to: L.V.MaskStorage.self) &- unsafeBitCast(L.splat(c.shifter), to: L.V.MaskStorage.self)
    return unsafeBitCast(bits &<< L.V.MaskStorage.Scalar(c.mantissaBits), to: L.V.self)
  }

  /// v * 2^d for integral d <= 0 with one rounding at the end (gradual underflow): the first factor
  /// keeps the product normal, the second rounds once.
  @inlinable @inline(__always)
  static func scaleDown<L: Lanes>(_: L.Type, _ v: L.V, by d: L.V) -> L.V {
    let step = L.splat(TwoPassConstants<L.V.Scalar>.firstStep)
    let d1 = d.replacing(with: step, where: d .< step)
    let scaled = L.round((v * pow2(L.self, d1)) * pow2(L.self, d - d1))
    return scaled.replacing(with: L.splat(0), where: d .== L.splat(-.infinity))
  }

  /// Pass 1 of two-pass: per lane the pair (acc, E) with sum = acc 2^E; each term 2^k r is brought
  /// to the larger exponent: E' = max(E, k), acc = acc 2^(E - E') + r 2^(k - E').
  @inlinable @inline(__always)
  static func twoPassAdd<L: Lanes>(_: L.Type, _ acc: inout L.V, _ e: inout L.V, _ v: L.V) {
    let (r, k) = expParts(L.self, v)
    let newE = e.replacing(with: k, where: k .> e)
    let one = L.splat(1)
    let scaleOld = pow2(L.self, e - newE).replacing(with: one, where: e .== newE)
    let scaleNew = pow2(L.self, k - newE).replacing(with: one, where: k .== newE)
    acc = L.round(L.round(acc * scaleOld) + L.round(r * scaleNew))
    e = newE
  }

  /// The row's constants after pass 1: the sum S 2^E of exp(x_j), log S, and E ln 2 = p + q
  /// (Dekker's product with ln2, plus E ln2Lo; p rounded by the policy, q the rest).
  @usableFromInline
  struct TwoPassSum<L: Lanes> {
    @usableFromInline let s: L.V, e: L.V, logS: L.V, p: L.V, q: L.V

    /// From the lanes' pairs of pass 1 (`TwoPassFirst`).
    @inlinable @inline(__always)
    init(acc: L.V, e: L.V) {
      let merged = twoPassMerge(L.self, acc, e)
      s = L.splat(merged.s)
      self.e = L.splat(merged.e)
      logS = L.log(s)
      let c = TwoPassConstants<L.V.Scalar>.self
      let product = twoProduct(L.self, self.e, L.splat(c.ln2))
      p = L.round(product.hi)
      q = L.round(L.round(product.hi - p) + L.round(product.lo + self.e * L.splat(c.ln2Lo)))
    }

    /// lse = p + (q + log S).
    @inlinable @inline(__always)
    var lse: L.V { L.round(p + L.round(q + logS)) }
    /// log-softmax = ((x - p) - q) - log S: x - p is exact where x is within a factor 2 of E ln 2.
    @inlinable @inline(__always)
    func logSoftmax(_ v: L.V) -> L.V { L.round(L.round(L.round(v - p) - q) - logS) }
    /// softmax = (r / S) 2^(k - E), with exp(x) = 2^k r split again.
    @inlinable @inline(__always)
    func softmax(_ v: L.V) -> L.V {
      let (r, k) = expParts(L.self, v)
      return scaleDown(L.self, L.round(r / s), by: k - e)
    }
  }

  /// The lanes' pairs merged (lanes added in order): the row's sum as S 2^E.
  @inlinable @inline(__always)
  static func twoPassMerge<L: Lanes>(_: L.Type, _ acc: L.V, _ e: L.V) -> (s: L.V.Scalar, e: L.V.Scalar) {
    var top = e[0]
    for j in 1..<L.width where e[j] > top { top = e[j] }
    let scale = pow2(L.self, e - L.splat(top)).replacing(with: L.splat(1), where: e .== L.splat(top))
    return (lanesInOrder(L.self, L.round(acc * scale)), top)
  }
}

/// The constants of the two-pass variant's exponent split, per compute scalar.
public enum TwoPassConstants<S: BinaryFloatingPoint> {
  /// |x| is clamped here before the split: |x log2(e)| < 2^(p-2), so k = round(x log2(e)) is exact.
  @inlinable static var limit: S { S.significandBitCount > 30 ? 0x1p50 : 0x1p21 }
  /// 2^ceil(p/2) + 1.
  @inlinable static var splitter: S { S.significandBitCount > 30 ? 0x1p27 + 1 : 0x1p12 + 1 }
  /// log2(e) = log2eHi + log2eLo (hi rounded to the format, lo the next bits).
  @inlinable static var log2eHi: S { S.significandBitCount > 30 ? S(0x1.71547652b82fep+0 as Double) : S(Float(0x1.715476p+0)) }
  @inlinable static var log2eLo: S { S.significandBitCount > 30 ? S(0x1.777d0ffda0d24p-56 as Double) : S(Float(0x1.4ae0cp-26)) }
  /// ln 2 = ln2 + ln2Lo.
  @inlinable static var ln2: S { S.significandBitCount > 30 ? S(0x1.62e42fefa39efp-1 as Double) : S(Float(0x1.62e430p-1)) }
  @inlinable static var ln2Lo: S { S.significandBitCount > 30 ? S(0x1.abc9e3b39803fp-56 as Double) : S(Float(-0x1.05c61p-29)) }
  /// 1.5 2^(p-1): adding it rounds to an integer for |v| < 2^(p-2).
  @inlinable static var shifter: S { S.significandBitCount > 30 ? 0x1.8p52 : 0x1.8p23 }
  @inlinable static var bias: Int { S.significandBitCount > 30 ? 1023 : 127 }
  @inlinable static var mantissaBits: Int { S.significandBitCount > 30 ? 52 : 23 }
  /// The first of the two scaling steps of `scaleDown` (keeps the product normal).
  @inlinable static var firstStep: S { S.significandBitCount > 30 ? -1000 : -100 }
}
