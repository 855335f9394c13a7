/// How the per-row losses l_n of a batch are reduced (docs/definitions.md, "Batch cross-entropy").
public enum LossReduction: String, CaseIterable, Sendable, Codable {
  /// The vector l (0 at ignored rows).
  case none
  /// sum_n l_n / sum_n w_{t_n} over the rows not ignored; NaN (0/0) when that denominator is 0.
  case mean
  /// sum_n l_n; 0 when every row is ignored.
  case sum
}

/// The framework cross-entropy loss's settings: class weights w (default 1), the ignored target
/// value, label smoothing eps and the reduction. The defaults are PyTorch's
/// (`ignore_index=-100`, no weights, no smoothing, mean).
public struct CrossEntropyOptions: Sendable, Equatable {
  /// w_c for each class c, finite and >= 0; nil means every weight is 1.
  public var weights: [Double]?
  /// Rows whose target equals this value contribute 0 and leave the mean's denominator alone.
  public var ignoreIndex: Int
  /// eps in [0, 1]: the target distribution is (1 - eps) onehot(t) + eps / C.
  public var labelSmoothing: Double
  public var reduction: LossReduction

  public static let defaultIgnoreIndex = -100

  public init(weights: [Double]? = nil, ignoreIndex: Int = CrossEntropyOptions.defaultIgnoreIndex,
              labelSmoothing: Double = 0, reduction: LossReduction = .mean)
  {
    self.weights = weights
    self.ignoreIndex = ignoreIndex
    self.labelSmoothing = labelSmoothing
    self.reduction = reduction
  }

  /// The options as a format holds them: eps and the weights rounded to the format's nearest
  /// values, as a framework holds them in the tensor's type. The batch loss and its reference
  /// both use these.
  public func held(in format: Format) -> CrossEntropyOptions {
    var o = self
    o.labelSmoothing = format.round(labelSmoothing)
    o.weights = weights?.map(format.round)
    return o
  }

  /// w_c (1 without weights).
  public func weight(_ c: Int) -> Double { weights?[c] ?? 1 }

  /// Checks a batch against these options: rows of one length C >= 1, one target per row, each in
  /// 0..<C or equal to `ignoreIndex`, C weights, each finite and >= 0, eps in [0, 1], every logit
  /// a value of `format`.
  public func validate(_ rows: [[Double]], targets: [Int], format: Format) throws(BatchError) {
    guard let first = rows.first else { throw .emptyBatch }
    let c = first.count
    guard c > 0 else { throw .emptyRow(0) }
    guard targets.count == rows.count else { throw .targetCount(targets: targets.count, rows: rows.count) }
    for (n, row) in rows.enumerated() {
      guard row.count == c else { throw row.isEmpty ? .emptyRow(n) : .raggedRow(n, count: row.count, expected: c) }
      for (i, x) in row.enumerated() where !format.contains(x) {
        throw .notAValueOfTheFormat(row: n, index: i, value: x, format: format)
      }
      let t = targets[n]
      guard t == ignoreIndex || (0..<c).contains(t) else { throw .targetOutOfRange(row: n, target: t, classes: c) }
    }
    if let w = weights {
      guard w.count == c else { throw .weightCount(w.count, classes: c) }
      for (i, x) in w.enumerated() where !(x.isFinite && x >= 0) { throw .badWeight(i, x) }
    }
    guard labelSmoothing >= 0 && labelSmoothing <= 1 else { throw .badSmoothing(labelSmoothing) }
  }
}

/// Why a batch was refused; one line each.
public enum BatchError: Error, Equatable, CustomStringConvertible {
  case emptyBatch
  case emptyRow(Int)
  case raggedRow(Int, count: Int, expected: Int)
  case targetCount(targets: Int, rows: Int)
  case targetOutOfRange(row: Int, target: Int, classes: Int)
  case weightCount(Int, classes: Int)
  case badWeight(Int, Double)
  case badSmoothing(Double)
  case notAValueOfTheFormat(row: Int, index: Int, value: Double, format: Format)
  case variant(Variant)

  public var description: String {
    switch self {
    case .emptyBatch: return "the batch is empty: give at least one row"
    case .emptyRow(let n): return "row \(n) is empty: give at least one logit"
    case let .raggedRow(n, count, expected): return "row \(n) has \(count) logits, row 0 has \(expected): every row needs the same number of classes"
    case let .targetCount(t, r): return "\(t) targets for \(r) rows: give one target per row"
    case let .targetOutOfRange(n, t, c):
      return "target \(t) of row \(n) is out of range for \(c) classes (0..<\(c), or the ignore index)"
    case let .weightCount(w, c): return "\(w) class weights for \(c) classes: give one weight per class"
    case let .badWeight(i, x): return "class weight \(i) is \(x): weights must be finite and >= 0"
    case .badSmoothing(let e): return "label smoothing \(e) is outside [0, 1]"
    case let .notAValueOfTheFormat(n, i, x, f): return "logit \(i) of row \(n) (\(x)) is not a \(f.rawValue) value"
    case .variant(let v):
      return "variant '\(v.rawValue)' has no batch loss (use \(Variant.batchVariants.map(\.rawValue).joined(separator: ", ")))"
    }
  }
}

extension Variant {
  /// The variants that compute the batch loss and its gradient: those with a cross-entropy
  /// kernel. `chained` is a one-row gradient with no loss; `division-free` is softmax only.
  public static let batchVariants: [Variant] = allCases.filter { $0.applies(to: .crossEntropy) }
}
