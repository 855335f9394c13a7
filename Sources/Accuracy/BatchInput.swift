import ExactReference
import SoftmaxSpec

/// A batch of rows and targets given by a user (`softmax-lab loss`): numbers as text, read as
/// values of a format.
public enum BatchInput {
  /// Numbers separated by commas, blanks or tabs, each rounded to `format`; `what` names the
  /// source in errors ("--row", "--weights", "FILE:LINE").
  public static func numbers(_ text: String, _ what: String, format: Format) throws(InputTextError) -> [Double] {
    var out: [Double] = []
    for item in text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }) {
      guard let v = FormatRounding.parse(String(item), format) else {
        throw InputTextError("'\(item)' in \(what) is not a number (decimal, hexadecimal such as 0x1.8p+1, inf, -inf or nan)")
      }
      out.append(v)
    }
    return out
  }

  /// A batch file: one row per line, the target first, then the logits; '#' starts a comment and
  /// blank lines are skipped.
  public static func file(_ text: String, name: String, format: Format) throws(InputTextError) -> ([[Double]], [Int]) {
    var rows: [[Double]] = [], targets: [Int] = []
    for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
      let items = content.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" })
      guard let first = items.first else { continue }
      guard let t = Int(first) else { throw InputTextError("\(name):\(i + 1): '\(first)' is not a target class (an integer)") }
      targets.append(t)
      rows.append(try numbers(items.dropFirst().joined(separator: " "), "\(name):\(i + 1)", format: format))
    }
    return (rows, targets)
  }
}
