import Accuracy
import ExactReference
import LabSupport
import SoftmaxKernels
import SoftmaxSpec

/// The batch mean as a precision question of its own: the per-row losses of a large batch, values
/// of the storage format, summed with each accumulation in each accumulator format, against their
/// exact mean. The division by the row count is done once and correctly rounded (in Double, then
/// to the storage format), so what the table shows is the accumulation alone.
public struct ReductionStudy: Sendable {
  public struct Line: Sendable {
    public let storage: Format
    public let accumulator: Format
    public let method: ScalarSummation
    /// The accumulated sum, and the mean RN_storage(sum / count).
    public let sum: Double
    public let mean: Double
    public let measure: Measure
  }

  public let count: Int
  public let classes: Int
  public let seed: UInt64
  /// The exact mean (RN and its ulp) for each storage format.
  public let exact: [Format: ExactValue]
  public let lines: [Line]

  /// Storage and accumulator pairs: float16 values summed in float16, float32, float64; float32
  /// values in float32 and float64.
  public static let pairs: [(Format, Format)] = [(.float16, .float16), (.float16, .float32), (.float16, .float64),
                                                 (.float32, .float32), (.float32, .float64)]

  /// The losses: `count` rows of `classes` N(0, 2^2) logits with a uniform random target, the
  /// cross-entropy computed by the accurate SIMD kernel (wide policy) in `format`.
  public static func losses(count: Int, classes: Int, seed: UInt64, format: Format) -> [Double] {
    var rng = Xoshiro256StarStar(seed: seed)
    var out: [Double] = []
    out.reserveCapacity(count)
    for _ in 0..<count {
      let row = (0..<classes).map { _ in format.round(2 * rng.gaussian()) }
      let t = rng.index(below: classes)
      out.append(SIMDKernels.evaluate(.crossEntropy, .accurate, row: row, format: format, policy: .wide, target: t)![0])
    }
    return out
  }

  public static func run(count: Int = 1_000_000, classes: Int = 10, seed: UInt64 = 1) throws -> ReductionStudy {
    var exact: [Format: ExactValue] = [:]
    var lines: [Line] = []
    for storage in [Format.float16, .float32] {
      let values = losses(count: count, classes: classes, seed: seed, format: storage)
      let v = try BatchReference.mean(of: values, format: storage)
      exact[storage] = v
      for (s, accumulator) in pairs where s == storage {
        for method in ScalarSummation.allCases {
          let sum = method.sum(values, in: Arithmetic(accumulator))
          let mean = storage.round(sum / Double(count))
          lines.append(Line(storage: storage, accumulator: accumulator, method: method, sum: sum, mean: mean,
                            measure: Measures.measure(computed: mean, exact: v)))
        }
      }
    }
    return ReductionStudy(count: count, classes: classes, seed: seed, exact: exact, lines: lines)
  }
}
