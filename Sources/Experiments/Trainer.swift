import Accuracy
import SoftmaxSpec

/// How a softmax regression is trained (`softmax-lab train`).
public struct TrainingSettings: Sendable, Equatable {
  public var variant: Variant
  public var format: Format
  public var policy: Policy
  public var epochs: Int
  public var batchSize: Int
  public var learningRate: Double
  public var labelSmoothing: Double

  public init(variant: Variant = .fused, format: Format = .float32, policy: Policy = .native, epochs: Int = 10,
              batchSize: Int = 64, learningRate: Double = 0.05, labelSmoothing: Double = 0)
  {
    self.variant = variant
    self.format = format
    self.policy = policy
    self.epochs = epochs
    self.batchSize = batchSize
    self.learningRate = learningRate
    self.labelSmoothing = labelSmoothing
  }
}

/// Where training first produced an infinite or NaN value.
public struct Breakdown: Sendable, Equatable {
  /// 1-based epoch, 1-based step within it, and 1-based step counted from the start.
  public let epoch: Int
  public let step: Int
  public let globalStep: Int
}

/// One epoch's record.
public struct EpochRecord: Sendable, Equatable {
  public let epoch: Int
  /// The mean of the epoch's mini-batch losses (each the batch's mean loss as the kernel computed
  /// it), averaged in Double for the record.
  public let meanLoss: Double
  /// The share of training examples misclassified by theta at the end of the epoch (argmax of the
  /// logits as training computes them; a NaN logit row counts as misclassified).
  public let trainingError: Double
  /// The largest finite |logit| the epoch's steps computed (0 when none was finite).
  public let maxLogit: Double
}

public struct TrainingRun: Sendable, Equatable {
  public let settings: TrainingSettings
  public let source: String
  public let epochs: [EpochRecord]
  /// The first step whose loss was inf or NaN, and the first whose update left an inf or NaN in theta.
  public let lossBreak: Breakdown?
  public let thetaBreak: Breakdown?
  /// theta at the end (features x classes, row-major), values of the storage format.
  public let theta: [Double]

  /// The earlier of the two.
  public var firstBreak: Breakdown? {
    [lossBreak, thetaBreak].compactMap { $0 }.min { $0.globalStep < $1.globalStep }
  }
}

/// Softmax regression by mini-batch SGD, in a chosen format and policy, with the loss and gradient
/// of a chosen variant (`BatchLoss`, mean reduction):
///
///     Z = X_B theta                                   (B x k logits)
///     loss, G = BatchLoss(Z, y_B)                     G = (softmax(Z) - onehot(y_B)) / B
///     theta -= lr * X_B^T G                           i.e. lr / B * X^T (Z - I_y)
///
/// theta in R^{n x k} starts at 0; batches are taken in order (no shuffling), the last one
/// shorter when B does not divide the count. Data, theta, logits, gradients and lr are values of
/// the storage format; each dot product and update is computed in the policy's compute format
/// (`Arithmetic`) and rounded to the storage format, so float16 training is float16 arithmetic on
/// every machine. Deterministic: the same data and settings give the same run.
public enum Trainer {
  public static func train(_ data: Dataset, _ s: TrainingSettings) throws(BatchError) -> TrainingRun {
    let format = s.format
    let a = Arithmetic(s.policy.computeFormat(for: format))
    let data = data.stored(in: format)
    let (n, k) = (data.features, data.classes)
    let lr = format.round(s.learningRate)
    var theta = [Double](repeating: 0, count: n * k)
    var records: [EpochRecord] = []
    var lossBreak: Breakdown?, thetaBreak: Breakdown?
    var globalStep = 0
    let options = CrossEntropyOptions(labelSmoothing: s.labelSmoothing, reduction: .mean)

    precondition(s.epochs >= 1 && s.batchSize >= 1, "at least one epoch and one example per batch")
    for epoch in 1...s.epochs {
      var losses: [Double] = []
      var maxLogit = 0.0
      var start = 0, step = 0
      while start < data.count {
        let end = min(start + s.batchSize, data.count)
        step += 1
        globalStep += 1
        let rows = Array(start..<end)
        let z = logits(data, rows, theta, a, format)
        for v in z.joined() where v.isFinite { maxLogit = max(maxLogit, abs(v)) }
        let r = try BatchLoss.evaluate(z, targets: rows.map { data.labels[$0] }, format: format, variant: s.variant,
                                       policy: s.policy, options: options)
        losses.append(r.loss[0])
        if lossBreak == nil && !r.loss[0].isFinite {
          lossBreak = Breakdown(epoch: epoch, step: step, globalStep: globalStep)
        }
        // theta[f][c] -= lr * sum_b X[b][f] G[b][c]
        for f in 0..<n {
          for c in 0..<k {
            var g = 0.0
            for (b, i) in rows.enumerated() { g = a.add(g, a.multiply(data.x[i * n + f], r.gradient[b][c])) }
            let update = a.multiply(lr, format.round(g))
            theta[f * k + c] = format.round(a.subtract(theta[f * k + c], update))
          }
        }
        if thetaBreak == nil && theta.contains(where: { !$0.isFinite }) {
          thetaBreak = Breakdown(epoch: epoch, step: step, globalStep: globalStep)
        }
        start = end
      }
      let z = logits(data, Array(0..<data.count), theta, a, format)
      let wrong = z.indices.filter { i in
        let row = z[i]
        if row.contains(where: \.isNaN) { return true }
        var best = 0
        for c in row.indices where row[c] > row[best] { best = c }
        return best != data.labels[i]
      }.count
      records.append(EpochRecord(epoch: epoch, meanLoss: losses.reduce(0, +) / Double(losses.count),
                                 trainingError: Double(wrong) / Double(data.count), maxLogit: maxLogit))
    }
    return TrainingRun(settings: s, source: data.source, epochs: records, lossBreak: lossBreak, thetaBreak: thetaBreak,
                       theta: theta)
  }

  /// X_rows theta: each logit a dot product over the features, left to right, in the compute
  /// format, rounded to the storage format.
  public static func logits(_ data: Dataset, _ rows: [Int], _ theta: [Double], _ a: Arithmetic, _ format: Format) -> [[Double]] {
    let (n, k) = (data.features, data.classes)
    return rows.map { i in
      (0..<k).map { c in
        var z = 0.0
        for f in 0..<n { z = a.add(z, a.multiply(data.x[i * n + f], theta[f * k + c])) }
        return format.round(z)
      }
    }
  }
}
