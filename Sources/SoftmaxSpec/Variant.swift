/// The kernel variants of docs/definitions.md, with their stable names (API, CLI and reports).
public enum Variant: String, CaseIterable, Sendable, Codable {
  /// The textbook formula, no shift: exp(x) overflows and underflows freely;
  /// log-softmax is log(softmax).
  case naive
  /// Subtract the row maximum m before exp; log-softmax is log(e_i / s).
  case shifted
  /// log-softmax = (x_i - m) - log(s); lse = m + log(s); cross-entropy = lse - x_t.
  case fused
  /// Blanchard-Higham-Higham Algorithm 4.1 with error-free transformations and a compensated sum.
  case accurate
  /// One pass with a running max and a rescaled sum (Milakov & Gimelshein 2018).
  case online
  /// No max pass (Dukhan & Ablavatski 2020, as in XNNPACK): the sum of exp(x_j) kept per lane as
  /// a (mantissa, exponent) pair, exp(x) = 2^k r, so nothing overflows; a second pass writes the
  /// outputs. It reads the row twice.
  case twoPass = "two-pass"
  /// softmax only: exp(x_i - lse).
  case divisionFree = "division-free"
  /// ce-gradient only: backpropagation through a separate log layer and softmax layer.
  case chained

  /// True when the variant is defined for `operation`.
  public func applies(to operation: Op) -> Bool {
    switch self {
    case .divisionFree: return operation == .softmax
    case .chained: return operation == .ceGradient
    default: return true
    }
  }
}

/// Which implementation of a variant runs: the SIMD kernels (the default; what users copy) or
/// the scalar textbook versions (naive, shifted and fused only: the readable definitions).
public enum KernelKind: String, CaseIterable, Sendable, Codable {
  case simd, textbook
}
