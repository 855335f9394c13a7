import SoftmaxSpec

/// A batch loss and its gradient as a kernel computed them (values of the storage format).
public struct BatchLossResult: Sendable, Equatable {
  /// One value for `mean` and `sum`, one per row for `none`.
  public let loss: [Double]
  /// d loss / d logit (n, c), row-major as the logits; empty when not requested.
  public let gradient: [[Double]]
}

/// The framework cross-entropy loss (docs/definitions.md, "Batch cross-entropy") computed by a variant's row
/// kernels: each row's cross-entropy (and, with label smoothing, its log-softmax) and its
/// ce-gradient (and softmax) come from the variant's kernel in the storage format; the weights,
/// smoothing and reduction are applied in the policy's compute format, and the results rounded to
/// the storage format:
///
///     l_n = w_t ce_n,  or with eps > 0:  ((1 - eps) w_t) ce_n + (eps / C) sum_c w_c (-log-softmax_c)
///     g_{n,c} = w_t grad_c,  or:  ((1 - eps) w_t) grad_c + (eps / C) (p_c W - w_c),  W = sum_c w_c
///     sum = sum_n l_n;  mean = sum / D, D = sum of w_t over the rows not ignored (g / D likewise)
///
/// Edge cases: an ignored row gives l_n = 0 and a zero gradient whatever its logits; a term whose
/// weight is 0 is left out (it contributes 0 even where -log p is +inf); when D = 0 (every row
/// ignored, or every target's weight 0) the mean and every element of its gradient are NaN
/// (0/0, as the frameworks return) and the sum is 0; a -inf logit has p = 0 and, as a target or
/// under smoothing, a loss of +inf. Weights and eps are taken as the nearest values of the
/// storage format (`CrossEntropyOptions.held(in:)`), here and in the reference.
public enum BatchLoss {
  /// The default accumulation of a variant's reductions: `accurate` compensates; the others add
  /// left to right, as a plain loop does.
  public static func defaultAccumulation(_ variant: Variant) -> ScalarSummation {
    variant == .accurate ? .compensated : .sequential
  }

  /// The loss (and gradient) of a batch by `variant` under `policy`.
  ///
  /// - Throws: `BatchError` for a malformed batch, an out-of-range target or a variant with no
  ///   cross-entropy kernel.
  public static func evaluate(
    _ rows: [[Double]], targets: [Int], format: Format, variant: Variant, policy: Policy = .native,
    options: CrossEntropyOptions = .init(), accumulation: ScalarSummation? = nil, gradient: Bool = true,
    using run: KernelFunction = Kernels.run
  ) throws(BatchError) -> BatchLossResult {
    guard Variant.batchVariants.contains(variant) else { throw .variant(variant) }
    let o = options.held(in: format)
    try o.validate(rows, targets: targets, format: format)
    let a = Arithmetic(policy.computeFormat(for: format))
    let accumulate = accumulation ?? defaultAccumulation(variant)
    let c = rows[0].count
    let eps = o.labelSmoothing, smoothing = eps != 0
    let targetFactor = a.subtract(1, eps)
    let epsOverC = a.divide(eps, Double(c))
    let weightSum = accumulate.sum((0..<c).map(o.weight), in: a)
    let kept = targets.indices.filter { targets[$0] != o.ignoreIndex }
    let denominator = accumulate.sum(kept.map { o.weight(targets[$0]) }, in: a)
    let mean = o.reduction == .mean

    // The SIMD kernels of every batch variant (a substitute `run` that has none gives NaN).
    func rowKernel(_ op: Op, _ n: Int) -> [Double] {
      run(.simd, op, variant, rows[n], format, policy, targets[n])
        ?? Array(repeating: .nan, count: op.outputCount(rowLength: c))
    }
    var losses: [Double] = []
    var grads: [[Double]] = []
    for n in rows.indices {
      let t = targets[n]
      guard t != o.ignoreIndex else {
        losses.append(0)
        if gradient { grads.append(Array(repeating: mean && denominator == 0 ? .nan : 0, count: c)) }
        continue
      }
      let wt = o.weight(t)
      let rowFactor = smoothing ? a.multiply(targetFactor, wt) : wt  // (1 - eps) w_t
      // l_n
      var l = wt == 0 ? 0 : a.multiply(rowFactor, rowKernel(.crossEntropy, n)[0])
      if smoothing {
        let logP = rowKernel(.logSoftmax, n)
        let terms = (0..<c).filter { o.weight($0) != 0 }.map { a.multiply(o.weight($0), -logP[$0]) }
        l = a.add(l, a.multiply(epsOverC, accumulate.sum(terms, in: a)))
      }
      losses.append(l)
      // d l_n / d x_n
      guard gradient else { continue }
      let g = rowKernel(.ceGradient, n)
      let p = smoothing ? rowKernel(.softmax, n) : []
      var row: [Double] = []
      for j in 0..<c {
        var v = a.multiply(rowFactor, g[j])
        if smoothing {
          v = a.add(v, a.multiply(epsOverC, a.subtract(a.multiply(p[j], weightSum), o.weight(j))))
        }
        if mean { v = denominator == 0 ? .nan : a.divide(v, denominator) }
        row.append(format.round(v))
      }
      grads.append(row)
    }
    let loss: [Double]
    switch o.reduction {
    case .none: loss = losses.map(format.round)
    case .sum: loss = [format.round(accumulate.sum(losses, in: a))]
    case .mean: loss = [denominator == 0 ? .nan : format.round(a.divide(accumulate.sum(losses, in: a), denominator))]
    }
    return BatchLossResult(loss: loss, gradient: grads)
  }
}
