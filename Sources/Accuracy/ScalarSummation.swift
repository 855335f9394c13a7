/// How a sum of many values is accumulated (the reduction of a batch loss, the study of
/// reports/training.md).
public enum ScalarSummation: String, CaseIterable, Sendable, Codable {
  /// s = s + x_i, left to right: error up to (n - 1) u sum|x_i|, typically sqrt(n) u; a sum that
  /// outgrows the terms stagnates (x_i < ulp(s) / 2 adds nothing).
  case sequential
  /// Halves summed recursively, blocks of at most 8 left to right: ceil(log2 n) u sum|x_i|.
  case pairwise
  /// Neumaier's compensated sum (Kahan-Babuska): O(u) independent of n while the sum is finite.
  case compensated

  /// The sum of `values` (values of `arithmetic`'s format) in `arithmetic`.
  public func sum(_ values: [Double], in arithmetic: Arithmetic) -> Double {
    values.withUnsafeBufferPointer { sum($0, arithmetic) }
  }

  func sum(_ x: UnsafeBufferPointer<Double>, _ a: Arithmetic) -> Double {
    switch self {
    case .sequential:
      return x.reduce(0.0) { a.add($0, $1) }
    case .pairwise:
      if x.count <= 8 { return ScalarSummation.sequential.sum(x, a) }
      let half = x.count / 2
      return a.add(sum(UnsafeBufferPointer(rebasing: x[..<half]), a), sum(UnsafeBufferPointer(rebasing: x[half...]), a))
    case .compensated:
      var s = 0.0, c = 0.0
      for v in x {
        let t = a.add(s, v)
        guard t.isFinite else {
          // An infinite or NaN sum stays what it is; the compensation has nothing to say.
          s = t
          c = 0
          continue
        }
        c = a.add(c, abs(s) >= abs(v) ? a.add(a.subtract(s, t), v) : a.add(a.subtract(v, t), s))
        s = t
      }
      return s.isFinite ? a.add(s, c) : s
    }
  }
}
