import SoftmaxSpec

extension KernelKind {
  /// The variants with a kernel of this kind: the SIMD kernels implement every variant; the
  /// scalar textbook kernels implement naive, shifted and fused.
  public var variants: [Variant] {
    switch self {
    case .simd: return SIMDKernels.variants
    case .textbook: return Textbook.variants
    }
  }

  /// The variants run when none are named: those with a kernel of at least one of `kinds`, in
  /// `Variant.allCases` order.
  public static func defaultVariants(_ kinds: [KernelKind]) -> [Variant] {
    Variant.allCases.filter { v in kinds.contains { $0.variants.contains(v) } }
  }
}
