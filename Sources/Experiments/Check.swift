import Foundation
import LabSupport

/// A group that got worse than its baseline.
public struct Regression: Sendable, CustomStringConvertible {
  public let key: GroupKey
  public let what: String
  public var description: String {
    "\(key.family.rawValue) \(key.format.rawValue) \(key.kernel.rawValue) \(key.op.rawValue) \(key.variant.rawValue) \(key.policy.rawValue): \(what)"
  }
}

/// `softmax-lab check`: compares a rerun with a baseline.
public enum Check {
  /// A max or p99 ULP error may exceed the baseline's by this relative share plus `absoluteULP`
  /// (results are deterministic; the slack only absorbs a libm that differs in the textbook
  /// kernels' last bit on another platform).
  public static let relativeULP = 0.01
  public static let absoluteULP = 0.01

  /// What got worse in `current` than in `baseline`: a larger max or p99 ULP error beyond the
  /// tolerance, more overflows, underflows or NaNs, a lower correctly-rounded share. Groups only
  /// one side has are not compared.
  public static func compare(_ baseline: [GroupSummary], _ current: [GroupSummary]) -> (compared: Int, regressions: [Regression]) {
    let old = Dictionary(baseline.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
    var regressions: [Regression] = [], compared = 0
    for g in current {
      guard let b = old[g.key] else { continue }
      compared += 1
      func worse(_ now: Double?, _ then: Double?) -> Bool {
        guard let now else { return false }
        guard let then else { return true }
        return now > then * (1 + relativeULP) + absoluteULP
      }
      if worse(g.maxULP, b.maxULP) { regressions.append(Regression(key: g.key, what: "max ULP error \(NumberText.ulp(g.maxULP)), baseline \(NumberText.ulp(b.maxULP)) (worst \(g.worstCase ?? "-")[\(g.worstIndex ?? 0)])")) }
      if worse(g.p99ULP, b.p99ULP) { regressions.append(Regression(key: g.key, what: "p99 ULP error \(NumberText.ulp(g.p99ULP)), baseline \(NumberText.ulp(b.p99ULP))")) }
      if g.overflow > b.overflow { regressions.append(Regression(key: g.key, what: "\(g.overflow - b.overflow) new overflow(s) (\(g.overflow), baseline \(b.overflow))")) }
      if g.underflow > b.underflow { regressions.append(Regression(key: g.key, what: "\(g.underflow - b.underflow) new underflow(s) (\(g.underflow), baseline \(b.underflow))")) }
      if g.nan > b.nan { regressions.append(Regression(key: g.key, what: "\(g.nan - b.nan) new NaN(s) (\(g.nan), baseline \(b.nan))")) }
      if let now = g.correctlyRoundedShare, let then = b.correctlyRoundedShare, now < then - 1e-12 {
        regressions.append(Regression(key: g.key, what: String(format: "correctly rounded %.2f%%, baseline %.2f%%", 100 * now, 100 * then)))
      }
    }
    return (compared, regressions)
  }
}
