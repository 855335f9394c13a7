import Accuracy
import ArgumentParser
import Foundation
import LabSupport
import Reports
import SoftmaxSpec

/// `softmax-lab eval`: rows of logits, every requested operation, variant and policy, each
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

  @Option(help: "The format of the logits and results (default: float32, or the file's).")
  var format: Format?

  @OptionGroup var opOptions: OpOptions<Every<Op>>
  @OptionGroup var variantOptions: VariantOptions
  @OptionGroup var policyOptions: PolicyOptions
  @OptionGroup var kernelOptions: KernelOptions
  @OptionGroup var outputOptions: OutputOptions
  @OptionGroup var referenceOptions: ReferenceOptions

  @Option(help: "The target class t for cross-entropy and ce-gradient (default: 0, or the case's).")
  var target: Int?

  @Option(help: "Read rows from a file ('-' for standard input): plain numbers ('#' starts a comment) or a `cases export` file.")
  var file: String?

  @Option(name: .customLong("case"), help: "Evaluate a generated case, e.g. wide-spread/17 (with --seed, --rows, --n as the run that named it).")
  var caseID: String?

  @OptionGroup var caseOptions: CaseOptions

  @Flag(help: "Print machine-readable JSON (docs/cli.md) instead of tables.")
  var json = false

  @Argument(parsing: .postTerminator, help: "The logits, after `--`.")
  var logits: [String] = []

  func validate() throws {
    let sources = [!logits.isEmpty, file != nil, caseID != nil].filter { $0 }.count
    guard sources <= 1 else { throw ValidationError("give the logits one way: after `--`, with --file, or with --case, not both") }
    for v in variantOptions.variants(for: kernelOptions.kernels)
    where !kernelOptions.kernels.contains(where: { $0.variants.contains(v) }) {
      throw ValidationError(EvaluationError.notImplemented(v, kernelOptions.kernels[0]).description)
    }
  }

  func run() throws {
    let (rows, format) = try inputRows()
    let output = try outputOptions.resultFormat(for: format)
    let evaluations = try rows.map { row in
      try Evaluation.evaluate(row: row.values, format: format, target: row.target, ops: opOptions.ops,
                              variants: variantOptions.variants(for: kernelOptions.kernels),
                              policies: format.effectivePolicies(policyOptions.policies), kernels: kernelOptions.kernels,
                              output: output, reference: referenceOptions.reference)
    }
    let text = json ? EvalOutput.json(evaluations, rows: rows) : EvalOutput.tables(evaluations, rows: rows)
    FileHandle.standardOutput.write(Data(text.utf8))
  }

  /// The rows to evaluate and their format, from the one source given.
  func inputRows() throws -> ([InputRow], Format) {
    if let caseID {
      let format = self.format ?? .float32
      return ([try InputRows.generated(caseID, format: format, settings: caseOptions.settings, target: target)], format)
    }
    if let file {
      return try InputRows.file(try readTextFile(file), name: file, format: format, target: target)
    }
    return ([try InputRows.typed(logits, format: format ?? .float32, target: target)], format ?? .float32)
  }
}
