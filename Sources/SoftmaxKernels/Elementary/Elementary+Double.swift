// Double lanes: fdlibm's e_exp.c and e_log.c (FreeBSD msun), vectorized.

extension Elementary {
  @usableFromInline static let dLn2Hi: Double = 6.93147180369123816490e-01  // 0x3fe62e42 fee00000
  @usableFromInline static let dLn2Lo: Double = 1.90821492927058770002e-10  // 0x3dea39ef 35793c76
  @usableFromInline static let dInvLn2: Double = 1.44269504088896338700e+00
  @usableFromInline static let dP1: Double = 1.66666666666666019037e-01
  @usableFromInline static let dP2: Double = -2.77777777770155933842e-03
  @usableFromInline static let dP3: Double = 6.61375632143793436117e-05
  @usableFromInline static let dP4: Double = -1.65339022054652515390e-06
  @usableFromInline static let dP5: Double = 4.13813679705723846039e-08
  @usableFromInline static let dLg1: Double = 6.666666666666735130e-01
  @usableFromInline static let dLg2: Double = 3.999999999940941908e-01
  @usableFromInline static let dLg3: Double = 2.857142874366239149e-01
  @usableFromInline static let dLg4: Double = 2.222219843214978396e-01
  @usableFromInline static let dLg5: Double = 1.818357216161805012e-01
  @usableFromInline static let dLg6: Double = 1.531383769920937332e-01
  @usableFromInline static let dLg7: Double = 1.479819860511658591e-01

  /// e^x on Double lanes.
  @inlinable @inline(__always)
  public static func exp<V: ComputeVector>(_ x: V) -> V where V.Scalar == Double {
    func c(_ s: Double) -> V { V(repeating: s) }
    var a = x.replacing(with: c(710), where: x .> c(710))
    a = a.replacing(with: c(-746), where: a .< c(-746))
    let shifter = c(0x1.8p52)
    let t = a * c(dInvLn2) + shifter
    let k = t - shifter
    let hi = a - k * c(dLn2Hi)
    let lo = k * c(dLn2Lo)
    let r = hi - lo
    let rr = r * r
    let q = r - rr * (c(dP1) + rr * (c(dP2) + rr * (c(dP3) + rr * (c(dP4) + rr * c(dP5)))))
    let y = c(1) + ((r * q) / (c(2) - q) - lo + hi)
    let ki = unsafeBitCast(t, to: V.MaskStorage.self) &- unsafeBitCast(shifter, to: V.MaskStorage.self)
    let k1 = ki &>> 1, k2 = ki &- k1
    let s1 = unsafeBitCast((k1 &+ 1023) &<< 52, to: V.self)
    let s2 = unsafeBitCast((k2 &+ 1023) &<< 52, to: V.self)
    return y * s1 * s2
  }

  @inlinable @inline(__always)
  static func logCore<V: ComputeVector>(_ u: V, correction: V) -> V where V.Scalar == Double {
    typealias I = V.MaskStorage
    func c(_ s: Double) -> V { V(repeating: s) }
    let subnormal = u .< c(Double.leastNormalMagnitude)
    let scaled = u.replacing(with: u * c(0x1p54), where: subnormal)
    var ix = unsafeBitCast(scaled, to: I.self)
    // 0x3fe6a09e667f3bcd = sqrt(1/2).
    ix = ix &+ I(repeating: 0x3ff0_0000_0000_0000 - 0x3fe6_a09e_667f_3bcd)
    var k = (ix &>> 52) &- 0x3ff
    k = k &- (unsafeBitCast(subnormal, to: I.self) & 54)  // the mask's lanes are all ones or zero
    ix = (ix & 0x000f_ffff_ffff_ffff) &+ 0x3fe6_a09e_667f_3bcd
    let f = unsafeBitCast(ix, to: V.self) - c(1)
    let dk = unsafeBitCast(k &+ 0x4338_0000_0000_0000, to: V.self) - c(0x1.8p52)
    let s = f / (c(2) + f)
    let z = s * s, w = z * z
    let t1 = w * (c(dLg2) + w * (c(dLg4) + w * c(dLg6)))
    let t2 = z * (c(dLg1) + w * (c(dLg3) + w * (c(dLg5) + w * c(dLg7))))
    let R = t2 + t1
    let hfsq = c(0.5) * f * f
    return dk * c(dLn2Hi) - ((hfsq - (s * (hfsq + R) + (dk * c(dLn2Lo) + correction))) - f)
  }

  /// log(x) on Double lanes.
  @inlinable @inline(__always)
  public static func log<V: ComputeVector>(_ x: V) -> V where V.Scalar == Double {
    func c(_ s: Double) -> V { V(repeating: s) }
    var r = logCore(x, correction: c(0))
    r = r.replacing(with: x, where: x .== c(.infinity))
    r = r.replacing(with: x, where: x .!= x)
    r = r.replacing(with: c(.nan), where: x .< c(0))
    return r.replacing(with: c(-.infinity), where: x .== c(0))
  }

  /// log(1 + x) on Double lanes.
  @inlinable @inline(__always)
  public static func log1p<V: ComputeVector>(_ x: V) -> V where V.Scalar == Double {
    func c(_ s: Double) -> V { V(repeating: s) }
    let u = c(1) + x
    let bb = u - c(1)
    let e = (c(1) - (u - bb)) + (x - bb)
    var r = logCore(u, correction: e / u)
    r = r.replacing(with: x, where: x .== c(.infinity))
    r = r.replacing(with: x, where: x .!= x)
    r = r.replacing(with: x, where: x .== c(0))
    r = r.replacing(with: c(.nan), where: x .< c(-1))
    return r.replacing(with: c(-.infinity), where: x .== c(-1))
  }
}
