/// The docs/definitions.md aggregates of a group (operation x variant x format x policy x case family).
///
/// Add measures in a fixed order (case order, then element order): the worst case is the first
/// element that reaches the maximum, so the result does not depend on how work was scheduled.
public struct Aggregate: Sendable, Equatable {
  /// Values measured (undefined rows excluded).
  public private(set) var count = 0
  public private(set) var correctlyRounded = 0
  public private(set) var overflow = 0
  public private(set) var underflow = 0
  public private(set) var nan = 0
  /// Elements of undefined rows (not counted in `count`).
  public private(set) var undefined = 0
  /// ULP errors of the finite outputs.
  private var errors: [Double] = []
  /// The case id and element index of the largest ULP error over finite outputs.
  public private(set) var worst: (caseID: String, index: Int)? = nil

  public init() {}

  public mutating func add(_ m: Measure, caseID: String, index: Int, computed: Double) {
    guard m.status != .undefined, let e = m.ulpError else {
      undefined += 1
      return
    }
    count += 1
    if m.correctlyRounded { correctlyRounded += 1 }
    if m.overflow { overflow += 1 }
    if m.underflow { underflow += 1 }
    if m.nan { nan += 1 }
    if computed.isFinite && e.isFinite {
      if maxULP.map({ e > $0 }) ?? true {
        maxULP = e
        worst = (caseID, index)
      }
      errors.append(e)
    }
  }

  /// Adds a later part of the same group: the result is what adding its measures one by one after
  /// this part's would give.
  public mutating func merge(_ other: Aggregate) {
    count += other.count
    correctlyRounded += other.correctlyRounded
    overflow += other.overflow
    underflow += other.underflow
    nan += other.nan
    undefined += other.undefined
    errors += other.errors
    if let m = other.maxULP, maxULP.map({ m > $0 }) ?? true {
      maxULP = m
      worst = other.worst
    }
  }

  /// The aggregate whose parts are these, as `add` would have left them: `errors` are the ULP
  /// errors of the finite outputs in the order added, `worst` the case and element of the first
  /// largest one (a partial result carries these so that merging its parts is exact).
  public init(count: Int, correctlyRounded: Int, overflow: Int, underflow: Int, nan: Int, undefined: Int,
              errors: [Double], worst: (caseID: String, index: Int)?)
  {
    self.count = count
    self.correctlyRounded = correctlyRounded
    self.overflow = overflow
    self.underflow = underflow
    self.nan = nan
    self.undefined = undefined
    self.errors = errors
    self.worst = worst
    for e in errors where maxULP.map({ e > $0 }) ?? true { maxULP = e }
  }

  /// The ULP errors of the finite outputs, in the order they were added.
  public var finiteErrors: [Double] { errors }

  /// The share of values that are correctly rounded, in [0, 1] (nil when nothing was measured).
  public var correctlyRoundedShare: Double? { count == 0 ? nil : Double(correctlyRounded) / Double(count) }
  /// Largest ULP error over finite outputs.
  public private(set) var maxULP: Double? = nil
  /// Mean ULP error over finite outputs.
  public var meanULP: Double? { errors.isEmpty ? nil : errors.reduce(0, +) / Double(errors.count) }
  /// The 99th percentile of the ULP errors over finite outputs (nearest rank: the value at rank
  /// ceil(0.99 N) in increasing order).
  public var p99ULP: Double? {
    guard !errors.isEmpty else { return nil }
    let rank = Int((0.99 * Double(errors.count)).rounded(.up))
    return Aggregate.orderStatistic(max(rank, 1) - 1, of: errors)
  }

  /// The element that would be at `index` if `values` were sorted, holding a copy of only the
  /// values above a threshold when `index` is near the top (a group of 10^8 errors needs its p99,
  /// not a second copy of all of them). The threshold t is an element of an evenly spaced sample,
  /// a little below `index`'s share of it; the values below t and equal to it are only counted.
  /// When t turns out to lie above the answer (an unlucky sample), the whole array is copied and
  /// selected: the result is exact either way.
  static func orderStatistic(_ index: Int, of values: [Double]) -> Double {
    let n = values.count, samples = 1024
    if n < 8 * samples {
      var copy = values
      return select(index, in: &copy)
    }
    var sample = (0..<samples).map { values[$0 * (n / samples)] }
    let t = select(max(0, index * samples / n - samples / 64), in: &sample)
    var below = 0, equal = 0
    var above: [Double] = []
    for v in values {
      if v < t { below += 1 } else if v == t { equal += 1 } else { above.append(v) }
    }
    if index < below {
      var copy = values
      return select(index, in: &copy)
    }
    if index < below + equal { return t }
    return select(index - below - equal, in: &above)
  }

  /// The element that would be at `index` if `values` were sorted (quickselect with a three-way
  /// partition, so runs of equal errors cost nothing; the pivot is the median of three, so the
  /// work does not depend on chance). `values` is reordered.
  static func select(_ index: Int, in values: inout [Double]) -> Double {
    var lo = 0, hi = values.count - 1
    while lo < hi {
      let a = values[lo], b = values[(lo + hi) / 2], c = values[hi]
      let pivot = max(min(a, b), min(max(a, b), c))
      // [lo, lt) < pivot, [lt, i) == pivot, (gt, hi] > pivot.
      var lt = lo, i = lo, gt = hi
      while i <= gt {
        let v = values[i]
        if v < pivot {
          values.swapAt(lt, i)
          lt += 1
          i += 1
        } else if v > pivot {
          values.swapAt(i, gt)
          gt -= 1
        } else {
          i += 1
        }
      }
      if index < lt { hi = lt - 1 } else if index > gt { lo = gt + 1 } else { return pivot }
    }
    return values[lo]
  }

  public static func == (a: Aggregate, b: Aggregate) -> Bool {
    a.count == b.count && a.correctlyRounded == b.correctlyRounded && a.overflow == b.overflow
      && a.underflow == b.underflow && a.nan == b.nan && a.undefined == b.undefined
      && a.errors == b.errors && a.worst?.caseID == b.worst?.caseID && a.worst?.index == b.worst?.index
  }
}
