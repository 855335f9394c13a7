import ExactReference
import SoftmaxKernels
import SoftmaxSpec

/// One kernel's outputs on a row and their measures against the reference.
public struct KernelResult: Sendable {
  public let op: Op
  public let variant: Variant
  public let policy: Policy
  public let output: [Double]
  public let measures: [Measure]
}

/// A row evaluated: the exact reference of each operation and every requested kernel's results.
public struct RowEvaluation: Sendable {
  public let format: Format
  public let logits: [Double]
  public let target: Int
  public let reference: ExactRow
  public let results: [KernelResult]
}

/// Why an evaluation was refused.
public enum EvaluationError: Error, CustomStringConvertible, Equatable {
  case notImplemented(Variant)
  case reference(ReferenceError)

  public var description: String {
    switch self {
    case .notImplemented(let v):
      return "variant '\(v.rawValue)' has no kernel yet (implemented: \(Kernels.implementedVariants.map(\.rawValue).joined(separator: ", ")))"
    case .reference(let e): return e.description
    }
  }
}

/// The kernels the lab can run, by variant.
public enum Kernels {
  /// Variants with a kernel today (the scalar textbook ones).
  public static let implementedVariants: [Variant] = Textbook.variants

  /// The implemented variants that apply to `op`.
  public static func variants(for op: Op) -> [Variant] {
    implementedVariants.filter { $0.applies(to: op) }
  }

  /// `op` computed by `variant` under `policy` on a row of `format` values.
  public static func run(_ op: Op, _ variant: Variant, row: [Double], format: Format, policy: Policy, target: Int)
    -> [Double]?
  {
    Textbook.evaluate(op, variant, row: row, format: format, policy: policy, target: target)
  }
}

public enum Evaluation {
  /// Evaluates `ops` x `variants` x `policies` on one row against the exact reference.
  /// Variants that do not apply to an operation are skipped; a requested variant with no kernel
  /// is an error.
  public static func evaluate(
    row: [Double], format: Format, target: Int, ops: [Op], variants: [Variant], policies: [Policy]
  ) throws -> RowEvaluation {
    for v in variants where !Kernels.implementedVariants.contains(v) {
      throw EvaluationError.notImplemented(v)
    }
    let reference: ExactRow
    do {
      reference = try Reference.evaluate(row, format: format, target: target, operations: ops)
    } catch let e as ReferenceError {
      throw EvaluationError.reference(e)
    }
    var results: [KernelResult] = []
    for op in ops {
      for variant in variants where variant.applies(to: op) {
        for policy in policies {
          guard let output = Kernels.run(op, variant, row: row, format: format, policy: policy, target: target)
          else { continue }
          let measures: [Measure]
          if reference.undefined {
            measures = output.map { _ in Measure.undefined }
          } else {
            measures = zip(output, reference.results[op]!).map { Measures.measure(computed: $0, exact: $1) }
          }
          results.append(KernelResult(op: op, variant: variant, policy: policy, output: output, measures: measures))
        }
      }
    }
    return RowEvaluation(format: format, logits: row, target: target, reference: reference, results: results)
  }
}
