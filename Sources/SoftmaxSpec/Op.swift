/// An operation of docs/definitions.md on one row x of n logits with target class t (`--op` in the CLI).
public enum Op: String, CaseIterable, Sendable, Codable {
  /// log(sum_j exp(x_j)); one value per row.
  case lse
  /// exp(x_i) / sum_j exp(x_j); n values.
  case softmax
  /// x_i - lse(x); n values.
  case logSoftmax = "log-softmax"
  /// -log-softmax(x)_t; one value per row.
  case crossEntropy = "cross-entropy"
  /// d cross-entropy / d x_i = softmax(x)_i - [i == t]; n values.
  case ceGradient = "ce-gradient"

  /// True for the operations that read the target class t.
  public var needsTarget: Bool { self == .crossEntropy || self == .ceGradient }

  /// The number of values the operation returns for a row of n logits.
  public func outputCount(rowLength n: Int) -> Int {
    switch self {
    case .lse, .crossEntropy: return 1
    case .softmax, .logSoftmax, .ceGradient: return n
    }
  }
}

/// The precision policy, orthogonal to the variant (docs/definitions.md): `native` rounds every operation to
/// the storage format; `wide` loads, computes in the next wider format, and rounds once on store.
public enum Policy: String, CaseIterable, Sendable, Codable {
  case native, wide

  /// The format the arithmetic is done in: the storage format for `native`, `format.wider`
  /// for `wide`.
  public func computeFormat(for format: Format) -> Format {
    self == .native ? format : format.wider
  }
}

/// The elementary functions the kernels implement for themselves (SIMD, no libm).
public enum ElementaryFunction: String, CaseIterable, Sendable, Codable {
  case exp, log, log1p
}
