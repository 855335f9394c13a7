import Accuracy
import Foundation
import LabSupport
import SoftmaxSpec

/// The two renderings of `eval`: aligned tables and JSON (docs/cli.md).
public enum EvalOutput {
  /// Every row's tables, rows separated by a blank line.
  public static func tables(_ evaluations: [RowEvaluation], rows: [InputRow]) -> String {
    zip(evaluations, rows).map { ev, row in
      (row.label.map { "case \($0)\n" } ?? "") + tables(ev, texts: row.texts, rounded: row.rounded)
    }.joined(separator: "\n")
  }

  /// One JSON object per row; an array of them when there are several rows.
  public static func json(_ evaluations: [RowEvaluation], rows: [InputRow]) -> String {
    let objects = zip(evaluations, rows).map { json($0, label: $1.label) }
    return (objects.count == 1 ? objects[0] : "[\n" + objects.joined(separator: ",\n") + "\n]") + "\n"
  }

  /// Numbers as the shortest decimal that reads back to the same value of the format.
  static func text(_ x: Double, _ format: Format) -> String { format.shortestDecimal(x) }

  /// A ULP error in JSON: its exact value ("0.5", "inf"; "nan" for an undefined row).
  static func ulpText(_ e: Double?) -> String {
    guard let e else { return "nan" }
    if e.isInfinite { return "inf" }
    return e.description
  }

  /// The JSON of docs/cli.md: format, input, target, undefined, results (and case when known).
  static func json(_ ev: RowEvaluation, label: String?) -> String {
    let f = ev.format, o = ev.output.format
    var results: [JSON] = []
    for r in ev.results {
      let reference: [JSON] =
        ev.reference.undefined
        ? r.output.map { _ in .string("nan") }
        : ev.reference.results[r.op]!.map { .string(text($0.rounded, o)) }
      results.append(.object([
        ("kernel", .string(r.kernel.rawValue)),
        ("op", .string(r.op.rawValue)),
        ("variant", .string(r.variant.rawValue)),
        ("policy", .string(r.policy.rawValue)),
        ("output", .array(r.output.map { .string(text($0, o)) })),
        ("reference", .array(reference)),
        ("ulpError", .array(r.measures.map { .string(ulpText($0.ulpError)) })),
        ("status", .array(r.measures.map { .string($0.status.rawValue) })),
      ]))
    }
    // The output format and scale only when they are not the logits' own (the JSON stays as it was).
    let mixed: [(String, JSON)] = ev.output.isIdentity(for: f) ? [] : [
      ("outputFormat", .string(o.rawValue)), ("outputScale", .string(Format.float64.shortestDecimal(ev.output.scale))),
    ]
    return JSON.object((label.map { [("case", JSON.string($0))] } ?? []) + [
      ("format", .string(f.rawValue)),
    ] + mixed + [
      ("input", .array(ev.logits.map { .string(text($0, f)) })),
      ("inputExact", .array(ev.logits.map { .string(hex($0)) })),
      ("target", .int(ev.target)),
      ("undefined", .bool(ev.reference.undefined)),
      ("results", .array(results)),
    ]).text()
  }

  /// The exact value in hexadecimal ("0x1.99999ap-4"), "inf", "-inf", "nan".
  static func hex(_ x: Double) -> String { Format.hexadecimal(x) }

  /// Aligned plain-text tables, one per operation.
  static func tables(_ ev: RowEvaluation, texts: [String], rounded: [Bool]) -> String {
    let f = ev.format, o = ev.output.format
    var out = "input: \(ev.logits.count) logits as \(f.rawValue) values (exact value in hexadecimal)\n"
    if !ev.output.isIdentity(for: f) {
      let kernel = ev.output.kernelFormat(for: f)
      out += "results: delivered in \(ev.output.description) (kernels run in \(kernel.rawValue)\(kernel == o ? "" : ", then scaled and rounded"));"
      out += " the reference is the exact result\(ev.output.scaleExponent == 0 ? "" : " times 2^\(ev.output.scaleExponent)") rounded to \(o.rawValue)\n"
    }
    let shown = ev.logits.map { text($0, f) }
    let width = shown.map(\.count).max() ?? 1
    for (i, x) in ev.logits.enumerated() {
      let note = rounded[i] ? "  (\(texts[i]) rounded to \(f.rawValue))" : ""
      out += "  x[\(i)] = \(TextTable.pad(shown[i], width))  \(hex(x))\(note)\n"
    }
    if ev.results.contains(where: { $0.op.needsTarget }) { out += "target: \(ev.target)\n" }
    if ev.reference.undefined {
      out += "undefined row (every logit -inf, a NaN or a +inf logit): the exact result is undefined;\n"
      out += "each variant's output is shown with status 'undefined'.\n"
    }
    var lastOp: Op? = nil
    var rows: [[String]] = []
    func flush() {
      guard let op = lastOp else { return }
      out += "\n" + op.rawValue + "\n" + TextTable.render(header: ["kernel", "variant", "policy", "i", "output", "reference", "ULP error", "status"], rows: rows)
      rows = []
    }
    for r in ev.results {
      if r.op != lastOp { flush(); lastOp = r.op }
      let reference = ev.reference.undefined ? nil : ev.reference.results[r.op]!
      for (i, c) in r.output.enumerated() {
        let m = r.measures[i]
        rows.append([
          i == 0 ? r.kernel.rawValue : "", i == 0 ? r.variant.rawValue : "", i == 0 ? r.policy.rawValue : "", String(i), text(c, o),
          reference.map { text($0[i].rounded, o) } ?? "undefined",
          NumberText.ulp(m.ulpError),
          m.status.rawValue,
        ])
      }
    }
    flush()
    return out
  }
}
