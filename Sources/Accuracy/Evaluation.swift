import ExactReference
import SoftmaxKernels
import SoftmaxSpec

/// One kernel's outputs on a row and their measures against the reference.
public struct KernelResult: Sendable {
  public let kernel: KernelKind
  public let op: Op
  public let variant: Variant
  public let policy: Policy
  public let output: [Double]
  public let measures: [Measure]
}

/// A row evaluated: the exact reference of each operation and every requested kernel's results.
public struct RowEvaluation: Sendable {
  public let format: Format
  /// How the results are delivered (the logits' format, unscaled, unless another was asked for).
  public let output: ResultFormat
  public let logits: [Double]
  public let target: Int
  public let reference: ExactRow
  public let results: [KernelResult]
}

/// Why an evaluation was refused.
public enum EvaluationError: Error, CustomStringConvertible, Equatable {
  case notImplemented(Variant, KernelKind)
  case reference(ReferenceError)

  public var description: String {
    switch self {
    case let .notImplemented(v, k):
      return "variant '\(v.rawValue)' has no \(k.rawValue) kernel (\(k.rawValue): \(k.variants.map(\.rawValue).joined(separator: ", ")))"
    case .reference(let e): return e.description
    }
  }
}

/// A kernel as the lab calls it: (kind, op, variant, row, format, policy, target) -> outputs, or nil
/// when the variant does not apply. `Kernels.run` is the real one; tests pass worsened ones.
public typealias KernelFunction = @Sendable (KernelKind, Op, Variant, [Double], Format, Policy, Int) -> [Double]?

/// The kernels the lab can run, by kind and variant.
public enum Kernels {
  /// `op` computed by `variant` under `policy` on a row of `format` values.
  @Sendable
  public static func run(_ kind: KernelKind, _ op: Op, _ variant: Variant, _ row: [Double], _ format: Format,
                         _ policy: Policy, _ target: Int) -> [Double]?
  {
    switch kind {
    case .simd: return SIMDKernels.evaluate(op, variant, row: row, format: format, policy: policy, target: target)
    case .textbook: return Textbook.evaluate(op, variant, row: row, format: format, policy: policy, target: target)
    }
  }
}

public enum Evaluation {
  /// Evaluates `kernels` x `ops` x `variants` x `policies` on one row against the exact reference.
  /// Variants that do not apply to an operation are skipped, and so are textbook kernels of
  /// variants that have none, unless the textbook kind alone is requested (an error then).
  ///
  /// `output`: results delivered in another format (and scale) than the logits'. The kernels then
  /// run in `output.kernelFormat(for: format)` and each result is delivered by `output.deliver`;
  /// the reference is rounded to the output format. `reference`: how the reference is computed.
  public static func evaluate(
    row: [Double], format: Format, target: Int, ops: [Op], variants: [Variant], policies: [Policy],
    kernels: [KernelKind] = [.simd], output: ResultFormat? = nil, reference method: ReferenceMethod = .fast,
    using run: KernelFunction = Kernels.run
  ) throws -> RowEvaluation {
    let output = output ?? ResultFormat(format)
    let kernelFormat = output.kernelFormat(for: format)
    for v in variants where !kernels.contains(where: { $0.variants.contains(v) }) {
      throw EvaluationError.notImplemented(v, kernels.first ?? .simd)
    }
    let reference: ExactRow
    do {
      reference = try Reference.evaluate(row, format: format, outputFormat: output.format,
                                         outputScaleExponent: output.scaleExponent, target: target, operations: ops,
                                         method: method)
    } catch let e as ReferenceError {
      throw EvaluationError.reference(e)
    }
    var results: [KernelResult] = []
    for kernel in kernels {
    for op in ops {
      for variant in variants where variant.applies(to: op) && kernel.variants.contains(variant) {
        for policy in kernelFormat.effectivePolicies(policies) {
          guard var computed = run(kernel, op, variant, row, kernelFormat, policy, target) else { continue }
          if !output.isIdentity(for: kernelFormat) { computed = computed.map(output.deliver) }
          let measures: [Measure]
          if reference.undefined {
            measures = computed.map { _ in Measure.undefined }
          } else {
            measures = zip(computed, reference.results[op]!).map { Measures.measure(computed: $0, exact: $1) }
          }
          results.append(KernelResult(kernel: kernel, op: op, variant: variant, policy: policy, output: computed,
                                      measures: measures))
        }
      }
    }
    }
    return RowEvaluation(format: format, output: output, logits: row, target: target, reference: reference,
                         results: results)
  }
}
