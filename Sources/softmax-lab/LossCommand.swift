import Accuracy
import ArgumentParser
import Foundation
import LabSupport
import Reports
import SoftmaxSpec

/// `softmax-lab loss`: the batch cross-entropy (weights, ignore index, label smoothing, reduction)
/// and its gradient, by each variant, against the correctly rounded reference.
struct LossCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "loss",
    abstract: "Evaluate the batch cross-entropy (framework semantics) and its gradient against the reference.",
    discussion: """
      Rows come from --row (repeated; numbers separated by commas or spaces) with --targets, or \
      from --file: one row per line, the target first, then the logits ('#' starts a comment). \
      Decimal inputs, weights and label smoothing are rounded to the format.
      Example: softmax-lab loss --targets 0,1,2 --row 1.1316,-0.7943,0.1328 \
      --row 0.2654,0.1978,-0.0265 --row -2.8054,0.2867,-0.1517
      """)

  @Option(help: "The format of the logits and results.")
  var format: Format = .float32

  @Option(parsing: .unconditionalSingleValue, help: "A row of logits, numbers separated by commas or spaces; repeat for each row.")
  var row: [String] = []

  @Option(parsing: .unconditionalSingleValue,
          help: "The target class of each row, repeated or comma-separated (the ignore index skips a row).")
  var targets: [CommaList<Int>] = []

  @Option(help: "Rows from a file: 'TARGET x1 x2 ...' per line ('-' for standard input).")
  var file: String?

  @Option(help: "Class weights, comma-separated, one per class (default 1).")
  var weights: String?

  @Option(parsing: .unconditional, help: "Rows whose target equals this are left out.")
  var ignoreIndex: Int = CrossEntropyOptions.defaultIgnoreIndex

  @Option(parsing: .unconditional, help: "Label smoothing eps in [0, 1].")
  var labelSmoothing: Double = 0

  @Option(help: "How the per-row losses are reduced.")
  var reduction: LossReduction = .mean

  @Option(name: .customLong("variant"), help: "Variants with a batch loss, repeated or comma-separated.")
  var variants: [CommaList<Variant>] = [CommaList(Variant.batchVariants)]

  @OptionGroup var policyOptions: PolicyOptions

  @Flag(help: "Also compare the gradient (its largest ULP error per variant).")
  var gradient = false

  @Flag(help: "Print JSON instead of the table.")
  var json = false

  func validate() throws {
    guard (file == nil) != row.isEmpty else { throw ValidationError("give the rows one way: --row (with --targets) or --file") }
    if file != nil && !targets.isEmpty { throw ValidationError("--file holds the targets: drop --targets") }
    if !row.isEmpty && targets.isEmpty { throw ValidationError("--row needs --targets (one target class per row)") }
    for v in variants.values() where !Variant.batchVariants.contains(v) { throw ValidationError(BatchError.variant(v).description) }
  }

  func run() throws {
    let (rows, ts) = try file.map { try BatchInput.file(try readTextFile($0), name: $0, format: format) }
      ?? (try row.map { try BatchInput.numbers($0, "--row", format: format) }, targets.flatMap(\.elements))
    let options = CrossEntropyOptions(weights: try weights.map { try BatchInput.numbers($0, "--weights", format: format) },
                                      ignoreIndex: ignoreIndex, labelSmoothing: labelSmoothing, reduction: reduction)
    let comparison = try BatchLossComparison.evaluate(rows, targets: ts, format: format, options: options,
                                                      variants: variants.values(),
                                                      policies: format.effectivePolicies(policyOptions.policies),
                                                      gradient: gradient)
    FileHandle.standardOutput.write(Data((json ? LossOutput.json(comparison) : LossOutput.table(comparison)).utf8))
  }
}
