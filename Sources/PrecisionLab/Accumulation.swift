import SoftmaxSpec

/// Arithmetic of one format, carried in Doubles: each operation is done in Double and rounded to
/// the format. For float16 and float32 that is the correctly rounded operation of the format
/// (Double has p' = 53 >= 2p + 2 bits, so rounding twice is harmless for + - * /; Figueroa 1995),
/// so this emulates float16 and float32 arithmetic exactly, on any machine.
public struct Arithmetic: Sendable {
  public let format: Format
  public init(_ format: Format) { self.format = format }

  public func add(_ a: Double, _ b: Double) -> Double { format.round(a + b) }
  public func subtract(_ a: Double, _ b: Double) -> Double { format.round(a - b) }
  public func multiply(_ a: Double, _ b: Double) -> Double { format.round(a * b) }
  public func divide(_ a: Double, _ b: Double) -> Double { format.round(a / b) }
}

/// How a sum of many values is accumulated (the reduction of a batch loss, the study of
/// reports/training.md).
public enum Accumulation: String, CaseIterable, Sendable, Codable {
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
      if x.count <= 8 { return Accumulation.sequential.sum(x, a) }
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
