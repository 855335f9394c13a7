import LabSupport
import SoftmaxSpec

/// The exp thresholds of a format, computed from its extreme values.
public struct Thresholds: Sendable {
  /// T = log(largest finite value): exp(x) overflows above it.
  public let overflow: Double
  /// U = log(least subnormal value): exp(x) underflows to 0 below about it.
  public let underflow: Double

  public init(_ format: Format) {
    overflow = DeterministicMath.log(format.greatestFiniteMagnitude)
    underflow = DeterministicMath.log(format.leastNonzeroMagnitude)
  }
}
