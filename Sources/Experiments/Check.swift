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

/// A group of a score (`softmax-lab score --json`) that got worse than its baseline.
public struct ScoreRegression: Sendable, CustomStringConvertible {
  public let key: ScoreKey
  public let what: String
  public var description: String { "\(key.family) \(key.format.rawValue) \(key.name) \(key.op.rawValue): \(what)" }
}

/// What `check` compares: the aggregates of a group, as a baseline keeps them (a run's groups
/// and a score's alike).
public protocol CheckedMeasures {
  var values: Int { get }
  var correctlyRounded: Int { get }
  var maxULP: Double? { get }
  var p99ULP: Double? { get }
  var overflow: Int { get }
  var underflow: Int { get }
  var nan: Int { get }
  var worstCase: String? { get }
  var worstIndex: Int? { get }
}

extension CheckedMeasures {
  /// The correctly-rounded share (nil when no value was measured).
  public var correctlyRoundedShare: Double? { values == 0 ? nil : Double(correctlyRounded) / Double(values) }
}

extension GroupSummary: CheckedMeasures {}

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
    let (compared, found) = compare(baseline, current, key: \.key)
    return (compared, found.map { Regression(key: $0.0, what: $0.1) })
  }

  /// The same comparison for the groups of `softmax-lab score --json` (a library held to a
  /// baseline of its own): groups are matched by family, format, name and operation.
  public static func compare(_ baseline: [ScoreSummary], _ current: [ScoreSummary]) -> (compared: Int, regressions: [ScoreRegression]) {
    let (compared, found) = compare(baseline, current, key: \.key)
    return (compared, found.map { ScoreRegression(key: $0.0, what: $0.1) })
  }

  /// The groups of `current` that `baseline` has too (matched by `key`), and each way one got worse.
  static func compare<G: CheckedMeasures, K: Hashable>(_ baseline: [G], _ current: [G], key: (G) -> K) -> (Int, [(K, String)]) {
    let old = Dictionary(baseline.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
    var found: [(K, String)] = [], compared = 0
    for g in current {
      guard let b = old[key(g)] else { continue }
      compared += 1
      found += worsened(g, than: b).map { (key(g), $0) }
    }
    return (compared, found)
  }

  /// Each way `g` is worse than its baseline `b`, one phrase per way.
  static func worsened<G: CheckedMeasures>(_ g: G, than b: G) -> [String] {
    func worse(_ now: Double?, _ then: Double?) -> Bool {
      guard let now else { return false }
      guard let then else { return true }
      return now > then * (1 + relativeULP) + absoluteULP
    }
    var out: [String] = []
    if worse(g.maxULP, b.maxULP) { out.append("max ULP error \(NumberText.ulp(g.maxULP)), baseline \(NumberText.ulp(b.maxULP)) (worst \(g.worstCase ?? "-")[\(g.worstIndex ?? 0)])") }
    if worse(g.p99ULP, b.p99ULP) { out.append("p99 ULP error \(NumberText.ulp(g.p99ULP)), baseline \(NumberText.ulp(b.p99ULP))") }
    if g.overflow > b.overflow { out.append("\(g.overflow - b.overflow) new overflow(s) (\(g.overflow), baseline \(b.overflow))") }
    if g.underflow > b.underflow { out.append("\(g.underflow - b.underflow) new underflow(s) (\(g.underflow), baseline \(b.underflow))") }
    if g.nan > b.nan { out.append("\(g.nan - b.nan) new NaN(s) (\(g.nan), baseline \(b.nan))") }
    if let now = g.correctlyRoundedShare, let then = b.correctlyRoundedShare, now < then - 1e-12 {
      out.append(String(format: "correctly rounded %.2f%%, baseline %.2f%%", 100 * now, 100 * then))
    }
    return out
  }
}
