// Double lanes: division-free exp and log, minimax polynomials in Estrin form (see `Elementary`).

extension Elementary {
  // ln2 in two parts (fdlibm's e_exp.c and e_log.c: k * ln2Hi is exact for |k| < 2^11).
  @usableFromInline static let dLn2Hi: Double = 6.93147180369123816490e-01  // 0x3fe62e42 fee00000
  @usableFromInline static let dLn2Lo: Double = 1.90821492927058770002e-10  // 0x3dea39ef 35793c76
  @usableFromInline static let dInvLn2: Double = 1.44269504088896338700e+00
  // e^r = 1 + r + r^2 (E2 + E3 r + ... + E11 r^9) on |r| <= ln2/2 + 1e-6: minimax relative error,
  // 2^-56.2 with the coefficients rounded to Double (scripts/fit-elementary.py).
  @usableFromInline static let dE2: Double = 0x1.000000000000ap-1
  @usableFromInline static let dE3: Double = 0x1.55555555554fap-3
  @usableFromInline static let dE4: Double = 0x1.55555555508bfp-5
  @usableFromInline static let dE5: Double = 0x1.1111111127aaap-7
  @usableFromInline static let dE6: Double = 0x1.6c16c1841a5a0p-10
  @usableFromInline static let dE7: Double = 0x1.a01a012aa4091p-13
  @usableFromInline static let dE8: Double = 0x1.a0199a399b4fap-16
  @usableFromInline static let dE9: Double = 0x1.71df24ede3960p-19
  @usableFromInline static let dE10: Double = 0x1.28ad46f47b562p-22
  @usableFromInline static let dE11: Double = 0x1.ad7f9c796cb62p-26
  // log(1 + f) = f - f^2/2 + f^3 (L0 + L1 f + ... + L18 f^18) on [sqrt(1/2) - 1, sqrt(2) - 1]:
  // minimax, error 2^-56.1 relative to log(1 + f) with the coefficients rounded to Double
  // (scripts/fit-elementary.py).
  @usableFromInline static let dL0: Double = 0x1.5555555555533p-2
  @usableFromInline static let dL1: Double = -0x1.fffffffffef31p-3
  @usableFromInline static let dL2: Double = 0x1.999999999f73fp-3
  @usableFromInline static let dL3: Double = -0x1.555555566995cp-3
  @usableFromInline static let dL4: Double = 0x1.24924922a282dp-3
  @usableFromInline static let dL5: Double = -0x1.ffffff2d08e60p-4
  @usableFromInline static let dL6: Double = 0x1.c71c71e1fa101p-4
  @usableFromInline static let dL7: Double = -0x1.9999c23f7c511p-4
  @usableFromInline static let dL8: Double = 0x1.745d3eae6186dp-4
  @usableFromInline static let dL9: Double = -0x1.5550f2225b2fcp-4
  @usableFromInline static let dL10: Double = 0x1.3b0b9555001e6p-4
  @usableFromInline static let dL11: Double = -0x1.24d727085b8a2p-4
  @usableFromInline static let dL12: Double = 0x1.11cc4a0df1279p-4
  @usableFromInline static let dL13: Double = -0x1.fba2d3be01708p-5
  @usableFromInline static let dL14: Double = 0x1.d064f5df5e985p-5
  @usableFromInline static let dL15: Double = -0x1.d126a1befbb8ap-5
  @usableFromInline static let dL16: Double = 0x1.0a5402a8b82d9p-4
  @usableFromInline static let dL17: Double = -0x1.e9d4787200584p-5
  @usableFromInline static let dL18: Double = 0x1.ac491f57e2092p-6

  /// e^x on Double lanes.
  @inlinable @inline(__always)
  public static func exp<V: ComputeVector>(_ x: V) -> V where V.Scalar == Double {
    typealias I = V.MaskStorage
    func c(_ s: Double) -> V { V(repeating: s) }
    // Clamping keeps k in [-1077, 1025]; IEEE arithmetic then gives inf and 0 past the thresholds.
    var a = x.replacing(with: c(710), where: x .> c(710))
    a = a.replacing(with: c(-746), where: a .< c(-746))
    // bits(t) = 0x4338_0000_0000_07fe + k (the shifter is 1.5 * 2^52 + 2046).
    let shifter = c(0x1.80000000007fep52)
    let t = a * c(dInvLn2) + shifter
    let k = t - shifter
    let hi = a - k * c(dLn2Hi)  // exact
    let lo = k * c(dLn2Lo)
    let r = hi - lo
    let r2 = r * r, r4 = r2 * r2
    let q01 = c(dE2) + r * c(dE3), q23 = c(dE4) + r * c(dE5), q45 = c(dE6) + r * c(dE7)
    let q67 = c(dE8) + r * c(dE9), q89 = c(dE10) + r * c(dE11)
    let q = (q01 + r2 * q23) + r4 * ((q45 + r2 * q67) + r4 * q89)
    // 1 + hi = s + e exactly (Fast2Sum, |hi| < 1), beside the polynomial; one rounding at the end.
    let s = c(1) + hi
    let e = (c(1) - s) + hi
    let y = s + ((e - lo) + r2 * q)
    // y 2^k = (y 2^k1) 2^k2, k1 = floor(k/2), k2 = k - k1: exact, then one rounding.
    let ti = unsafeBitCast(t, to: I.self)
    let h = ti &>> 1
    let s1 = unsafeBitCast(h &<< 52, to: V.self)
    let s2 = unsafeBitCast((ti &- h) &<< 52, to: V.self)
    return y * s1 * s2
  }

  /// log(u) + correction, the shared body of log and log1p.
  @inlinable @inline(__always)
  static func logCore<V: ComputeVector>(_ u: V, correction: V) -> V where V.Scalar == Double {
    typealias I = V.MaskStorage
    func c(_ s: Double) -> V { V(repeating: s) }
    // Subnormal u: times 2^54 (exact), and 54 taken off the exponent bits again.
    let q = unsafeBitCast(u .< c(Double.leastNormalMagnitude), to: I.self) & I(repeating: 54 << 52)
    let scaled = u * unsafeBitCast(q &+ I(repeating: 0x3ff0_0000_0000_0000), to: V.self)
    // 0x3fe6a09e667f3bcd = sqrt(1/2).
    var ix = unsafeBitCast(scaled, to: I.self) &+ I(repeating: 0x3ff0_0000_0000_0000 - 0x3fe6_a09e_667f_3bcd) &- q
    let k = (ix &>> 52) &- 0x3ff
    ix = (ix & 0x000f_ffff_ffff_ffff) &+ 0x3fe6_a09e_667f_3bcd
    let f = unsafeBitCast(ix, to: V.self) - c(1)  // exact
    let dk = unsafeBitCast(k &+ 0x4338_0000_0000_0000, to: V.self) - c(0x1.8p52)
    let f2 = f * f, f4 = f2 * f2, f8 = f4 * f4, f16 = f8 * f8
    let p0 = c(dL0) + f * c(dL1), p1 = c(dL2) + f * c(dL3), p2 = c(dL4) + f * c(dL5)
    let p3 = c(dL6) + f * c(dL7), p4 = c(dL8) + f * c(dL9), p5 = c(dL10) + f * c(dL11)
    let p6 = c(dL12) + f * c(dL13), p7 = c(dL14) + f * c(dL15), p8 = c(dL16) + f * c(dL17)
    let q0 = p0 + f2 * p1, q1 = p2 + f2 * p3, q2 = p4 + f2 * p5, q3 = p6 + f2 * p7
    let q4 = p8 + f2 * c(dL18)
    let s0 = q0 + f4 * q1, s1 = q2 + f4 * q3
    let p = (s0 + f8 * s1) + f16 * q4
    let hfsq = c(0.5) * f2
    let r = (f2 * f) * p
    return dk * c(dLn2Hi) - ((hfsq - (r + (dk * c(dLn2Lo) + correction))) - f)
  }

  /// log(x) on Double lanes.
  @inlinable @inline(__always)
  public static func log<V: ComputeVector>(_ x: V) -> V where V.Scalar == Double {
    typealias I = V.MaskStorage
    func c(_ s: Double) -> V { V(repeating: s) }
    var r = logCore(x, correction: c(0))
    let s = x - c(.greatestFiniteMagnitude)
    r = s.replacing(with: r, where: r .> s)  // +inf, NaN (as for Float lanes)
    r = unsafeBitCast(unsafeBitCast(r, to: I.self) | unsafeBitCast(x .< c(0), to: I.self), to: V.self)
    return r.replacing(with: c(-.infinity), where: x .== c(0))
  }

  /// log(1 + x) on Double lanes.
  @inlinable @inline(__always)
  public static func log1p<V: ComputeVector>(_ x: V) -> V where V.Scalar == Double {
    typealias I = V.MaskStorage
    func c(_ s: Double) -> V { V(repeating: s) }
    let u = c(1) + x
    let bb = u - c(1)
    let e = (c(1) - (u - bb)) + (x - bb)
    var r = logCore(u, correction: e / u)
    let s = x - c(.greatestFiniteMagnitude)
    r = s.replacing(with: r, where: r .> s)
    r = unsafeBitCast(unsafeBitCast(r, to: I.self) | unsafeBitCast(x .< c(-1), to: I.self), to: V.self)
    r = r.replacing(with: x, where: x .== c(0))
    return r.replacing(with: c(-.infinity), where: x .== c(-1))
  }
}
