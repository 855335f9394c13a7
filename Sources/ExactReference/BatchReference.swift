import MPFR
import SoftmaxSpec

/// The exact batch cross-entropy of docs/definitions.md and its gradient, correctly rounded to a format.
public struct ExactBatch: @unchecked Sendable {
  public let format: Format
  public let options: CrossEntropyOptions
  /// The loss: one value for `mean` and `sum`, one per row for `none`. Nil where it is undefined:
  /// a row that is not ignored is undefined (a NaN or +inf logit, every logit -inf), or the mean's
  /// denominator sum_n w_{t_n} is 0 (the frameworks return NaN, 0/0).
  public let loss: [ExactValue?]
  /// d loss / d logit (n, c) (for `none`, d l_n / d x_{n,c}); nil where undefined, as above.
  public let gradient: [[ExactValue?]]
  /// The working precision (bits) at which every rounding was decided.
  public let workingPrecision: Int
}

/// The batch loss computed exactly: each row's -log p_{n,c} and p_{n,c} enclosed as in
/// `Reference` (Blanchard-Higham-Higham's form in interval arithmetic), the weights, smoothing and
/// reduction applied in interval arithmetic with exact factors, and the precision raised until
/// every output rounds to one value of the format (Ziv's strategy):
///
///     l_n = (1 - eps) w_t (-log p_t) + (eps / C) sum_c w_c (-log p_c)        (t = t_n, 0 if ignored)
///     d l_n / d x_{n,c} = (1 - eps) w_t (p_c - [c = t]) + (eps / C) (p_c sum_j w_j - w_c)
///     mean: sum_n l_n / D and gradient / D, D = sum_{n not ignored} w_{t_n}
///
/// A term whose weight is 0 contributes exactly 0, even where -log p is +inf (a masked class):
/// the weight says the class does not count. Ignored rows contribute 0 whatever their logits.
public enum BatchReference {
  public static func evaluate(
    _ rows: [[Double]], targets: [Int], format: Format, options given: CrossEntropyOptions = .init()
  ) throws -> ExactBatch {
    let options = given.held(in: format)
    try options.validate(rows, targets: targets, format: format)
    let c = rows[0].count
    let ignored = targets.map { $0 == options.ignoreIndex }
    let undefined = rows.indices.map { n in
      !ignored[n] && (rows[n].contains { $0.isNaN || $0 == .infinity } || rows[n].allSatisfy { $0 == -.infinity })
    }
    let problems = rows.indices.map { n in ignored[n] || undefined[n] ? nil : Problem(row: rows[n], target: targets[n]) }
    let factors = Factors(options: options, classes: c, targets: targets, ignored: ignored)
    var w = format == .float64 ? 128 : 64
    while w <= Reference.maxPrecision {
      if let (loss, gradient) = attempt(problems, undefined: undefined, factors: factors, format: format, precision: w) {
        return ExactBatch(format: format, options: options, loss: loss, gradient: gradient, workingPrecision: w)
      }
      w *= 2
    }
    throw ReferenceError.undecided(precision: Reference.maxPrecision)
  }

  /// RN_T of the exact mean of `values` (finite values of `format`), and the exact mean itself:
  /// the yardstick of the reduction study.
  public static func mean(of values: [Double], format: Format) throws -> ExactValue {
    precondition(!values.isEmpty && values.allSatisfy(\.isFinite))
    let total = exactSum(values)
    let n = BigFloat(values.count)
    var w = 128
    while w <= Reference.maxPrecision {
      let m = Enclosure.exact(total).divided(by: n, precision: w)
      if let decided = m.decide(format, zeroSign: .plus) { return ExactValue(decided, m) }
      w *= 2
    }
    throw ReferenceError.undecided(precision: Reference.maxPrecision)
  }

  /// The exact sum of Doubles: their bits span at most 2098 places, and 64 more hold any count,
  /// so every partial sum is exact at 2200 bits (added one at a time: memory stays constant).
  static func exactSum(_ values: [Double]) -> BigFloat {
    var s = BigFloat(0.0, precision: 2200)
    for v in values {
      let (next, t) = BigFloat.add(s, BigFloat(v), precision: 2200, .nearestEven)
      precondition(t == .exact, "a sum of Doubles is exact at 2200 bits")
      s = next
    }
    return s
  }

  /// The exact factors of the formulas: (1 - eps) w_c, eps, C, sum_c w_c, D.
  struct Factors {
    let options: CrossEntropyOptions
    let weights: [BigFloat]
    /// (1 - eps) w_c for each class.
    let targetFactor: [BigFloat]
    let eps: BigFloat
    let classes: BigFloat
    let weightSum: BigFloat
    let denominator: BigFloat

    init(options: CrossEntropyOptions, classes c: Int, targets: [Int], ignored: [Bool]) {
      self.options = options
      weights = (0..<c).map { BigFloat(options.weight($0)) }
      let (oneMinusEps, t) = BigFloat.subtract(BigFloat(1.0), BigFloat(options.labelSmoothing), precision: 1200, .nearestEven)
      precondition(t == .exact)
      targetFactor = weights.map { w in
        let (f, t) = BigFloat.multiply(oneMinusEps, w, precision: 1300, .nearestEven)
        precondition(t == .exact)
        return f
      }
      eps = BigFloat(options.labelSmoothing)
      classes = BigFloat(c)
      weightSum = exactSum((0..<c).map(options.weight))
      denominator = exactSum(targets.indices.filter { !ignored[$0] }.map { options.weight(targets[$0]) })
    }

    var smoothing: Bool { !eps.isZero }
  }

  static func attempt(
    _ problems: [Problem?], undefined: [Bool], factors f: Factors, format: Format, precision w: Int
  ) -> (loss: [ExactValue?], gradient: [[ExactValue?]])? {
    let c = f.weights.count
    let mean = f.options.reduction == .mean
    let meanDefined = !mean || !f.denominator.isZero
    var rowLoss: [Enclosure?] = []
    var gradient: [[ExactValue?]] = []
    for (n, problem) in problems.enumerated() {
      guard let problem else {
        // Ignored (0) or undefined (nil).
        rowLoss.append(undefined[n] ? nil : .zero)
        let zero = ExactValue(FormatValue(value: 0, ulpExponent: format.minExponent - format.precision + 1), .zero)
        gradient.append(Array(repeating: undefined[n] || !meanDefined ? nil : zero, count: c))
        continue
      }
      let r = problem.enclosures(precision: w)
      let t = problem.target
      let minusLogP = { (j: Int) in r.logSoftmax(j).negated }
      var l = minusLogP(t).scaled(by: f.targetFactor[t], precision: w)
      if f.smoothing {
        let others = Enclosure.sum((0..<c).map { minusLogP($0).scaled(by: f.weights[$0], precision: w) }, precision: w)
        l = Enclosure.add(l, others.scaled(by: f.eps, precision: w).divided(by: f.classes, precision: w), precision: w)
      }
      rowLoss.append(l)
      var row: [ExactValue?] = []
      for j in 0..<c {
        guard meanDefined else {
          row.append(nil)
          continue
        }
        var g = r.ceGradient(j, target: t).scaled(by: f.targetFactor[t], precision: w)
        if f.smoothing {
          let spread = Enclosure.subtract(r.softmax(j).scaled(by: f.weightSum, precision: w), .exact(f.weights[j]),
                                          precision: w)
          g = Enclosure.add(g, spread.scaled(by: f.eps, precision: w).divided(by: f.classes, precision: w), precision: w)
        }
        if mean { g = g.divided(by: f.denominator, precision: w) }
        guard let decided = g.decide(format, zeroSign: j == t && !f.smoothing ? .minus : .plus) else { return nil }
        row.append(ExactValue(decided, g))
      }
      gradient.append(row)
    }
    var loss: [ExactValue?] = []
    if f.options.reduction == .none {
      for l in rowLoss {
        guard let l else {
          loss.append(nil)
          continue
        }
        guard let decided = l.decide(format, zeroSign: .plus) else { return nil }
        loss.append(ExactValue(decided, l))
      }
    } else if rowLoss.contains(where: { $0 == nil }) || !meanDefined {
      loss = [nil]
    } else {
      var total = Enclosure.sum(rowLoss.map { $0! }, precision: w)
      if mean { total = total.divided(by: f.denominator, precision: w) }
      guard let decided = total.decide(format, zeroSign: .plus) else { return nil }
      loss = [ExactValue(decided, total)]
    }
    return (loss, gradient)
  }
}
