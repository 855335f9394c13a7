import ExactReference
import SoftmaxSpec

/// A batch loss computed by each requested variant and policy, beside its correctly rounded
/// reference, with the measures of every value (`softmax-lab loss`).
public struct BatchLossComparison: Sendable {
  public struct Entry: Sendable {
    public let variant: Variant
    public let policy: Policy
    public let result: BatchLossResult
    /// The measures of each loss value against the reference.
    public let loss: [Measure]
    /// The measures of every gradient element (row-major), when the gradient was requested.
    public let gradient: [Measure]?
  }

  public let format: Format
  public let options: CrossEntropyOptions
  public let rows: Int
  public let classes: Int
  public let exact: ExactBatch
  public let entries: [Entry]

  /// Evaluates the reference once and each variant x policy (`BatchLoss.evaluate`).
  ///
  /// - Throws: `BatchError` for a malformed batch or a variant with no batch loss;
  ///   `ReferenceError` when the reference cannot be computed.
  public static func evaluate(_ rows: [[Double]], targets: [Int], format: Format, options: CrossEntropyOptions,
                              variants: [Variant], policies: [Policy], gradient: Bool) throws -> BatchLossComparison
  {
    let exact = try BatchReference.evaluate(rows, targets: targets, format: format, options: options)
    func measures(_ computed: [Double], _ reference: [ExactValue?]) -> [Measure] {
      zip(computed, reference).map { c, v in v.map { Measures.measure(computed: c, exact: $0) } ?? .undefined }
    }
    var entries: [Entry] = []
    for v in variants {
      for p in policies {
        let r = try BatchLoss.evaluate(rows, targets: targets, format: format, variant: v, policy: p, options: options,
                                       gradient: gradient)
        entries.append(Entry(variant: v, policy: p, result: r, loss: measures(r.loss, exact.loss),
                             gradient: gradient ? measures(Array(r.gradient.joined()), Array(exact.gradient.joined())) : nil))
      }
    }
    return BatchLossComparison(format: format, options: options, rows: rows.count, classes: rows[0].count, exact: exact,
                               entries: entries)
  }
}
