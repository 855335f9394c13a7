import ArgumentParser
import Experiments
import Foundation
import LabSupport
import Reports
import SoftmaxSpec
import TensorFiles

/// `softmax-lab score`: judges outputs computed elsewhere (any library, any language) with the
/// lab's reference and measures.
struct ScoreCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "score",
    abstract: "Judge another library's outputs against the correctly rounded reference, with the lab's measures.",
    discussion: """
      Two ways in. A bundle (`softmax-lab cases export --bundle DIR`) and the library's outputs for its \
      rows: --bundle DIR --outputs FILE (safetensors, one tensor per case id), aggregated per family \
      like `run`. Or ad-hoc tensors: --logits FILE --outputs FILE [--targets FILE], each a .npy or a \
      safetensors file with one tensor (2-D: rows x n, or 1-D: one row); lse and cross-entropy \
      outputs have one value per row. The results' format is the outputs' dtype unless \
      --output-format says otherwise. Prints the table of `run`; --json writes the groups in the \
      shape of `run --json` with --name where a run has kernel and variant. Gates for CI: \
      --max-ulp U and --fail-on overflow,underflow,nan exit 1 with one line per violation. \
      Example: softmax-lab score --op log-softmax --logits L.npy --outputs Y.npy --json -
      """)

  @Option(help: "The operation the outputs are of.")
  var op: Op

  @Option(help: "A bundle written by `softmax-lab cases export --bundle`.")
  var bundle: String?

  @Option(help: "The logits (.npy, or safetensors with one tensor).")
  var logits: String?

  @Option(help: "The outputs (with --bundle: safetensors, a tensor per case id; else .npy or one-tensor safetensors).")
  var outputs: String

  @Option(help: "The target classes, one integer per row (cross-entropy and ce-gradient).")
  var targets: String?

  @Option(help: "The logits' format (default: the logits' dtype).")
  var format: Format?

  @OptionGroup var outputOptions: OutputOptions
  @OptionGroup var referenceOptions: ReferenceOptions

  @Option(help: "The name of what produced the outputs, for the table and the JSON.")
  var name = "outputs"

  @Option(help: "Also write the groups as JSON (the shape of `run --json`) to this file ('-': standard output instead of the table).")
  var json: String?

  @Option(help: ArgumentHelp("Fail (exit 1) when a group's max ULP error exceeds this.", valueName: "ulp"))
  var maxULP: Double?

  @Option(help: ArgumentHelp("Fail (exit 1) on any of these, comma-separated: overflow, underflow, nan.", valueName: "flags"))
  var failOn: String?

  @OptionGroup var threadOptions: ThreadOptions

  var failFlags: [String] { (failOn ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }

  func validate() throws {
    guard (bundle == nil) != (logits == nil) else { throw ValidationError("give either --bundle DIR or --logits FILE") }
    if bundle != nil && (targets != nil || format != nil) {
      throw ValidationError("--targets and --format come from the bundle: leave them out with --bundle")
    }
    for f in failFlags where !["overflow", "underflow", "nan"].contains(f) {
      throw ValidationError("--fail-on '\(f)' is not one of overflow, underflow, nan")
    }
    if let u = maxULP, !(u >= 0) { throw ValidationError("--max-ulp must be a number >= 0") }
  }

  func run() throws {
    let (rows, logitsFormat, delivery) = try input()
    let bar = ProgressBar()
    let groups: [ScoreGroup]
    let start = Date()
    do {
      defer { bar.finish() }
      groups = try Scoring.score(count: rows.count, row: rows.row, op: op, format: logitsFormat, output: delivery, name: name,
                                 reference: referenceOptions.reference, threads: threadOptions.threads, progress: bar.isActive ? bar.update : nil)
    } catch let e as ScoreError {
      throw InputError(e.description)
    } catch let e as TensorFileError {
      throw InputError(e.description)
    }
    // The time, on a terminal only: a CI's stderr holds nothing but the violations.
    let values = groups.reduce(0) { $0 + $1.aggregate.count }
    if bar.isActive {
      let threads = threadOptions.threads == 1 ? "1 thread" : "\(threadOptions.threads) threads"
      let seconds = String(format: "%.1f", Date().timeIntervalSince(start))
      FileHandle.standardError.write(Data("softmax-lab score: \(rows.count) rows, \(values) values, \(threads), \(seconds) s\n".utf8))
    }
    let mixed = delivery.isIdentity(for: logitsFormat) ? nil : delivery
    if let json {
      try emit(Scoring.json(groups, about: "softmax-lab score: \(name) judged against the correctly rounded reference", output: mixed), to: json)
    }
    if json != "-" { FileHandle.standardOutput.write(Data(ScoreOutput.table(groups, output: mixed).utf8)) }
    let violations = Scoring.violations(groups, maxULP: maxULP, failOn: failFlags)
    if !violations.isEmpty {
      FileHandle.standardError.write(Data(violations.map { "softmax-lab score: \($0)\n" }.joined().utf8))
      throw ExitCode(1)
    }
  }

  /// The rows to score, made on demand: a count and a function from index to row.
  struct Rows: Sendable {
    let count: Int
    let row: @Sendable (Int) throws -> ScoredRow
  }

  /// The rows, the logits' format and how the results are delivered.
  func input() throws -> (Rows, Format, ResultFormat) {
    do {
      if let bundle {
        let b = try CaseBundle.read(bundle)
        let (rows, outputFormat) = try b.scoredRows(bundle, outputs: outputs, op: op)
        return (Rows(count: rows.count, row: { rows[$0] }), b.format,
                try outputOptions.delivery(for: b.format, otherwise: outputFormat))
      }
      return try adHoc()
    } catch let e as TensorFileError {
      throw InputError(e.description)
    } catch let e as BundleError {
      throw InputError(e.description)
    }
  }

  /// --logits, --outputs, --targets.
  func adHoc() throws -> (Rows, Format, ResultFormat) {
    let x = try single(logits!, "--logits"), y = try single(outputs, "--outputs")
    guard let xFormat = x.dtype.format else { throw InputError("--logits \(logits!) holds \(x.dtype.rawValue) integers, not logits") }
    guard let yFormat = y.dtype.format else { throw InputError("--outputs \(outputs) holds \(y.dtype.rawValue) integers, not values") }
    guard let rowCount = x.rowCount, let n = x.rowLength, x.shape.count <= 2 else {
      throw InputError("--logits \(logits!) has shape \(x.shape): give rows x n (2-D) or one row (1-D)")
    }
    guard n >= 1 && rowCount >= 1 else { throw InputError("--logits \(logits!) has no logits") }
    let width = op.outputCount(rowLength: n)
    // One value per row (lse, cross-entropy): shape [rows] or [rows, 1]; else the logits' shape.
    let yRows = width == 1 ? (y.shape.count == 2 && y.shape[1] == 1 ? y.shape[0] : y.shape.count == 1 ? y.shape[0] : -1)
      : (y.rowLength == width ? (y.rowCount ?? -1) : -1)
    guard yRows == rowCount else {
      throw InputError("--outputs \(outputs) has shape \(y.shape); \(op.rawValue) of \(rowCount) x \(n) logits needs \(width == 1 ? "[\(rowCount)]" : "[\(rowCount), \(n)]")")
    }
    var t = [Int](repeating: 0, count: rowCount)
    if let targets {
      t = try single(targets, "--targets").integers()
      guard t.count == rowCount else { throw InputError("--targets \(targets) has \(t.count) targets for \(rowCount) rows") }
      if let bad = t.firstIndex(where: { !(0..<n).contains($0) }) {
        throw InputError("--targets: target \(t[bad]) of row \(bad) is out of range 0..<\(n)")
      }
    } else if op.needsTarget {
      throw InputError("\(op.rawValue) needs --targets FILE (one class per row)")
    }
    // Rows are decoded from the mapped files when scored: only the rows in flight are Doubles.
    let oneValue = width == 1 ? try y.values() : []
    let targets = t
    let rows = Rows(count: rowCount) { r in
      let out = width == 1 ? [oneValue[r]] : try y.row(r)
      return ScoredRow(family: "rows", id: "row \(r)", logits: try x.row(r), target: targets[r], outputs: out)
    }
    let logitsFormat = format ?? xFormat
    return (rows, logitsFormat, try outputOptions.delivery(for: logitsFormat, otherwise: yFormat))
  }

  /// The one tensor of a .npy file or a one-tensor safetensors file.
  func single(_ path: String, _ option: String) throws -> Tensor {
    let tensors = try readTensors(path)
    guard tensors.count == 1 else {
      throw InputError("\(option) \(path) holds \(tensors.count) tensors: give a file with exactly one")
    }
    return tensors[0]
  }
}
