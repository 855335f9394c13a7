import SoftmaxSpec

// The variants as three passes (`RowRecipe`): what each pass keeps and computes. The formulas are
// those of `SIMDKernels` (and docs/definitions.md), in the same order of operations.

// MARK: Shared passes

/// A pass that only carries a value computed from the previous one (online's and two-pass's
/// second pass: their first pass already has the sums).
@usableFromInline
struct Carry<L: Lanes, Value>: RowPass {
  @usableFromInline let value: Value
  @inlinable init(_ value: Value) { self.value = value }
  @inlinable @inline(__always) func step(_ v: L.V, at i: Int, count: Int) {}
}

/// m = max_j x_j (NaN ignored); with `WithIndex`, also the first index k with x_k = m.
@usableFromInline
struct MaxPass<L: Lanes, Track: Choice>: RowPass where Track.Value == Bool {
  @usableFromInline var acc: L.V
  /// Per lane, the index of the vector where the lane's maximum was first seen.
  @usableFromInline var base: L.V
  @inlinable var trackIndex: Bool { Track.fixed ?? true }
  @inlinable init() {
    acc = L.splat(-.infinity)
    base = L.splat(0)
  }

  @inlinable @inline(__always)
  mutating func step(_ v: L.V, at i: Int, count: Int) {
    let larger = v .> acc
    acc = acc.replacing(with: v, where: larger)
    if trackIndex { base = base.replacing(with: L.splat(L.V.Scalar(i)), where: larger) }
  }

  @inlinable var maximum: L.V.Scalar {
    var m = acc[0]
    for j in 1..<L.width where acc[j] > m { m = acc[j] }
    return m
  }

  /// The first index k with x_k == m: the smallest lane position among the lanes holding m (a
  /// lane keeps its first maximum, as `>` is strict); the scalar search when m is -inf or NaN.
  @inlinable func firstIndex(_ x: UnsafePointer<L.Storage>, _ n: Int) -> Int {
    let m = maximum
    guard m > -.infinity else { return SIMDKernels.firstIndex(L.self, of: m, x, n) }
    var k = n
    for j in 0..<L.width where acc[j] == m { k = min(k, Int(base[j]) + j) }
    return k
  }
}

/// What a sum pass adds: f(v) for the vector at i (lanes past the row's end must give 0).
@usableFromInline
protocol SumTerm {
  associatedtype L: Lanes
  func callAsFunction(_ v: L.V, at i: Int) -> L.V
  /// Called with each term the pass adds (`count` valid lanes): a term may keep it for the output
  /// pass (`ShiftedExpTerm`). Nothing by default.
  func keep(_ term: L.V, at i: Int, count: Int)
}

extension SumTerm {
  @inlinable @inline(__always) func keep(_ term: L.V, at i: Int, count: Int) {}
}

/// The sum of a term over the row by a `SIMDSummation` (pairwise, which is not a stream, is summed
/// over the whole row when the pass is made).
@usableFromInline
struct SumPass<T: SumTerm, K: Choice>: RowPass where K.Value == SIMDSummation {
  @usableFromInline typealias L = T.L
  @usableFromInline let term: T
  @usableFromInline var sum: SummationStream<T.L, K>
  @usableFromInline var pairwiseTotal: L.V.Scalar?

  @inlinable
  init(_ term: T, _ summation: SIMDSummation, _ row: RowRef<T.L>) {
    self.term = term
    sum = SummationStream(summation)
    pairwiseTotal = summation != .pairwise ? nil
      : SIMDKernels.pairwise(L.self, 0, row.n) { i, c in term(L.load(row.x + i, count: c, fill: -.infinity), at: i) }
  }

  @inlinable @inline(__always)
  mutating func step(_ v: L.V, at i: Int, count: Int) {
    if sum.kind != .pairwise {  // a constant unless K is Runtime
      let e = term(v, at: i)
      sum.add(e, count: count)
      term.keep(e, at: i, count: count)
    }
  }

  @inlinable var total: L.V.Scalar { pairwiseTotal ?? sum.total }
}

@usableFromInline
struct ExpTerm<L: Lanes>: SumTerm {
  @inlinable init() {}
  @inlinable @inline(__always) func callAsFunction(_ v: L.V, at i: Int) -> L.V { L.exp(v) }
}

/// Where a sum pass keeps its terms for the output pass to read back instead of computing them
/// again: softmax and its gradient need each exponential in both passes. The row's output holds
/// them, when the lane type stores them exactly (`L.storesExactly`: a native policy's results are
/// storage values, so the value read back is the same bits) and the sum is streamed (`pairwise`
/// sums the row before the passes run); otherwise nothing is kept.
@usableFromInline
struct KeptTerms<L: Lanes> {
  @usableFromInline let row: UnsafeMutablePointer<L.Storage>?
  /// Nothing kept.
  @inlinable init() { row = nil }
  @inlinable init(_ op: Op, _ summation: SIMDSummation, _ row: RowRef<L>) {
    let used = L.storesExactly && (op == .softmax || op == .ceGradient) && summation != .pairwise
    self.row = used ? row.out : nil
  }
  @inlinable @inline(__always) func store(_ term: L.V, at i: Int, count: Int) {
    if let row { L.store(term, row + i, count: count) }
  }
  /// The terms kept for the vector at i, or nil when nothing is kept.
  @inlinable @inline(__always) func load(at i: Int, count: Int) -> L.V? {
    row.map { L.load($0 + i, count: count, fill: 0) }
  }
}

/// exp(x - m), each term also kept for the output pass by `kept`.
@usableFromInline
struct ShiftedExpTerm<L: Lanes>: SumTerm {
  @usableFromInline let m: L.V
  @usableFromInline let kept: KeptTerms<L>
  @inlinable init(_ m: L.V, kept: KeptTerms<L>) {
    self.m = m
    self.kept = kept
  }
  @inlinable @inline(__always) func callAsFunction(_ v: L.V, at i: Int) -> L.V { L.exp(L.round(v - m)) }
  @inlinable @inline(__always) func keep(_ term: L.V, at i: Int, count: Int) { kept.store(term, at: i, count: count) }
}

/// Lane j of the vector at i is element i + j: a mask of the lanes that are element `index`.
@inlinable @inline(__always)
func lanes<L: Lanes>(_: L.Type, _ lane: L.V, at i: Int, are index: Int) -> SIMDMask<L.V.MaskStorage> {
  lane .== L.splat(L.V.Scalar(index - i))
}

/// [i + j == t] for the lanes j of the vector at i.
@inlinable @inline(__always)
func onehot<L: Lanes>(_: L.Type, _ lane: L.V, at i: Int, _ t: Int) -> L.V {
  L.splat(0).replacing(with: L.splat(1), where: lanes(L.self, lane, at: i, are: t))
}

// MARK: naive

@usableFromInline
struct NaiveRecipe<L: Lanes>: RowRecipe {
  @usableFromInline let op: Op, summation: SIMDSummation
  @inlinable init(_ op: Op, _ summation: SIMDSummation) {
    self.op = op
    self.summation = summation
  }
  @inlinable func first(_ row: RowRef<L>) -> Idle<L> { Idle() }
  @inlinable func second(_ row: RowRef<L>, after: Idle<L>) -> SumPass<ExpTerm<L>, Runtime<SIMDSummation>> {
    SumPass(ExpTerm(), summation, row)
  }
  @inlinable func output(_ row: RowRef<L>, after sum: SumPass<ExpTerm<L>, Runtime<SIMDSummation>>) -> NaiveOutput<L> {
    NaiveOutput(op, L.splat(sum.total), row)
  }
}

/// s = sum exp(x_j); lse = log s; p_i = exp(x_i)/s; log-softmax = log p; CE = -log p_t.
@usableFromInline
struct NaiveOutput<L: Lanes>: RowPass {
  @usableFromInline let op: Op, s: L.V, out: UnsafeMutablePointer<L.Storage>, t: Int, lane: L.V
  @inlinable init(_ op: Op, _ s: L.V, _ row: RowRef<L>) {
    self.op = op
    self.s = s
    out = row.out
    t = row.target
    lane = SIMDKernels.iota(L.self)
    switch op {
    case .lse: L.store(L.log(s), out, count: 1)
    case .crossEntropy: L.store(L.round(-L.log(L.round(L.exp(L.splat(L.V.Scalar(row.x[t].double))) / s))), out, count: 1)
    default: break
    }
  }
  @inlinable @inline(__always)
  func step(_ v: L.V, at i: Int, count: Int) {
    let y: L.V
    switch op {
    case .softmax: y = L.round(L.exp(v) / s)
    case .logSoftmax: y = L.log(L.round(L.exp(v) / s))
    case .ceGradient: y = L.round(L.round(L.exp(v) / s) - onehot(L.self, lane, at: i, t))
    case .lse, .crossEntropy: return
    }
    L.store(y, out + i, count: count)
  }
}

// MARK: shifted, fused, division-free, chained, online

/// `M` fixes the output mode and `K` the summation at compile time, or leaves them to run time
/// (`Runtime`).
@usableFromInline
struct ShiftedRecipe<L: Lanes, M: Choice, K: Choice>: RowRecipe where M.Value == ShiftedMode, K.Value == SIMDSummation {
  @usableFromInline let op: Op, variant: Variant, summation: SIMDSummation
  @inlinable init(_ op: Op, _ variant: Variant, _ summation: SIMDSummation) {
    self.op = op
    self.variant = variant
    self.summation = summation
  }
  @inlinable func first(_ row: RowRef<L>) -> MaxPass<L, WithoutIndex> { MaxPass() }
  @inlinable func second(_ row: RowRef<L>, after max: MaxPass<L, WithoutIndex>) -> SumPass<ShiftedExpTerm<L>, K> {
    // division-free's softmax computes exp(x_i - lse), not from the kept exp(x_i - m).
    let kept = variant == .divisionFree ? KeptTerms<L>() : KeptTerms(op, summation, row)
    return SumPass(ShiftedExpTerm(L.splat(max.maximum), kept: kept), summation, row)
  }
  @inlinable func output(_ row: RowRef<L>, after sum: SumPass<ShiftedExpTerm<L>, K>) -> ShiftedOutput<L, M> {
    ShiftedOutput(op, variant, m: sum.term.m, s: L.splat(sum.total), row, kept: sum.term.kept)
  }
}

/// What the output pass of shifted, fused, division-free, chained and online writes per element.
@usableFromInline
enum ShiftedMode: Sendable {
  case none, softmax, divisionFree, logOfSoftmax, logSoftmax, gradient, chained

  @inlinable init(_ op: Op, _ variant: Variant) {
    switch (op, variant) {
    case (.lse, _), (.crossEntropy, _): self = .none
    case (.softmax, .divisionFree): self = .divisionFree
    case (.softmax, _): self = .softmax
    case (.logSoftmax, .shifted): self = .logOfSoftmax
    case (.logSoftmax, _): self = .logSoftmax
    case (.ceGradient, .chained): self = .chained
    case (.ceGradient, _): self = .gradient
    }
  }
}

/// The outputs of shifted, fused, division-free, chained and online from m and s; the mode is
/// `M`'s, or the stored one when `M` is `Runtime`.
@usableFromInline
struct ShiftedOutput<L: Lanes, M: Choice>: RowPass where M.Value == ShiftedMode {
  @usableFromInline let mode: ShiftedMode
  @usableFromInline let m: L.V, s: L.V, logS: L.V, lse: L.V
  @usableFromInline let out: UnsafeMutablePointer<L.Storage>, t: Int, lane: L.V
  /// chained: g_t = -1/p_t and sum_j g_j p_j.
  @usableFromInline let gt: L.V, dot: L.V
  /// The exp(x_i - m) the sum pass kept (`ShiftedExpTerm`), if any.
  @usableFromInline let kept: KeptTerms<L>

  @inlinable
  init(_ op: Op, _ variant: Variant, m: L.V, s: L.V, _ row: RowRef<L>, kept: KeptTerms<L> = KeptTerms()) {
    self.kept = kept
    self.m = m
    self.s = s
    logS = L.log(s)
    lse = L.round(m + logS)
    out = row.out
    t = row.target
    lane = SIMDKernels.iota(L.self)
    let xt = L.splat(L.V.Scalar(row.x[t].double))
    /// p_t, for shifted's cross-entropy and chained's gradient only.
    func pt() -> L.V { L.round(L.exp(L.round(xt - m)) / s) }
    mode = ShiftedMode(op, variant)
    assert(M.fixed == nil || M.fixed == mode)
    switch (op, variant) {
    case (.lse, _): L.store(lse, out, count: 1)
    case (.crossEntropy, .shifted): L.store(L.round(-L.log(pt())), out, count: 1)
    case (.crossEntropy, _): L.store(L.round(lse - xt), out, count: 1)
    default: break
    }
    if mode == .chained {
      let p = pt()
      gt = L.round(L.splat(-1) / p)
      dot = L.round(gt * p)  // sum_j g_j p_j: only g_t is not 0
    } else {
      gt = L.splat(0)
      dot = L.splat(0)
    }
  }

  @inlinable @inline(__always) func p(_ v: L.V) -> L.V { L.round(L.exp(L.round(v - m)) / s) }
  /// p for the vector at i: from the kept exp(x_i - m) when there is one.
  @inlinable @inline(__always) func p(_ v: L.V, at i: Int, count: Int) -> L.V {
    kept.load(at: i, count: count).map { L.round($0 / s) } ?? p(v)
  }

  @inlinable @inline(__always)
  func step(_ v: L.V, at i: Int, count: Int) {
    let y: L.V
    switch M.fixed ?? mode {
    case .none: return
    case .softmax: y = p(v, at: i, count: count)
    case .divisionFree: y = L.exp(L.round(v - lse))
    case .logOfSoftmax: y = L.log(p(v))
    case .logSoftmax: y = L.round(L.round(v - m) - logS)
    case .gradient: y = L.round(p(v, at: i, count: count) - onehot(L.self, lane, at: i, t))
    case .chained:
      let g = L.splat(0).replacing(with: gt, where: lanes(L.self, lane, at: i, are: t))
      y = L.round(p(v, at: i, count: count) * L.round(g - dot))
    }
    L.store(y, out + i, count: count)
  }
}

@usableFromInline
struct OnlineRecipe<L: Lanes, M: Choice>: RowRecipe where M.Value == ShiftedMode {
  @usableFromInline let op: Op
  @inlinable init(_ op: Op) { self.op = op }
  @inlinable func first(_ row: RowRef<L>) -> OnlinePass<L> { OnlinePass() }
  @inlinable func second(_ row: RowRef<L>, after pass: OnlinePass<L>) -> Carry<L, (m: L.V, s: L.V)> { Carry(pass.merged) }
  @inlinable func output(_ row: RowRef<L>, after c: Carry<L, (m: L.V, s: L.V)>) -> ShiftedOutput<L, M> {
    ShiftedOutput(op, .fused, m: c.value.m, s: c.value.s, row)
  }
}

/// Per lane the running max and the sum rescaled to it.
@usableFromInline
struct OnlinePass<L: Lanes>: RowPass {
  @usableFromInline var mAcc: L.V, dAcc: L.V
  @inlinable init() {
    mAcc = L.splat(-.infinity)
    dAcc = L.splat(0)
  }
  @inlinable @inline(__always)
  mutating func step(_ v: L.V, at i: Int, count: Int) {
    let mNew = mAcc.replacing(with: v, where: v .> mAcc)
    let empty = mNew .== L.splat(-.infinity)  // nothing but -inf so far: keep d = 0
    let scale = L.exp(L.round(mAcc - mNew)).replacing(with: L.splat(1), where: empty)
    let term = L.exp(L.round(v - mNew)).replacing(with: L.splat(0), where: empty)
    dAcc = L.round(L.round(dAcc * scale) + term)
    mAcc = mNew
  }
  /// The lanes merged: m = max_l m_l, s = sum_l d_l exp(m_l - m) (lanes in order).
  @inlinable var merged: (m: L.V, s: L.V) {
    var m = mAcc[0]
    for j in 1..<L.width where mAcc[j] > m { m = mAcc[j] }
    let mv = L.splat(m)
    let scaled = L.round(dAcc * L.exp(L.round(mAcc - mv)).replacing(with: L.splat(0), where: mAcc .== L.splat(-.infinity)))
    return (mv, L.splat(SIMDKernels.lanesInOrder(L.self, scaled)))
  }
}

// MARK: two-pass

@usableFromInline
struct TwoPassRecipe<L: Lanes>: RowRecipe {
  @usableFromInline let op: Op
  @inlinable init(_ op: Op) { self.op = op }
  @inlinable func first(_ row: RowRef<L>) -> TwoPassFirst<L> { TwoPassFirst() }
  @inlinable func second(_ row: RowRef<L>, after pass: TwoPassFirst<L>) -> Carry<L, SIMDKernels.TwoPassSum<L>> {
    Carry(SIMDKernels.TwoPassSum(acc: pass.acc, e: pass.e))
  }
  @inlinable func output(_ row: RowRef<L>, after c: Carry<L, SIMDKernels.TwoPassSum<L>>) -> TwoPassOutput<L> {
    TwoPassOutput(op, c.value, row)
  }
}

/// Per lane the pair (acc, E), sum = acc 2^E.
@usableFromInline
struct TwoPassFirst<L: Lanes>: RowPass {
  @usableFromInline var acc: L.V, e: L.V
  @inlinable init() {
    acc = L.splat(0)
    e = L.splat(-.infinity)
  }
  @inlinable @inline(__always)
  mutating func step(_ v: L.V, at i: Int, count: Int) { SIMDKernels.twoPassAdd(L.self, &acc, &e, v) }
}

@usableFromInline
struct TwoPassOutput<L: Lanes>: RowPass {
  @usableFromInline let op: Op, sum: SIMDKernels.TwoPassSum<L>
  @usableFromInline let out: UnsafeMutablePointer<L.Storage>, t: Int, lane: L.V
  @inlinable init(_ op: Op, _ sum: SIMDKernels.TwoPassSum<L>, _ row: RowRef<L>) {
    self.op = op
    self.sum = sum
    out = row.out
    t = row.target
    lane = SIMDKernels.iota(L.self)
    switch op {
    case .lse: L.store(sum.lse, out, count: 1)
    case .crossEntropy: L.store(-sum.logSoftmax(L.splat(L.V.Scalar(row.x[t].double))), out, count: 1)
    default: break
    }
  }
  @inlinable @inline(__always)
  func step(_ v: L.V, at i: Int, count: Int) {
    let y: L.V
    switch op {
    case .softmax: y = sum.softmax(v)
    case .logSoftmax: y = sum.logSoftmax(v)
    case .ceGradient: y = L.round(sum.softmax(v) - onehot(L.self, lane, at: i, t))
    case .lse, .crossEntropy: return
    }
    L.store(y, out + i, count: count)
  }
}

// MARK: accurate

/// `O` fixes the operation and `K` the summation at compile time, or leaves them to run time.
@usableFromInline
struct AccurateRecipe<L: Lanes, O: Choice, K: Choice>: RowRecipe where O.Value == Op, K.Value == SIMDSummation {
  @usableFromInline let op: Op, summation: SIMDSummation
  @inlinable init(_ op: Op, _ summation: SIMDSummation) {
    self.op = op
    self.summation = summation
  }
  @inlinable func first(_ row: RowRef<L>) -> MaxPass<L, WithIndex> { MaxPass() }
  @inlinable func second(_ row: RowRef<L>, after max: MaxPass<L, WithIndex>) -> SumPass<AccurateTerm<L>, K> {
    SumPass(AccurateTerm(m: max.maximum, k: max.firstIndex(row.x, row.n), kept: KeptTerms(op, summation, row)), summation, row)
  }
  @inlinable func output(_ row: RowRef<L>, after sum: SumPass<AccurateTerm<L>, K>) -> AccurateOutput<L, O> {
    AccurateOutput(op, sum.term, sPrime: L.splat(sum.total), row)
  }
}

/// d = x - m as hi + lo (TwoSum) and e = exp(d_hi)(1 + d_lo); the sum leaves out k. Each term is
/// also kept for the output pass by `kept` (lane k as 0: the output replaces it).
@usableFromInline
struct AccurateTerm<L: Lanes>: SumTerm {
  @usableFromInline let minusM: L.V, k: Int, lane: L.V
  @usableFromInline let kept: KeptTerms<L>
  @inlinable init(m: L.V.Scalar, k: Int, kept: KeptTerms<L>) {
    minusM = L.splat(-m)
    self.k = k
    lane = SIMDKernels.iota(L.self)
    self.kept = kept
  }
  @inlinable @inline(__always) func keep(_ term: L.V, at i: Int, count: Int) { kept.store(term, at: i, count: count) }
  /// Masked lanes give d_lo = 0, e = 0.
  @inlinable @inline(__always)
  func split(_ v: L.V) -> (hi: L.V, lo: L.V, e: L.V) {
    let (hi, lo0) = SIMDKernels.twoSum(L.self, v, minusM)
    let lo = lo0.replacing(with: L.splat(0), where: hi .== L.splat(-.infinity))
    let big = L.exp(hi)
    return (hi, lo, L.round(big + L.round(big * lo)))
  }
  @inlinable @inline(__always)
  func callAsFunction(_ v: L.V, at i: Int) -> L.V {
    split(v).e.replacing(with: L.splat(0), where: lanes(L.self, lane, at: i, are: k))
  }
}

/// lse = m + log1p(s'); log-softmax = (d_hi - log1p s') + d_lo; CE = (log1p s' - d_hi,t) - d_lo,t;
/// p_i = e_i / (1 + s'), p_k = 1/(1 + s'); gradient at t: -(1 + (s' - e_t))/(1 + s'), or
/// -s'/(1 + s') at t = k.
@usableFromInline
struct AccurateOutput<L: Lanes, O: Choice>: RowPass where O.Value == Op {
  @usableFromInline let op: Op, term: AccurateTerm<L>, l: L.V, total: L.V, atTarget: L.V
  @usableFromInline let out: UnsafeMutablePointer<L.Storage>, t: Int

  @inlinable
  init(_ op: Op, _ term: AccurateTerm<L>, sPrime sp: L.V, _ row: RowRef<L>) {
    assert(O.fixed == nil || O.fixed == op)
    self.op = op
    self.term = term
    l = L.log1p(sp)
    total = L.round(L.splat(1) + sp)
    out = row.out
    t = row.target
    let xt = L.splat(L.V.Scalar(row.x[t].double))
    switch op {
    case .lse: L.store(L.round(L.round(-term.minusM) + l), out, count: 1)
    case .crossEntropy:
      let d = term.split(xt)
      L.store(L.round(L.round(l - d.hi) - d.lo), out, count: 1)
    default: break
    }
    if op == .ceGradient {
      atTarget = t == term.k
        ? L.round(-L.round(sp / total))
        : L.round(-L.round(L.round(L.splat(1) + L.round(sp - term.split(xt).e)) / total))
    } else {
      atTarget = L.splat(0)
    }
  }

  /// p for the vector at i: from the e_i the sum pass kept when there are (lane k is replaced
  /// either way), else from e_i computed again.
  @inlinable @inline(__always)
  func p(_ v: L.V, at i: Int, count: Int) -> L.V {
    let e = term.kept.load(at: i, count: count) ?? term.split(v).e
    return L.round(e / total).replacing(with: L.round(L.splat(1) / total), where: lanes(L.self, term.lane, at: i, are: term.k))
  }

  @inlinable @inline(__always)
  func step(_ v: L.V, at i: Int, count: Int) {
    let y: L.V
    switch O.fixed ?? op {
    case .logSoftmax:
      let d = term.split(v)
      y = L.round(L.round(d.hi - l) + d.lo)
    case .softmax: y = p(v, at: i, count: count)
    case .ceGradient: y = p(v, at: i, count: count).replacing(with: atTarget, where: lanes(L.self, term.lane, at: i, are: t))
    case .lse, .crossEntropy: return
    }
    L.store(y, out + i, count: count)
  }
}
