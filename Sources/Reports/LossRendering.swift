import Accuracy
import ExactReference
import LabSupport
import SoftmaxSpec

/// The renderings of `loss`: a table and JSON (docs/cli.md).
public enum LossOutput {
  static func text(_ v: ExactValue?, _ f: Format) -> String { v.map { f.shortestDecimal($0.rounded) } ?? "undefined" }
  static func worst(_ m: [Measure]) -> Double? { m.compactMap(\.ulpError).max() }

  public static func table(_ c: BatchLossComparison) -> String {
    let f = c.format, o = c.options
    let weights = o.weights.map { $0.map(f.shortestDecimal).joined(separator: ",") } ?? "1"
    var out = "batch: \(c.rows) rows x \(c.classes) classes, \(f.rawValue), reduction \(o.reduction.rawValue)"
    out += ", weights \(weights), ignore index \(o.ignoreIndex), label smoothing \(f.shortestDecimal(f.round(o.labelSmoothing)))\n"
    out += "reference (correctly rounded): \(c.exact.loss.map { text($0, f) }.joined(separator: " "))\n\n"
    let gradient = c.entries.first?.gradient != nil
    var header = ["variant", "policy", "loss", "max ULP", "status"]
    if gradient { header.append("gradient max ULP") }
    let rows = c.entries.map { e -> [String] in
      var cells = [e.variant.rawValue, e.policy.rawValue, e.result.loss.map(f.shortestDecimal).joined(separator: " "),
                   NumberText.ulp(worst(e.loss)), Set(e.loss.map(\.status.rawValue)).sorted().joined(separator: ",")]
      if let g = e.gradient { cells.append(NumberText.ulp(worst(g))) }
      return cells
    }
    return out + TextTable.render(header: header, rows: rows)
  }

  public static func json(_ c: BatchLossComparison) -> String {
    let f = c.format
    let gradient = c.entries.first?.gradient != nil
    let entries: [JSON] = c.entries.map { e in
      var fields: [(String, JSON)] = [
        ("variant", .string(e.variant.rawValue)), ("policy", .string(e.policy.rawValue)),
        ("loss", .array(e.result.loss.map { .string(f.shortestDecimal($0)) })),
        ("lossULP", .array(e.loss.map { $0.ulpError.map(JSON.number) ?? .null })),
        ("lossStatus", .array(e.loss.map { .string($0.status.rawValue) })),
      ]
      if let g = e.gradient { fields.append(("gradientMaxULP", worst(g).map(JSON.number) ?? .null)) }
      return .object(fields)
    }
    var reference: [(String, JSON)] = [("loss", .array(c.exact.loss.map { .string(text($0, f)) }))]
    if gradient { reference.append(("gradient", .array(c.exact.gradient.map { .array($0.map { .string(text($0, f)) }) }))) }
    return JSON.object([("format", .string(f.rawValue)), ("reduction", .string(c.options.reduction.rawValue)),
                        ("rows", .int(c.rows)), ("classes", .int(c.classes)),
                        ("reference", .object(reference)), ("results", .array(entries))]).text() + "\n"
  }
}
