import Cases
import SoftmaxSpec

/// The renderings of `cases list` and `cases show`.
public enum CaseOutput {
  /// Every family: its summary, its size, and its swept parameter's range per format.
  public static func list(_ settings: CaseSettings) -> String {
    var out = "case families (seed \(settings.seed)); a case id is family/index\n"
    for family in CaseFamily.allCases {
      let rows = settings.rows(family), n = settings.length(family)
      let size = family == .hugeN ? "\(rows) rows of 32768 to 262144 logits"
        : family == .seed ? "\(rows) fixed rows" : "\(rows) rows x \(n) logits"
      out += "\n\(family.rawValue): \(family.summary)\n  \(size)\n"
      if let name = family.parameterName {
        let ranges = Format.allCases.compactMap { f in family.parameterRange(f, length: n).map { "\(f.rawValue) \($0)" } }
        out += "  \(name): " + ranges.joined(separator: "; ") + "\n"
      }
    }
    return out
  }

  /// One case: its note, parameter, target and logits (shortest decimals of its format).
  public static func show(_ c: Case, seed: UInt64) -> String {
    let format = c.format
    var out = "case \(c.id) (\(format.rawValue), seed \(seed)): \(c.note)\n"
    if let name = c.family.parameterName, let p = c.parameter { out += "\(name): \(p)\n" }
    out += "target: \(c.target)\nlogits (\(c.logits.count)):\n"
    for (i, x) in c.logits.enumerated() { out += "  \(i)  \(format.shortestDecimal(x))\n" }
    return out
  }
}
