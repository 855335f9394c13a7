// Float lanes: fdlibm's e_expf.c and e_logf.c (FreeBSD msun), vectorized.

extension Elementary {
  // exp: ln2 in two parts (k * ln2Hi is exact for |k| < 2^8), minimax P on [-0.34568, 0.34568].
  @usableFromInline static let fLn2Hi: Float = 0x1.62e400p-1  // 0x3f317200
  @usableFromInline static let fLn2Lo: Float = 0x1.7f7d1cp-20  // 0x35bfbe8e
  @usableFromInline static let fInvLn2: Float = 0x1.715476p+0  // 0x3fb8aa3b
  @usableFromInline static let fP1: Float = 0xaaaa8f.0p-26
  @usableFromInline static let fP2: Float = -0xb55215.0p-32
  // log: ln2 in two parts, Lg polynomial with |(log(1+s)-log(1-s))/s - Lg(s)| < 2^-34.24.
  @usableFromInline static let fLogLn2Hi: Float = 0x1.62e300p-1  // 0x3f317180
  @usableFromInline static let fLogLn2Lo: Float = 0x1.2fefa2p-17  // 0x3717f7d1
  @usableFromInline static let fLg1: Float = 0xaaaaaa.0p-24
  @usableFromInline static let fLg2: Float = 0xccce13.0p-25
  @usableFromInline static let fLg3: Float = 0x91e9ee.0p-25
  @usableFromInline static let fLg4: Float = 0xf89e26.0p-26

  /// e^x on Float lanes. Max error measured over every Float: see `Elementary`.
  @inlinable @inline(__always)
  public static func exp<V: SIMD>(_ x: V) -> V where V.Scalar == Float {
    // Clamping keeps k in range; IEEE arithmetic then gives inf above 88.72 and 0 below -103.97.
    var a = x.replacing(with: 89, where: x .> 89)
    a = a.replacing(with: -104, where: a .< -104)
    let shifter: Float = 0x1.8p23
    let t = a * fInvLn2 + shifter  // k = round(a / ln2) sits in t's low bits
    let k = t - shifter
    let hi = a - k * fLn2Hi
    let lo = k * fLn2Lo
    let r = hi - lo
    let rr = r * r
    let c = r - rr * (fP1 + rr * fP2)
    let y = 1 + ((r * c) / (2 - c) - lo + hi)
    let ki = unsafeBitCast(t, to: V.MaskStorage.self) &- unsafeBitCast(V(repeating: shifter), to: V.MaskStorage.self)
    let k1 = ki &>> 1, k2 = ki &- k1
    let s1 = unsafeBitCast((k1 &+ 127) &<< 23, to: V.self)
    let s2 = unsafeBitCast((k2 &+ 127) &<< 23, to: V.self)
    return y * s1 * s2
  }

  /// log(u) + correction, the shared body of log and log1p (u > 0 finite lanes are exact; the
  /// caller fixes special lanes).
  @inlinable @inline(__always)
  static func logCore<V: SIMD>(_ u: V, correction: V) -> V where V.Scalar == Float {
    typealias I = V.MaskStorage
    let subnormal = u .< Float.leastNormalMagnitude
    let scaled = u.replacing(with: u * 0x1p25, where: subnormal)
    var ix = unsafeBitCast(scaled, to: I.self)
    // Reduce to 1 + f in [sqrt(1/2), sqrt(2)): musl's trick on the bits (0x3f3504f3 = sqrt(1/2)).
    ix = ix &+ I(repeating: 0x3f80_0000 - 0x3f35_04f3)
    var k = (ix &>> 23) &- 0x7f
    k = k &- (unsafeBitCast(subnormal, to: I.self) & 25)  // the mask's lanes are all ones or zero
    ix = (ix & 0x007f_ffff) &+ 0x3f35_04f3
    let f = unsafeBitCast(ix, to: V.self) - 1
    // Float(k) for |k| < 2^22 without a conversion instruction.
    let dk = unsafeBitCast(k &+ 0x4b40_0000, to: V.self) - 0x1.8p23
    let s = f / (2 + f)
    let z = s * s, w = z * z
    let t1 = w * (fLg2 + w * fLg4)
    let t2 = z * (fLg1 + w * fLg3)
    let R = t2 + t1
    let hfsq = 0.5 * f * f
    return dk * fLogLn2Hi - ((hfsq - (s * (hfsq + R) + (dk * fLogLn2Lo + correction))) - f)
  }

  /// log(x) on Float lanes.
  @inlinable @inline(__always)
  public static func log<V: SIMD>(_ x: V) -> V where V.Scalar == Float {
    var r = logCore(x, correction: V(repeating: 0))
    r = r.replacing(with: x, where: .!(x .< .infinity))  // +inf and NaN
    r = r.replacing(with: .nan, where: x .< 0)
    return r.replacing(with: -.infinity, where: x .== 0)
  }

  /// log(1 + x) on Float lanes.
  @inlinable @inline(__always)
  public static func log1p<V: SIMD>(_ x: V) -> V where V.Scalar == Float {
    // u + c = 1 + x exactly (TwoSum).
    let u = 1 + x
    let bb = u - 1
    let c = (1 - (u - bb)) + (x - bb)
    var r = logCore(u, correction: c / u)
    r = r.replacing(with: x, where: .!(x .< .infinity) .| (x .== 0))  // +inf, NaN, +-0
    r = r.replacing(with: .nan, where: x .< -1)
    return r.replacing(with: -.infinity, where: x .== -1)
  }
}
