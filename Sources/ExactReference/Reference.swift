import MPFR
import SoftmaxSpec

/// What the reference knows of one output element: its exact value v and RN_T(v).
public struct ExactValue: @unchecked Sendable {
  /// RN_T(v), the correctly rounded result (sign of zero included), as a Double.
  public let rounded: Double
  /// log2 ulp_T(v) per docs/definitions.md.
  public let ulpExponent: Int
  /// True when `value` is v exactly.
  public let isExact: Bool
  /// v or its approximation.
  private let storage: Storage

  private enum Storage {
    /// From MPFR: v itself when exact (or infinite), otherwise within 2^-40 ulp_T(v) of v.
    case big(BigFloat)
    /// From the fast path: the unevaluated sum head + tail, within 2^-40 ulp_T(v) of v.
    case pair(head: Double, tail: Double)
  }

  /// A value from MPFR: v itself when exact (or infinite), otherwise within 2^-40 ulp_T(v) of v.
  public init(rounded: Double, value: BigFloat, ulpExponent: Int, isExact: Bool) {
    self.rounded = rounded
    self.ulpExponent = ulpExponent
    self.isExact = isExact
    storage = .big(value)
  }

  /// A value from the fast path: head + tail is within 2^-40 ulp_T(v) of v (not exact).
  init(rounded: Double, ulpExponent: Int, head: Double, tail: Double) {
    self.rounded = rounded
    self.ulpExponent = ulpExponent
    isExact = false
    storage = .pair(head: head, tail: tail)
  }

  /// v itself when `isExact` (or infinite), otherwise a value within 2^-40 ulp_T(v) of v.
  public var value: BigFloat {
    switch storage {
    case .big(let x): return x
    case let .pair(head, tail): return DoubleWord(head, tail).big
    }
  }

  public var isNaN: Bool {
    if case .big(let x) = storage { return x.isNaN }
    return false
  }

  public var isFinite: Bool {
    if case .big(let x) = storage { return x.isFinite }
    return true
  }

  /// c - v in MPFR at the precision of `value` (at least 64 bits), rounded to nearest: far finer
  /// than any error the measures report.
  public func difference(from c: Double) -> BigFloat {
    let v = value
    return BigFloat.subtract(BigFloat(c), v, precision: max(64, v.precision), .nearestEven).0
  }

  /// |c - v| / ulp_T(v) for a finite c (v finite), computed from `value` without a Double round trip
  /// of v: exact to 1e-12 ulp (v's enclosure), and to about 1e-15 relative beyond that.
  public func ulpError(of c: Double) -> Double {
    guard case let .pair(head, tail) = storage else {
      let difference = difference(from: c)
      let (magnitude, _) = BigFloat.abs(difference, precision: difference.precision, .nearestEven)
      let (ratio, _) = BigFloat.scaled(magnitude, byPowerOfTwo: -ulpExponent, precision: magnitude.precision, .nearestEven)
      return ratio.double(.nearestEven)
    }
    // c - head is exact as s + e (TwoSum); then (e - tail) and the sum are rounded once each.
    let (s, e) = DoubleWord.twoSum(c, -head)
    let difference = s + (e - tail)
    return difference.magnitude * powerOfTwo(-ulpExponent)  // exact for the exponents of the fast path
  }
}

/// The exact results of one row, correctly rounded to its output format.
public struct ExactRow: @unchecked Sendable {
  /// The logits' format.
  public let format: Format
  /// The format the results are rounded to (the logits' format unless another was asked for).
  public let outputFormat: Format
  /// The results are the exact values times 2^outputScaleExponent (0 unless asked for).
  public let outputScaleExponent: Int
  public let logits: [Double]
  public let target: Int
  /// True when the results are undefined: every logit -inf, a NaN logit, or a +inf logit
  /// (docs/definitions.md); `results` is then empty.
  public let undefined: Bool
  /// The exact values of each requested operation, in element order.
  public let results: [Op: [ExactValue]]
  /// The working precision (bits) at which every rounding was decided: 106 (double-word) when the
  /// fast path decided the row, MPFR's precision otherwise.
  public let workingPrecision: Int
  /// True when the fast path decided every result of the row (false: MPFR's Ziv loop did).
  public let decidedByFastPath: Bool
}

/// Why a reference could not be computed.
public enum ReferenceError: Error, Equatable, CustomStringConvertible {
  case emptyRow
  case notAValueOfTheFormat(index: Int, value: Double, format: Format)
  case targetOutOfRange(target: Int, rowLength: Int)
  case undecided(precision: Int)

  public var description: String {
    switch self {
    case .emptyRow: return "the row is empty: give at least one logit"
    case let .notAValueOfTheFormat(i, v, f): return "logit \(i) (\(v)) is not a \(f.rawValue) value"
    case let .targetOutOfRange(t, n): return "target \(t) is out of range for a row of \(n) logits (0..<\(n))"
    case let .undecided(p): return "the rounding was not decided at \(p) bits (please report this row)"
    }
  }
}

/// The exact reference of docs/definitions.md: for a row of logits that are values of a format, the exact
/// lse, softmax, log-softmax, cross-entropy and ce-gradient, correctly rounded to that format.
///
/// Method: the row maximum m = x_k (first index of the maximum) is taken out, d_j = x_j - m is
/// computed exactly (the precision is sized from the exponents, so rows spanning 1e-300 to 1e300
/// are exact), and Blanchard-Higham-Higham's form is evaluated in interval arithmetic at working
/// precision w with MPFR's directed roundings:
///
///     s' = sum_{j != k} exp(d_j)        (mpfr_sum, one rounding per bound)
///     lse = m + log1p(s')               log-softmax_i = d_i - log1p(s')
///     cross-entropy = -log-softmax_t    softmax_i = exp(d_i) / (1 + s')
///     ce-gradient_i = softmax_i (i != t); at t: softmax_t - 1, or -s'/(1 + s') when t = k.
///
/// Each output's enclosure is rounded to the format at both ends; when both ends round to the same
/// value, in the same binade, and the enclosure is narrower than 2^-40 ulp (so that ULP errors
/// measured against it are exact to 1e-12 ulp), the result is decided. Otherwise w is doubled and
/// everything is recomputed (Ziv's strategy), from 128 bits up to 2^22 bits.
///
/// `method: .fast` (the default) first evaluates the same formula in double-word arithmetic with a
/// proven error bound per output (`FastReference`, docs/reference.md "The fast path"); a row goes to
/// the MPFR loop above only when one of its outputs is not decided that way. Both methods give the
/// same correctly rounded results; a test compares them.
///
/// Edge Cases:
/// - -inf logits (masked) have probability +0, log-probability -inf and gradient +0; a masked
///   target has cross-entropy +inf and gradient -1.
/// - Undefined rows (every logit -inf, a NaN or a +inf logit) are reported as `undefined`.
/// - Exact zeros: the ce-gradient at the target is -0 (it is -(sum_{j != t} p_j)); every other
///   exact zero is +0, as round-to-nearest evaluation of the formulas gives.
/// - exp(d_j) for d_j < -2^20 is replaced by exp(-2^20) (< 2^-1512775). Such a term is far below
///   half the smallest subnormal of every format, so this cannot change a rounding unless the
///   exact result lies within about 2^-1500000 of a rounding boundary; when the other terms are
///   absent, the results are exact values plus a positive infinitesimal and the replacement is
///   provably harmless (strict bounds carry the direction).
public enum Reference {
  /// Terms exp(d) with d below -tailCutoff are bounded by exp(-tailCutoff).
  static let tailCutoff = 1 << 20
  static let maxPrecision = 1 << 22

  /// The exact results of `operations` on `row` in `format`, times 2^`outputScaleExponent`,
  /// rounded to `outputFormat` (by default `format`, unscaled: docs/definitions.md, "Mixed formats").
  ///
  /// - Parameters:
  ///   - row: the logits, each a value of `format` (checked), at least one.
  ///   - target: the class t for cross-entropy and ce-gradient, in 0..<row.count when one of
  ///     them is requested.
  public static func evaluate(
    _ row: [Double], format: Format, outputFormat: Format? = nil, outputScaleExponent: Int = 0, target: Int = 0,
    operations: [Op] = Op.allCases, method: ReferenceMethod = .fast
  ) throws -> ExactRow {
    let output = outputFormat ?? format
    guard !row.isEmpty else { throw ReferenceError.emptyRow }
    for (i, x) in row.enumerated() where !format.contains(x) {
      throw ReferenceError.notAValueOfTheFormat(index: i, value: x, format: format)
    }
    if operations.contains(where: \.needsTarget) && !(0..<row.count).contains(target) {
      throw ReferenceError.targetOutOfRange(target: target, rowLength: row.count)
    }
    func exactRow(_ results: [Op: [ExactValue]], undefined: Bool = false, precision: Int, fast: Bool) -> ExactRow {
      ExactRow(format: format, outputFormat: output, outputScaleExponent: outputScaleExponent, logits: row,
               target: target, undefined: undefined, results: results, workingPrecision: precision,
               decidedByFastPath: fast)
    }
    if row.contains(where: { $0.isNaN || $0 == .infinity }) || row.allSatisfy({ $0 == -.infinity }) {
      return exactRow([:], undefined: true, precision: 0, fast: method == .fast)
    }
    if method == .fast, let results = FastReference.attempt(
      row, target: target, format: output, scaleExponent: outputScaleExponent, operations: operations)
    {
      return exactRow(results, precision: 106, fast: true)
    }
    let problem = Problem(row: row, target: target)
    var w = 128
    while w <= maxPrecision {
      if let results = problem.attempt(precision: w, format: output, scaleExponent: outputScaleExponent,
                                       operations: operations) {
        return exactRow(results, precision: w, fast: false)
      }
      w *= 2
    }
    throw ReferenceError.undecided(precision: maxPrecision)
  }
}

/// The parts of a row that do not depend on the working precision.
struct Problem {
  let row: [Double]
  let target: Int
  /// k, the first index of the maximum, and m = x_k.
  let k: Int
  let m: BigFloat
  /// d_j = x_j - m exactly; nil for masked (-inf) logits.
  let d: [BigFloat?]
  /// The argument given to exp for d_j: d_j, or -tailCutoff below it.
  let expArgument: [BigFloat?]

  init(row: [Double], target: Int) {
    self.row = row
    self.target = target
    var k = 0
    for (j, x) in row.enumerated() where x > row[k] { k = j }
    self.k = k
    let mx = row[k]
    m = BigFloat(mx)
    let cutoff = BigFloat(Double(-Reference.tailCutoff))
    var d: [BigFloat?] = []
    var arguments: [BigFloat?] = []
    for x in row {
      guard x != -.infinity else {
        d.append(nil)
        arguments.append(nil)
        continue
      }
      let bits = Problem.exactDifferencePrecision(x, mx)
      let (dj, t) = BigFloat.subtract(BigFloat(x), BigFloat(mx), precision: bits, .nearestEven)
      precondition(t == .exact, "x_j - m must be exact")
      d.append(dj)
      arguments.append(BigFloat.compare(dj, cutoff)! < 0 ? cutoff : dj)
    }
    self.d = d
    self.expArgument = arguments
  }

  /// Bits that hold a - b exactly for Doubles a and b (at most about 2150).
  static func exactDifferencePrecision(_ a: Double, _ b: Double) -> Int {
    if a == 0 || b == 0 { return 64 }
    let high = max(a.exponent, b.exponent), low = min(a.exponent, b.exponent)
    return Int(high - low) + 64
  }

  /// The enclosures of the row's exact values at working precision w.
  func enclosures(precision w: Int) -> RowEnclosures {
    let n = row.count
    // e_j = exp(d_j): 1 at k, 0 where masked.
    var e: [Enclosure] = []
    e.reserveCapacity(n)
    for j in 0..<n {
      if j == k {
        e.append(.one)
      } else if let a = expArgument[j] {
        let (y, t) = BigFloat.exp(a, precision: w, .nearestEven)
        e.append(.around(y, t))
      } else {
        e.append(.zero)
      }
    }
    let others = (0..<n).filter { $0 != k && d[$0] != nil }
    let sPrime = others.isEmpty ? Enclosure.zero : Enclosure.sum(others.map { e[$0] }, precision: w)
    return RowEnclosures(m: m, k: k, precision: w, difference: { d[$0] }, term: { e[$0] }, sPrime: sPrime,
                         logS: sPrime.log1p(precision: w), s: Enclosure.add(.one, sPrime, precision: w))
  }

  /// Every requested result at working precision w, or nil when one rounding is undecided.
  func attempt(precision w: Int, format: Format, scaleExponent: Int = 0, operations: [Op]) -> [Op: [ExactValue]]? {
    let scale = BigFloat(Double(sign: .plus, exponent: scaleExponent, significand: 1))
    let r = enclosures(precision: w)
    var results: [Op: [ExactValue]] = [:]
    for op in operations {
      var values: [ExactValue] = []
      for i in 0..<op.outputCount(rowLength: row.count) {
        let enclosure: Enclosure
        var zeroSign = FloatingPointSign.plus
        switch op {
        case .lse: enclosure = r.lse
        case .softmax: enclosure = r.softmax(i)
        case .logSoftmax: enclosure = r.logSoftmax(i)
        case .crossEntropy: enclosure = r.logSoftmax(target).negated
        case .ceGradient:
          if i == target { zeroSign = .minus }
          enclosure = r.ceGradient(i, target: target)
        }
        guard let value = enclosure.exactValue(format, scale: scale, scaleExponent: scaleExponent,
                                               zeroSign: zeroSign, precision: w) else { return nil }
        values.append(value)
      }
      results[op] = values
    }
    return results
  }
}

/// A row's exact values enclosed at one working precision w: e_j = exp(d_j), s' = sum_{j != k} e_j,
/// log1p(s') and s = 1 + s'. The differences d_j and terms e_j are asked for by index, so that the
/// fast path can supply the few it needs without computing all of them in MPFR.
struct RowEnclosures {
  /// m = x_k, the row maximum (k its first index).
  let m: BigFloat
  let k: Int
  let precision: Int
  /// d_i = x_i - m exactly; nil where masked.
  let difference: (Int) -> BigFloat?
  /// The enclosure of e_i = exp(d_i) (1 at k, 0 where masked).
  let term: (Int) -> Enclosure
  let sPrime: Enclosure
  let logS: Enclosure
  let s: Enclosure

  /// lse = m + log1p(s').
  var lse: Enclosure { Enclosure.add(.exact(m), logS, precision: precision) }

  /// p_i = e_i / s (+0 where masked).
  func softmax(_ i: Int) -> Enclosure {
    if difference(i) == nil { return .zero }
    return Enclosure.divide(term(i), s, precision: precision)
  }

  /// log p_i = d_i - log1p(s') (-inf where masked).
  func logSoftmax(_ i: Int) -> Enclosure {
    guard let di = difference(i) else { return .exact(BigFloat(-Double.infinity)) }
    return Enclosure.subtract(.exact(di), logS, precision: precision)
  }

  /// p_i - [i == t]: at the target -s'/(1 + s') when t = k (no cancellation), p_t - 1 otherwise.
  func ceGradient(_ i: Int, target t: Int) -> Enclosure {
    if i != t { return softmax(i) }
    return t == k
      ? Enclosure.divide(sPrime, s, precision: precision).negated
      : Enclosure.subtract(softmax(i), .one, precision: precision)
  }
}

extension Enclosure {
  /// The enclosed value times 2^scaleExponent (`scale`, exact), decided in `format`; nil when undecided.
  func exactValue(_ format: Format, scale: BigFloat, scaleExponent: Int, zeroSign: FloatingPointSign,
                  precision w: Int) -> ExactValue? {
    let scaled = scaleExponent == 0 ? self : self.scaled(by: scale, precision: w)
    guard let decided = scaled.decide(format, zeroSign: zeroSign) else { return nil }
    return ExactValue(decided, scaled)
  }
}

extension ExactValue {
  /// The value an enclosure decided.
  init(_ decided: FormatValue, _ enclosure: Enclosure) {
    self.init(rounded: decided.value, value: enclosure.midpoint, ulpExponent: decided.ulpExponent,
              isExact: enclosure.isExact)
  }
}
