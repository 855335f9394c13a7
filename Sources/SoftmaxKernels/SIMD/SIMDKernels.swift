import SoftmaxSpec

/// The SIMD kernels: every operation and variant of docs/definitions.md on one row, generic over `Lanes`
/// (format x policy), specialized by the compiler for each. Each variant computes exactly the
/// formula docs/definitions.md gives it, in the lane type, with `L.round` applied after every operation (the
/// per-operation rounding of float16 `native`):
///
/// - `naive`: s = sum exp(x_j); lse = log s; p_i = exp(x_i)/s; log-softmax = log p; CE = -log p_t.
/// - `shifted`: m = max; e_i = exp(x_i - m); s = sum e; lse = m + log s; p = e/s; log-softmax = log p.
/// - `fused`: log-softmax = (x_i - m) - log s; CE = lse - x_t; softmax as shifted.
/// - `two-pass`: pass 1 sums exp(x_j) = 2^k r per lane as (mantissa, exponent) pairs, no max pass;
///   pass 2: lse = E ln2 + log S, log-softmax = ((x - p) - q) - log S, softmax = (r/S) 2^(k - E).
/// - `online`: one pass keeping per lane the running max and rescaled sum, lanes merged with
///   (M, sum_l d_l e^(m_l - M)); then the fused outputs.
/// - `division-free` (softmax): exp(x_i - lse), lse fused.
/// - `chained` (ce-gradient): p shifted; dL/dp_t = -1/p_t; dx_i = p_i (g_i - sum_j g_j p_j).
/// - `accurate`: Blanchard-Higham-Higham Algorithm 4.1 with error-free d_j = x_j - m (TwoSum,
///   exp(d_hi)(1 + d_lo)), compensated summation of s' = sum_{j != k} e_j, lse = m + log1p(s'),
///   log-softmax_i = (d_hi - log1p s') + d_lo, CE = (log1p s' - d_hi,t) - d_lo,t,
///   p_i = e_i / (1 + s'), gradient at t: -(1 + (s' - e_t))/(1 + s'), or -s'/(1 + s') at t = k.
///   Its error bound is derived in docs/kernels.md ("The accurate variant").
///
/// Each variant is written as three passes over the row (`Recipes.swift`: a first reduction, a
/// second one that needs the first's result, the outputs); `RowPasses.swift` runs them, one row at
/// a time (`run`) or with three rows in flight (`runBatch`), with the same bits either way.
///
/// Edge Cases (all variants): -inf logits are masked (probability 0); a row of -inf, a NaN or a +inf
/// logit gives NaN or inf as IEEE arithmetic does (the reference calls such rows undefined).
/// Preconditions: n >= 1 and 0 <= target < n (callers check).
public enum SIMDKernels {
  public typealias Scalar<L: Lanes> = L.V.Scalar

  // MARK: Row statistics

  /// m = max_j x_j (NaN ignored).
  @inlinable
  public static func maximum<L: Lanes>(_: L.Type, _ x: UnsafePointer<L.Storage>, _ n: Int) -> L.V.Scalar {
    var pass = MaxPass<L, WithoutIndex>()
    sweep(&pass, x, n)
    return pass.maximum
  }

  /// The first index k with x_k == m (0 when there is none).
  @inlinable
  public static func firstIndex<L: Lanes>(_: L.Type, of m: L.V.Scalar, _ x: UnsafePointer<L.Storage>, _ n: Int) -> Int {
    for j in 0..<n where L.V.Scalar(x[j].double) == m { return j }
    return 0
  }

  /// The sum of `term(i, count)` over the row's vectors (lanes past count must be 0), by `summation`.
  @inlinable @inline(__always)
  public static func sum<L: Lanes>(_: L.Type, _ n: Int, _ summation: SIMDSummation, _ term: (Int, Int) -> L.V) -> L.V.Scalar {
    if summation == .pairwise { return pairwise(L.self, 0, n, term) }
    var stream = SummationStream<L, Runtime<SIMDSummation>>(summation)
    var i = 0
    while i < n {
      let count = min(L.width, n - i)
      stream.add(term(i, count), count: count)
      i += L.width
    }
    return stream.total
  }

  /// |v| lane by lane: the sign bit cleared (one AND; `MaskStorage.Scalar.max` is every bit but
  /// the sign). -0 gives +0 and a NaN stays a NaN, so comparisons of magnitudes are unchanged.
  @inlinable @inline(__always)
  static func magnitude<L: Lanes>(_: L.Type, _ v: L.V) -> L.V {
    typealias I = L.V.MaskStorage
    return unsafeBitCast(unsafeBitCast(v, to: I.self) & I(repeating: I.Scalar.max), to: L.V.self)
  }

  /// Lanes added left to right.
  @inlinable @inline(__always)
  static func lanesInOrder<L: Lanes>(_: L.Type, _ v: L.V) -> L.V.Scalar {
    var s = v[0]
    for j in 1..<L.width { s = L.roundScalar(s + v[j]) }
    return s
  }

  /// Pairwise: 16 vectors lane-parallel, then halves added recursively.
  @inlinable
  static func pairwise<L: Lanes>(_: L.Type, _ lo: Int, _ hi: Int, _ term: (Int, Int) -> L.V) -> L.V.Scalar {
    let w = L.width
    if hi - lo <= 16 * w {
      var acc = L.splat(0)
      var i = lo
      while i < hi {
        acc = L.round(acc + term(i, min(w, hi - i)))
        i += w
      }
      return lanesInOrder(L.self, acc)
    }
    let mid = lo + ((hi - lo) / 2 + w - 1) / w * w
    return L.roundScalar(pairwise(L.self, lo, mid, term) + pairwise(L.self, mid, hi, term))
  }

  /// x + y exactly as hi + lo (Knuth's TwoSum, in the lane type).
  @inlinable @inline(__always)
  static func twoSum<L: Lanes>(_: L.Type, _ a: L.V, _ b: L.V) -> (hi: L.V, lo: L.V) {
    let s = L.round(a + b)
    let bb = L.round(s - a)
    return (s, L.round(L.round(a - L.round(s - bb)) + L.round(b - bb)))
  }

  /// 0, 1, ..., width - 1.
  @inlinable @inline(__always)
  static func iota<L: Lanes>(_: L.Type) -> L.V {
    var v = L.splat(0)
    for j in 0..<L.width { v[j] = L.V.Scalar(j) }
    return v
  }

  // MARK: One row

  /// `op` by `variant` on x[0..<n], writing op.outputCount(n) values to `out`. Returns false when
  /// the variant does not apply to the operation.
  @inlinable
  public static func run<L: Lanes>(
    _: L.Type, _ op: Op, _ variant: Variant, _ x: UnsafePointer<L.Storage>, _ n: Int, target t: Int,
    _ out: UnsafeMutablePointer<L.Storage>, summation: SIMDSummation? = nil
  ) -> Bool {
    guard variant.applies(to: op) else { return false }
    withRecipe(L.self, op, variant, summation ?? .default(for: variant), RunOne(row: RowRef(x, n, t, out)))
    return true
  }

  /// Work to do with a variant's recipe (`withRecipe`).
  @usableFromInline
  protocol RecipeTask {
    associatedtype L: Lanes
    func run<R: RowRecipe>(_ recipe: R) where R.L == L
  }

  /// The recipe of a variant for an operation: the one place a variant chooses its passes. For
  /// the lane types that `specializesPasses`, the hot combinations (the default summation;
  /// log-softmax, softmax and the gradient) get passes with these fixed at compile time; the
  /// others read them at run time. The operations are the same either way, and so are the bits.
  @inlinable
  static func withRecipe<L: Lanes, T: RecipeTask>(_: L.Type, _ op: Op, _ variant: Variant, _ summation: SIMDSummation, _ task: T)
  where T.L == L {
    typealias AnySum = Runtime<SIMDSummation>
    let fixed = L.specializesPasses && summation == .default(for: variant)
    switch variant {
    case .naive: task.run(NaiveRecipe<L>(op, summation))
    case .shifted, .fused, .divisionFree, .chained:
      func run<M: Choice, K: Choice>(_: M.Type, _: K.Type) where M.Value == ShiftedMode, K.Value == SIMDSummation {
        task.run(ShiftedRecipe<L, M, K>(op, variant, summation))
      }
      guard fixed else { return run(Runtime<ShiftedMode>.self, AnySum.self) }
      switch ShiftedMode(op, variant) {
      case .logSoftmax: run(LogSoftmaxMode.self, LaneParallelSum.self)
      case .softmax: run(SoftmaxMode.self, LaneParallelSum.self)
      case .gradient: run(GradientMode.self, LaneParallelSum.self)
      default: run(Runtime<ShiftedMode>.self, LaneParallelSum.self)
      }
    case .online:
      guard L.specializesPasses else { return task.run(OnlineRecipe<L, Runtime<ShiftedMode>>(op)) }
      switch ShiftedMode(op, .fused) {
      case .logSoftmax: task.run(OnlineRecipe<L, LogSoftmaxMode>(op))
      case .softmax: task.run(OnlineRecipe<L, SoftmaxMode>(op))
      case .gradient: task.run(OnlineRecipe<L, GradientMode>(op))
      default: task.run(OnlineRecipe<L, Runtime<ShiftedMode>>(op))
      }
    case .twoPass: task.run(TwoPassRecipe<L>(op))
    case .accurate:
      func run<O: Choice, K: Choice>(_: O.Type, _: K.Type) where O.Value == Op, K.Value == SIMDSummation {
        task.run(AccurateRecipe<L, O, K>(op, summation))
      }
      guard fixed else { return run(Runtime<Op>.self, AnySum.self) }
      switch op {
      case .logSoftmax: run(LogSoftmaxOp.self, CompensatedSum.self)
      case .softmax: run(SoftmaxOp.self, CompensatedSum.self)
      case .ceGradient: run(GradientOp.self, CompensatedSum.self)
      default: run(Runtime<Op>.self, CompensatedSum.self)
      }
    }
  }

  @usableFromInline
  struct RunOne<L: Lanes>: RecipeTask {
    @usableFromInline let row: RowRef<L>
    @inlinable init(row: RowRef<L>) { self.row = row }
    @inlinable func run<R: RowRecipe>(_ recipe: R) where R.L == L { SIMDKernels.runRow(recipe, row) }
  }
}

/// A sum streamed one vector at a time by a `SIMDSummation` other than `pairwise` (see
/// `SIMDSummation` for each one's order of operations): `K`'s, or `summation` when `K` is `Runtime`.
@usableFromInline
struct SummationStream<L: Lanes, K: Choice> where K.Value == SIMDSummation {
  @usableFromInline let summation: SIMDSummation
  /// The summation, a constant once specialized unless `K` is `Runtime`.
  @inlinable var kind: SIMDSummation { K.fixed ?? summation }
  @usableFromInline var scalar: L.V.Scalar
  @usableFromInline var acc: L.V, c: L.V
  @inlinable init(_ summation: SIMDSummation) {
    assert(K.fixed == nil || K.fixed == summation)
    self.summation = summation
    scalar = 0
    acc = L.splat(0)
    c = L.splat(0)
  }

  /// Adds the first `count` lanes of e (the others are 0).
  @inlinable @inline(__always)
  mutating func add(_ e: L.V, count: Int) {
    switch kind {
    case .sequential:
      for j in 0..<count { scalar = L.roundScalar(scalar + e[j]) }
    case .laneParallel, .pairwise:
      acc = L.round(acc + e)
    case .compensated:
      let t = L.round(acc + e)
      // Neumaier: the exact error of acc + e, computed from whichever is larger in magnitude.
      let accLarger = SIMDKernels.magnitude(L.self, acc) .>= SIMDKernels.magnitude(L.self, e)
      let errorIfAcc = L.round(L.round(acc - t) + e), errorIfE = L.round(L.round(e - t) + acc)
      c = L.round(c + errorIfE.replacing(with: errorIfAcc, where: accLarger))
      acc = t
    }
  }

  @inlinable var total: L.V.Scalar {
    switch kind {
    case .sequential: return scalar
    case .laneParallel, .pairwise: return SIMDKernels.lanesInOrder(L.self, acc)
    case .compensated:
      // Lanes combined by scalar Neumaier, then the compensations.
      var s: L.V.Scalar = 0, cs: L.V.Scalar = 0
      for j in 0..<L.width {
        let a = acc[j]
        let t = L.roundScalar(s + a)
        cs = L.roundScalar(cs + (abs(s) >= abs(a) ? L.roundScalar(L.roundScalar(s - t) + a) : L.roundScalar(L.roundScalar(a - t) + s)))
        s = t
        cs = L.roundScalar(cs + c[j])
      }
      return L.roundScalar(s + cs)
    }
  }
}
