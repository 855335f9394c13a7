import SoftmaxSpec

/// How a kernel adds its exponentials (a visible choice of every kernel):
/// - `sequential`: left to right, one scalar accumulator (recursive summation, error <= (n-1) u sum);
/// - `laneParallel`: one accumulator per SIMD lane, lanes added left to right at the end (the SIMD
///   default; about (n/W + W) u sum);
/// - `pairwise`: blocks of 16 vectors summed lane-parallel, blocks combined by recursive halving
///   (<= ceil(log2 n) u sum);
/// - `compensated`: Neumaier's compensated summation per lane, the lanes combined the same way
///   (O(u) independent of n).
public enum SIMDSummation: String, CaseIterable, Sendable, Codable {
  case sequential
  case laneParallel = "lane-parallel"
  case pairwise
  case compensated

  /// The summation a variant uses unless told otherwise: `accurate` needs `compensated`.
  public static func `default`(for variant: Variant) -> SIMDSummation {
    variant == .accurate ? .compensated : .laneParallel
  }
}
