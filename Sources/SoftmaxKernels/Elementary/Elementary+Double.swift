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
  public static func exp<V: SIMD>(_ x: V) -> V where V.Scalar == Double {
    var a = x.replacing(with: 710, where: x .> 710)
    a = a.replacing(with: -746, where: a .< -746)
    let shifter: Double = 0x1.8p52
    let t = a * dInvLn2 + shifter
    let k = t - shifter
    let hi = a - k * dLn2Hi
    let lo = k * dLn2Lo
    let r = hi - lo
    let rr = r * r
    let c = r - rr * (dP1 + rr * (dP2 + rr * (dP3 + rr * (dP4 + rr * dP5))))
    let y = 1 + ((r * c) / (2 - c) - lo + hi)
    let ki = unsafeBitCast(t, to: V.MaskStorage.self) &- unsafeBitCast(V(repeating: shifter), to: V.MaskStorage.self)
    let k1 = ki &>> 1, k2 = ki &- k1
    let s1 = unsafeBitCast((k1 &+ 1023) &<< 52, to: V.self)
    let s2 = unsafeBitCast((k2 &+ 1023) &<< 52, to: V.self)
    return y * s1 * s2
  }

  @inlinable @inline(__always)
  static func logCore<V: SIMD>(_ u: V, correction: V) -> V where V.Scalar == Double {
    typealias I = V.MaskStorage
    let subnormal = u .< Double.leastNormalMagnitude
    let scaled = u.replacing(with: u * 0x1p54, where: subnormal)
    var ix = unsafeBitCast(scaled, to: I.self)
    // 0x3fe6a09e667f3bcd = sqrt(1/2).
    ix = ix &+ I(repeating: 0x3ff0_0000_0000_0000 - 0x3fe6_a09e_667f_3bcd)
    var k = (ix &>> 52) &- 0x3ff
    k = k &- (unsafeBitCast(subnormal, to: I.self) & 54)  // the mask's lanes are all ones or zero
    ix = (ix & 0x000f_ffff_ffff_ffff) &+ 0x3fe6_a09e_667f_3bcd
    let f = unsafeBitCast(ix, to: V.self) - 1
    let dk = unsafeBitCast(k &+ 0x4338_0000_0000_0000, to: V.self) - 0x1.8p52
    let s = f / (2 + f)
    let z = s * s, w = z * z
    let t1 = w * (dLg2 + w * (dLg4 + w * dLg6))
    let t2 = z * (dLg1 + w * (dLg3 + w * (dLg5 + w * dLg7)))
    let R = t2 + t1
    let hfsq = 0.5 * f * f
    return dk * dLn2Hi - ((hfsq - (s * (hfsq + R) + (dk * dLn2Lo + correction))) - f)
  }

  /// log(x) on Double lanes.
  @inlinable @inline(__always)
  public static func log<V: SIMD>(_ x: V) -> V where V.Scalar == Double {
    var r = logCore(x, correction: V(repeating: 0))
    r = r.replacing(with: x, where: .!(x .< .infinity))
    r = r.replacing(with: .nan, where: x .< 0)
    return r.replacing(with: -.infinity, where: x .== 0)
  }

  /// log(1 + x) on Double lanes.
  @inlinable @inline(__always)
  public static func log1p<V: SIMD>(_ x: V) -> V where V.Scalar == Double {
    let u = 1 + x
    let bb = u - 1
    let c = (1 - (u - bb)) + (x - bb)
    var r = logCore(u, correction: c / u)
    r = r.replacing(with: x, where: .!(x .< .infinity) .| (x .== 0))
    r = r.replacing(with: .nan, where: x .< -1)
    return r.replacing(with: -.infinity, where: x .== -1)
  }
}
