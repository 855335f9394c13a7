// Float16 lanes: computed in Float lanes, rounded once to Float16.

extension Elementary {
  @inlinable @inline(__always)
  public static func exp(_ x: SIMD16<Float16>) -> SIMD16<Float16> { SIMD16<Float16>(exp(SIMD16<Float>(x))) }

  @inlinable @inline(__always)
  public static func log(_ x: SIMD16<Float16>) -> SIMD16<Float16> { SIMD16<Float16>(log(SIMD16<Float>(x))) }

  @inlinable @inline(__always)
  public static func log1p(_ x: SIMD16<Float16>) -> SIMD16<Float16> { SIMD16<Float16>(log1p(SIMD16<Float>(x))) }
}
