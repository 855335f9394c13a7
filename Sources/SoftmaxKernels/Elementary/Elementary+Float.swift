// Float lanes: division-free exp and log, minimax polynomials in Estrin form (see `Elementary`).

extension Elementary {
  // exp: ln2 in two parts (fdlibm's e_expf.c: k * ln2Hi is exact for |k| < 2^8).
  @usableFromInline static let fLn2Hi: Float = 0x1.62e400p-1  // 0x3f317200
  @usableFromInline static let fLn2Lo: Float = 0x1.7f7d1cp-20  // 0x35bfbe8e
  @usableFromInline static let fInvLn2: Float = 0x1.715476p+0  // 0x3fb8aa3b
  // e^r = 1 + r + r^2 (E2 + E3 r + ... + E6 r^4) on |r| <= ln2/2 + 1e-4: minimax relative error,
  // 2^-28.0 with the coefficients rounded to Float (scripts/fit-elementary.py).
  @usableFromInline static let fE2: Float = 0x1.fffffcp-2
  @usableFromInline static let fE3: Float = 0x1.555492p-3
  @usableFromInline static let fE4: Float = 0x1.5558f2p-5
  @usableFromInline static let fE5: Float = 0x1.1239dap-7
  @usableFromInline static let fE6: Float = 0x1.6a2444p-10
  // log: ln2 in two parts (fdlibm's e_logf.c).
  @usableFromInline static let fLogLn2Hi: Float = 0x1.62e300p-1  // 0x3f317180
  @usableFromInline static let fLogLn2Lo: Float = 0x1.2fefa2p-17  // 0x3717f7d1
  // log(1 + f) = f - f^2/2 + f^3 (L0 + L1 f + ... + L7 f^7) on [sqrt(1/2) - 1, sqrt(2) - 1]:
  // minimax, error 2^-27.0 relative to log(1 + f) with the coefficients rounded to Float
  // (scripts/fit-elementary.py).
  @usableFromInline static let fL0: Float = 0x1.555554p-2
  @usableFromInline static let fL1: Float = -0x1.000226p-2
  @usableFromInline static let fL2: Float = 0x1.999ffep-3
  @usableFromInline static let fL3: Float = -0x1.5472a2p-3
  @usableFromInline static let fL4: Float = 0x1.22db5ep-3
  @usableFromInline static let fL5: Float = -0x1.0d82cep-3
  @usableFromInline static let fL6: Float = 0x1.0550b0p-3
  @usableFromInline static let fL7: Float = -0x1.38a748p-4

  /// e^x on Float lanes. Max error measured over every Float: see `Elementary`.
  @inlinable @inline(__always)
  public static func exp<V: ComputeVector>(_ x: V) -> V where V.Scalar == Float {
    typealias I = V.MaskStorage
    func c(_ s: Float) -> V { V(repeating: s) }
    // Clamping keeps k in [-150, 128]; IEEE arithmetic then gives inf above 88.72 and 0 below
    // -103.97. NaN passes (NaN > 89 is false).
    var a = x.replacing(with: c(89), where: x .> c(89))
    a = a.replacing(with: c(-104), where: a .< c(-104))
    // k = round(a / ln2) lands in t's low bits: bits(t) = 0x4b4000fe + k, the shifter being
    // 1.5 * 2^23 + 254 so that the scale factors below need no bias added.
    let shifter = c(0x1.8001fcp23)
    let t = a * c(fInvLn2) + shifter
    let k = t - shifter
    let hi = a - k * c(fLn2Hi)  // exact
    let lo = k * c(fLn2Lo)
    let r = hi - lo
    let r2 = r * r
    let r4 = r2 * r2
    let p = r2 * (c(fE2) + r * c(fE3)) + r4 * ((c(fE4) + r * c(fE5)) + r2 * c(fE6))
    let y = c(1) + (hi - (lo - p))
    // y 2^k = (y 2^k1) 2^k2 with k1 = floor(k/2), k2 = k - k1, both in [-75, 64]: the first product
    // is exact, the second rounds once (also into the subnormals).
    // (0x4b4000fe + k) >> 1 = 0x25a0007f + k1, and the 0x25a00000 part leaves when shifted by 23.
    let ti = unsafeBitCast(t, to: I.self)
    let h = ti &>> 1
    let s1 = unsafeBitCast(h &<< 23, to: V.self)
    let s2 = unsafeBitCast((ti &- h) &<< 23, to: V.self)
    return y * s1 * s2
  }

  /// log(u) + correction, the shared body of log and log1p (u > 0 finite lanes are exact; the
  /// caller fixes special lanes).
  @inlinable @inline(__always)
  static func logCore<V: ComputeVector>(_ u: V, correction: V) -> V where V.Scalar == Float {
    typealias I = V.MaskStorage
    func c(_ s: Float) -> V { V(repeating: s) }
    // Subnormal u: times 2^25 (exact), and 25 taken off the exponent bits again.
    let q = unsafeBitCast(u .< c(Float.leastNormalMagnitude), to: I.self) & I(repeating: 25 << 23)
    let scaled = u * unsafeBitCast(q &+ I(repeating: 0x3f80_0000), to: V.self)
    // Reduce to 1 + f in [sqrt(1/2), sqrt(2)): musl's trick on the bits (0x3f3504f3 = sqrt(1/2)).
    var ix = unsafeBitCast(scaled, to: I.self) &+ I(repeating: 0x3f80_0000 - 0x3f35_04f3) &- q
    let k = (ix &>> 23) &- 0x7f
    ix = (ix & 0x007f_ffff) &+ 0x3f35_04f3
    let f = unsafeBitCast(ix, to: V.self) - c(1)  // exact
    // Float(k) for |k| < 2^22 without a conversion instruction.
    let dk = unsafeBitCast(k &+ 0x4b40_0000, to: V.self) - c(0x1.8p23)
    let f2 = f * f
    let f4 = f2 * f2
    let hfsq = c(0.5) * f2
    let p = ((c(fL0) + f * c(fL1)) + f2 * (c(fL2) + f * c(fL3)))
      + f4 * ((c(fL4) + f * c(fL5)) + f2 * (c(fL6) + f * c(fL7)))
    let r = (f2 * f) * p
    // fdlibm's order of summation: k ln2Hi is exact and added last.
    return dk * c(fLogLn2Hi) - ((hfsq - (r + (dk * c(fLogLn2Lo) + correction))) - f)
  }

  /// log(x) on Float lanes.
  @inlinable @inline(__always)
  public static func log<V: ComputeVector>(_ x: V) -> V where V.Scalar == Float {
    typealias I = V.MaskStorage
    func c(_ s: Float) -> V { V(repeating: s) }
    var r = logCore(x, correction: c(0))
    // max(r, x - greatest): +inf for x = +inf, NaN for NaN (r > NaN is false), r for every other
    // x (x - greatest is 0 or at most -2^104, and r > -104).
    let s = x - c(.greatestFiniteMagnitude)
    r = s.replacing(with: r, where: r .> s)
    // x < 0 (-inf included): all bits set, a NaN.
    r = unsafeBitCast(unsafeBitCast(r, to: I.self) | unsafeBitCast(x .< c(0), to: I.self), to: V.self)
    return r.replacing(with: c(-.infinity), where: x .== c(0))
  }

  /// log(1 + x) on Float lanes.
  @inlinable @inline(__always)
  public static func log1p<V: ComputeVector>(_ x: V) -> V where V.Scalar == Float {
    typealias I = V.MaskStorage
    func c(_ s: Float) -> V { V(repeating: s) }
    // u + e = 1 + x exactly (TwoSum).
    let u = c(1) + x
    let bb = u - c(1)
    let e = (c(1) - (u - bb)) + (x - bb)
    var r = logCore(u, correction: e / u)
    let s = x - c(.greatestFiniteMagnitude)
    r = s.replacing(with: r, where: r .> s)  // +inf, NaN
    r = unsafeBitCast(unsafeBitCast(r, to: I.self) | unsafeBitCast(x .< c(-1), to: I.self), to: V.self)
    r = r.replacing(with: x, where: x .== c(0))  // +-0
    return r.replacing(with: c(-.infinity), where: x .== c(-1))
  }
}
