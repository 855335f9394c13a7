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
  public static func exp<V: ComputeVector>(_ x: V) -> V where V.Scalar == Float {
    func c(_ s: Float) -> V { V(repeating: s) }
    // Clamping keeps k in range; IEEE arithmetic then gives inf above 88.72 and 0 below -103.97.
    var a = x.replacing(with: c(89), where: x .> c(89))
    a = a.replacing(with: c(-104), where: a .< c(-104))
    let shifter = c(0x1.8p23)
    let t = a * c(fInvLn2) + shifter  // k = round(a / ln2) sits in t's low bits
    let k = t - shifter
    let hi = a - k * c(fLn2Hi)
    let lo = k * c(fLn2Lo)
    let r = hi - lo
    let rr = r * r
    let q = r - rr * (c(fP1) + rr * c(fP2))
    let y = c(1) + ((r * q) / (c(2) - q) - lo + hi)
    let ki = unsafeBitCast(t, to: V.MaskStorage.self) &- unsafeBitCast(shifter, to: V.MaskStorage.self)
    let k1 = ki &>> 1, k2 = ki &- k1
    let s1 = unsafeBitCast((k1 &+ 127) &<< 23, to: V.self)
    let s2 = unsafeBitCast((k2 &+ 127) &<< 23, to: V.self)
    return y * s1 * s2
  }

  /// log(u) + correction, the shared body of log and log1p (u > 0 finite lanes are exact; the
  /// caller fixes special lanes).
  @inlinable @inline(__always)
  static func logCore<V: ComputeVector>(_ u: V, correction: V) -> V where V.Scalar == Float {
    typealias I = V.MaskStorage
    func c(_ s: Float) -> V { V(repeating: s) }
    let subnormal = u .< c(Float.leastNormalMagnitude)
    let scaled = u.replacing(with: u * c(0x1p25), where: subnormal)
    var ix = unsafeBitCast(scaled, to: I.self)
    // Reduce to 1 + f in [sqrt(1/2), sqrt(2)): musl's trick on the bits (0x3f3504f3 = sqrt(1/2)).
    ix = ix &+ I(repeating: 0x3f80_0000 - 0x3f35_04f3)
    var k = (ix &>> 23) &- 0x7f
    k = k &- (unsafeBitCast(subnormal, to: I.self) & 25)  // the mask's lanes are all ones or zero
    ix = (ix & 0x007f_ffff) &+ 0x3f35_04f3
    let f = unsafeBitCast(ix, to: V.self) - c(1)
    // Float(k) for |k| < 2^22 without a conversion instruction.
    let dk = unsafeBitCast(k &+ 0x4b40_0000, to: V.self) - c(0x1.8p23)
    let s = f / (c(2) + f)
    let z = s * s, w = z * z
    let t1 = w * (c(fLg2) + w * c(fLg4))
    let t2 = z * (c(fLg1) + w * c(fLg3))
    let R = t2 + t1
    let hfsq = c(0.5) * f * f
    return dk * c(fLogLn2Hi) - ((hfsq - (s * (hfsq + R) + (dk * c(fLogLn2Lo) + correction))) - f)
  }

  /// log(x) on Float lanes.
  @inlinable @inline(__always)
  public static func log<V: ComputeVector>(_ x: V) -> V where V.Scalar == Float {
    func c(_ s: Float) -> V { V(repeating: s) }
    var r = logCore(x, correction: c(0))
    r = r.replacing(with: x, where: x .== c(.infinity))
    r = r.replacing(with: x, where: x .!= x)  // NaN
    r = r.replacing(with: c(.nan), where: x .< c(0))
    return r.replacing(with: c(-.infinity), where: x .== c(0))
  }

  /// log(1 + x) on Float lanes.
  @inlinable @inline(__always)
  public static func log1p<V: ComputeVector>(_ x: V) -> V where V.Scalar == Float {
    func c(_ s: Float) -> V { V(repeating: s) }
    // u + e = 1 + x exactly (TwoSum).
    let u = c(1) + x
    let bb = u - c(1)
    let e = (c(1) - (u - bb)) + (x - bb)
    var r = logCore(u, correction: e / u)
    r = r.replacing(with: x, where: x .== c(.infinity))
    r = r.replacing(with: x, where: x .!= x)  // NaN
    r = r.replacing(with: x, where: x .== c(0))  // +-0
    r = r.replacing(with: c(.nan), where: x .< c(-1))
    return r.replacing(with: c(-.infinity), where: x .== c(-1))
  }
}
