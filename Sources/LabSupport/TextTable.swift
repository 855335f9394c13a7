/// A plain-text table: columns padded to their widest cell, two spaces apart, each line indented
/// by two spaces, no trailing blanks.
public enum TextTable {
  public static func render(header: [String], rows: [[String]]) -> String {
    var widths = header.map(\.count)
    for r in rows { for (j, c) in r.enumerated() { widths[j] = max(widths[j], c.count) } }
    func line(_ cells: [String]) -> String {
      var text = "  " + cells.enumerated().map { pad($0.element, widths[$0.offset]) }.joined(separator: "  ")
      while text.last == " " { text.removeLast() }
      return text + "\n"
    }
    return line(header) + rows.map(line).joined()
  }

  /// `s` followed by blanks up to `width` characters.
  public static func pad(_ s: String, _ width: Int) -> String {
    s + String(repeating: " ", count: max(0, width - s.count))
  }
}
