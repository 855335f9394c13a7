/// The SIMD vectors the kernels compute in, with their arithmetic and comparisons as protocol
/// requirements.
///
/// Why: in generic code, `a + b` or `a .> b` on a `SIMD` type binds to the standard library's
/// generic implementations (a loop over lanes), whatever the type is later specialized to; the
/// comparisons in particular stayed scalar (measured here: a generic SIMD16<Float> exp ran at
/// 0.039 G elements/s, the same code at 0.62 through these requirements). A requirement is
/// satisfied by the concrete type's own vector operators, so specialized generic code gets them.
/// Kernel code also avoids the (vector, scalar) operator forms and mask combinators, which are
/// generic too: it compares against splatted vectors and selects with `replacing(with:where:)`.
public protocol ComputeVector: SIMD where Scalar: BinaryFloatingPoint {
  static func + (a: Self, b: Self) -> Self
  static func - (a: Self, b: Self) -> Self
  static func * (a: Self, b: Self) -> Self
  static func / (a: Self, b: Self) -> Self
  static prefix func - (a: Self) -> Self
  static func .> (a: Self, b: Self) -> SIMDMask<MaskStorage>
  static func .< (a: Self, b: Self) -> SIMDMask<MaskStorage>
  static func .>= (a: Self, b: Self) -> SIMDMask<MaskStorage>
  static func .== (a: Self, b: Self) -> SIMDMask<MaskStorage>
  static func .!= (a: Self, b: Self) -> SIMDMask<MaskStorage>
  func replacing(with other: Self, where mask: SIMDMask<MaskStorage>) -> Self
}

extension SIMD16: ComputeVector where Scalar == Float {}
extension SIMD8: ComputeVector where Scalar == Double {}
