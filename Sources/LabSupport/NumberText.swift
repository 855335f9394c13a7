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
}
