import CMPFR

/// An MPFR rounding direction, named at every call (MPFR keeps no rounding state for us).
public enum Rounding: Sendable, CaseIterable {
  /// Round to nearest, ties to even (`MPFR_RNDN`).
  case nearestEven
  /// Round toward -infinity (`MPFR_RNDD`).
  case down
  /// Round toward +infinity (`MPFR_RNDU`).
  case up
  /// Round toward zero (`MPFR_RNDZ`).
  case towardZero

  var mpfr: mpfr_rnd_t {
    switch self {
    case .nearestEven: return MPFR_RNDN
    case .down: return MPFR_RNDD
    case .up: return MPFR_RNDU
    case .towardZero: return MPFR_RNDZ
    }
  }
}

/// Where a rounded result lies relative to the exact result of the operation (MPFR's ternary value).
public enum Ternary: Sendable, Equatable {
  /// The result is the exact value.
  case exact
  /// The result is greater than the exact value.
  case above
  /// The result is less than the exact value.
  case below

  init(_ t: Int32) { self = t == 0 ? .exact : (t > 0 ? .above : .below) }
}
