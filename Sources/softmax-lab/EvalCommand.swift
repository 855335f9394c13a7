import ArgumentParser
import ExactReference
import Foundation
import PrecisionLab
import SoftmaxSpec

/// `softmax-lab eval`: one row of logits, every requested operation, variant and policy, each
/// output beside the correctly rounded reference with its ULP error and status.
struct EvalCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "eval",
    abstract: "Evaluate kernels on rows of logits against the correctly rounded reference.",
    discussion: """
      Logits come after `--` (decimal or hexadecimal floats, inf, -inf, nan), from --file (plain \
      numbers, or a file written by `cases export`), or from --case (a generated row, e.g. the \
      worst case a run names). Decimal inputs are rounded to the format (nearest, ties to even) \
      and their exact values shown.
      Example: softmax-lab eval --format float32 --op softmax -- 2.0 1.0 0.1
      """)

  @Option(help: "The format of the logits and results: \(names(Format.self)) (default float32, or the file's).")
  var format: Format?

  @Option(name: .customLong("op"), help: "Operations, repeated or comma-separated (\(names(Op.self))); default all.")
  var ops: [String] = []

  @Option(name: .customLong("variant"),
          help: "Variants, repeated or comma-separated (\(names(Variant.self))); default every implemented one that applies.")
  var variants: [String] = []

  @Option(name: .customLong("policy"),
          help: "Precision policies (native, wide); default both (float64: native, its wide is the same).")
  var policies: [String] = []

  @Option(name: .customLong("kernel"),
          help: "Kernels: simd (every variant) and/or textbook (scalar naive, shifted, fused); default simd.")
  var kernels: [String] = []

  @Option(help: "The target class t for cross-entropy and ce-gradient (default 0, or the case's).")
  var target: Int?

  @Option(help: "Read rows from a file ('-' for standard input): plain numbers ('#' starts a comment) or a `cases export` file.")
  var file: String?

  @Option(name: .customLong("case"), help: "Evaluate a generated case, e.g. wide-spread/17 (with --seed, --rows, --n as the run that named it).")
  var caseID: String?

  @OptionGroup var caseOptions: CaseOptions

  @Flag(help: "Print machine-readable JSON (documented in the README) instead of tables.")
  var json = false

  @Argument(parsing: .postTerminator, help: "The logits, after `--`.")
  var logits: [String] = []

  /// A row to evaluate: its logits as text, its label and target if it has them.
  struct Row {
    let label: String?
    let texts: [String]
    let target: Int?
    /// True for logits typed by the user: the table then says which decimals were rounded.
    var typed = false
  }

  func run() throws {
    let (rows, format) = try inputRows()
    let ops: [Op] = self.ops.isEmpty ? Op.allCases : try parseList(self.ops, option: "operation")
    let kernels: [KernelKind] = self.kernels.isEmpty ? [.simd] : try parseList(self.kernels, option: "kernel")
    let variants: [Variant] = self.variants.isEmpty
      ? Variant.allCases.filter { v in kernels.contains { Kernels.variants($0).contains(v) } }
      : try parseList(self.variants, option: "variant")
    var policies: [Policy] = self.policies.isEmpty ? Policy.distinct(for: format) : try parseList(self.policies, option: "policy")
    if format == .float64 && policies.count > 1 { policies = [.native] }  // the same kernels twice
    var rendered: [String] = []
    for row in rows {
      var values: [Double] = []
      var rounded: [Bool] = []
      for text in row.texts {
        guard let (value, exact) = FormatRounding.parseReportingExactness(text, format) else {
          throw InputError("'\(text)' is not a number (decimal, hexadecimal such as 0x1.8p+1, inf, -inf or nan)")
        }
        values.append(value)
        rounded.append(row.typed && !exact)
      }
      let target = self.target ?? row.target ?? 0
      guard (0..<values.count).contains(target) else {
        throw InputError("target \(target) is out of range for a row of \(values.count) logits (0..<\(values.count))"
          + (row.label.map { " (case \($0))" } ?? ""))
      }
      let evaluation: RowEvaluation
      do {
        evaluation = try Evaluation.evaluate(row: values, format: format, target: target, ops: ops,
                                             variants: variants, policies: policies, kernels: kernels)
      } catch let error as EvaluationError {
        throw InputError(error.description)
      }
      rendered.append(json
        ? EvalOutput.json(evaluation, label: row.label)
        : (row.label.map { "case \($0)\n" } ?? "") + EvalOutput.tables(evaluation, texts: row.texts, rounded: rounded))
    }
    let output = json
      ? (rendered.count == 1 ? rendered[0] : "[\n" + rendered.joined(separator: ",\n") + "\n]") + "\n"
      : rendered.joined(separator: "\n")
    FileHandle.standardOutput.write(Data(output.utf8))
  }

  /// The rows to evaluate and their format, from exactly one source: after `--`, --file or --case.
  func inputRows() throws -> ([Row], Format) {
    let sources = [!logits.isEmpty, file != nil, caseID != nil].filter { $0 }.count
    guard sources <= 1 else { throw InputError("give the logits one way: after `--`, with --file, or with --case, not both") }
    if let caseID {
      let format = self.format ?? .float32
      let c = try generatedCase(caseID, format: format, settings: try caseOptions.settings())
      return ([Row(label: c.id, texts: c.logits.map(format.shortestDecimal), target: c.target)], format)
    }
    if let file {
      let fileRows: [FileRow]
      do {
        fileRows = try CaseFile.read(try readText(file), name: file)
      } catch let e as CaseFileError {
        throw InputError(e.description)
      }
      let fileFormat = fileRows.compactMap(\.format).first
      if let fileFormat, let format, fileFormat != format {
        throw InputError("\(file) holds \(fileFormat.rawValue) rows: drop --format or give --format \(fileFormat.rawValue)")
      }
      return (fileRows.map { Row(label: $0.id, texts: $0.logits, target: $0.target) }, format ?? fileFormat ?? .float32)
    }
    guard !logits.isEmpty else {
      throw InputError("no logits: give them after `--` (softmax-lab eval -- 2.0 1.0 0.1), with --file or with --case")
    }
    return ([Row(label: nil, texts: logits, target: nil, typed: true)], format ?? .float32)
  }
}

/// The text of a file, or of standard input for "-", as UTF-8.
func readText(_ path: String) throws -> String {
  var isDirectory: ObjCBool = false
  let exists = path == "-" || FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
  guard exists else { throw InputError("cannot read \(path): no such file") }
  guard !isDirectory.boolValue else { throw InputError("cannot read \(path): it is a directory") }
  guard let handle = path == "-" ? FileHandle.standardInput : FileHandle(forReadingAtPath: path) else {
    throw InputError("cannot read \(path): permission denied")
  }
  let data: Data
  do {
    data = try handle.readToEnd() ?? Data()
  } catch {
    throw InputError("cannot read \(path): \(error.localizedDescription)")
  }
  guard let text = String(data: data, encoding: .utf8) else { throw InputError("cannot read \(path): not UTF-8 text") }
  return text
}

/// The two renderings of an evaluation.
enum EvalOutput {
  /// Numbers as the shortest decimal that reads back to the same value of the format.
  static func text(_ x: Double, _ format: Format) -> String { format.shortestDecimal(x) }

  static func ulpText(_ e: Double?) -> String {
    guard let e else { return "nan" }
    if e.isInfinite { return "inf" }
    return e.description
  }

  /// The JSON of the README: format, input, target, undefined, results (and case when known).
  static func json(_ ev: RowEvaluation, label: String?) -> String {
    let f = ev.format
    var results: [JSON] = []
    for r in ev.results {
      let reference: [JSON] =
        ev.reference.undefined
        ? r.output.map { _ in .string("nan") }
        : ev.reference.results[r.op]!.map { .string(text($0.rounded, f)) }
      results.append(.object([
        ("kernel", .string(r.kernel.rawValue)),
        ("op", .string(r.op.rawValue)),
        ("variant", .string(r.variant.rawValue)),
        ("policy", .string(r.policy.rawValue)),
        ("output", .array(r.output.map { .string(text($0, f)) })),
        ("reference", .array(reference)),
        ("ulpError", .array(r.measures.map { .string(ulpText($0.ulpError)) })),
        ("status", .array(r.measures.map { .string($0.status.rawValue) })),
      ]))
    }
    return JSON.object((label.map { [("case", JSON.string($0))] } ?? []) + [
      ("format", .string(f.rawValue)),
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
    let f = ev.format
    var out = "input: \(ev.logits.count) logits as \(f.rawValue) values (exact value in hexadecimal)\n"
    let shown = ev.logits.map { text($0, f) }
    let width = shown.map(\.count).max() ?? 1
    for (i, x) in ev.logits.enumerated() {
      let note = rounded[i] ? "  (\(texts[i]) rounded to \(f.rawValue))" : ""
      out += "  x[\(i)] = \(pad(shown[i], width))  \(hex(x))\(note)\n"
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
      out += "\n" + op.rawValue + "\n" + table(header: ["kernel", "variant", "policy", "i", "output", "reference", "ULP error", "status"], rows: rows)
      rows = []
    }
    for r in ev.results {
      if r.op != lastOp { flush(); lastOp = r.op }
      let reference = ev.reference.undefined ? nil : ev.reference.results[r.op]!
      for (i, c) in r.output.enumerated() {
        let m = r.measures[i]
        rows.append([
          i == 0 ? r.kernel.rawValue : "", i == 0 ? r.variant.rawValue : "", i == 0 ? r.policy.rawValue : "", String(i), text(c, f),
          reference.map { text($0[i].rounded, f) } ?? "undefined",
          m.ulpError.map { $0.isInfinite ? "inf" : String(format: "%.3g", $0) } ?? "-",
          m.status.rawValue,
        ])
      }
    }
    flush()
    return out
  }

  static func pad(_ s: String, _ width: Int) -> String { s + String(repeating: " ", count: max(0, width - s.count)) }

  static func table(header: [String], rows: [[String]]) -> String {
    var widths = header.map(\.count)
    for r in rows { for (j, c) in r.enumerated() { widths[j] = max(widths[j], c.count) } }
    func line(_ cells: [String]) -> String {
      "  " + cells.enumerated().map { pad($0.element, widths[$0.offset]) }.joined(separator: "  ")
        .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) + "\n"
    }
    return line(header) + rows.map(line).joined()
  }
}
