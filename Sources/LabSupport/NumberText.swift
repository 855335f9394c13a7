import Foundation

/// How numbers are written for people (tables, reports, notes). Machine-readable output (JSON,
/// CSV, baselines) writes exact values instead: Swift's shortest round-trip decimal.
public enum NumberText {
  /// Four significant digits, no trailing ".0": "88.72", "0.001", "32768".
  /// Computed with IEEE operations only, so the text is the same on every platform.
  public static func short(_ x: Double) -> String {
    if x == 0 { return "0" }
    let magnitude = abs(x)
    var scale = 1.0, digits = 0
    while magnitude * scale < 1000 && digits < 20 {
      scale *= 10
      digits += 1
    }
    let rounded = (x * scale).rounded() / scale
    var text = rounded.description
    if text.hasSuffix(".0") { text.removeLast(2) }
    return text
  }

  /// A ULP error for people: three significant digits ("0.5", "1.23e+06", "inf"), "-" when there
  /// is none (nothing finite was measured). Every table, report and message uses this one.
  public static func ulp(_ x: Double?) -> String {
    guard let x else { return "-" }
    return String(format: "%.3g", x)
  }

  /// A ULP error with a fixed number of decimals ("0.9078"): for the elementary functions, whose
  /// errors are all below a few ULP and whose fourth decimal matters.
  public static func ulp(_ x: Double, decimals: Int) -> String {
    String(format: "%.\(decimals)f", x)
  }

  /// A share in [0, 1] as a percentage with one decimal ("99.5%"), "-" when there is none.
  public static func percent(_ share: Double?) -> String {
    guard let share else { return "-" }
    return String(format: "%.1f%%", 100 * share)
  }
}
