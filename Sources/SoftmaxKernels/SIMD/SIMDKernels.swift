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
/// Edge Cases (all variants): -inf logits are masked (probability 0); a row of -inf, a NaN or a +inf
/// logit gives NaN or inf as IEEE arithmetic does (the reference calls such rows undefined).
/// Preconditions: n >= 1 and 0 <= target < n (callers check).
public enum SIMDKernels {
  public typealias Scalar<L: Lanes> = L.V.Scalar

  // MARK: Row statistics

  /// m = max_j x_j (NaN ignored).
  @inlinable
  public static func maximum<L: Lanes>(_: L.Type, _ x: UnsafePointer<L.Storage>, _ n: Int) -> L.V.Scalar {
    let w = L.width
    var acc = L.splat(-.infinity)
    var i = 0
    while i < n {
      let v = L.load(x + i, count: min(w, n - i), fill: -.infinity)
      acc = acc.replacing(with: v, where: v .> acc)
      i += w
    }
    var m = acc[0]
    for j in 1..<w where acc[j] > m { m = acc[j] }
    return m
  }

  /// The first index k with x_k == m (0 when there is none).
  @inlinable
  public static func firstIndex<L: Lanes>(_: L.Type, of m: L.V.Scalar, _ x: UnsafePointer<L.Storage>, _ n: Int) -> Int {
    for j in 0..<n where L.V.Scalar(x[j]) == m { return j }
    return 0
  }

  /// The sum of `term(i, count)` over the row's vectors (lanes past count must be 0), by `summation`.
  @inlinable @inline(__always)
  public static func sum<L: Lanes>(_: L.Type, _ n: Int, _ summation: SIMDSummation, _ term: (Int, Int) -> L.V) -> L.V.Scalar {
    let w = L.width
    switch summation {
    case .sequential:
      var s: L.V.Scalar = 0
      var i = 0
      while i < n {
        let count = min(w, n - i)
        let e = term(i, count)
        for j in 0..<count { s = L.roundScalar(s + e[j]) }
        i += w
      }
      return s
    case .laneParallel:
      var acc = L.splat(0)
      var i = 0
      while i < n {
        acc = L.round(acc + term(i, min(w, n - i)))
        i += w
      }
      return lanesInOrder(L.self, acc)
    case .pairwise:
      return pairwise(L.self, 0, n, term)
    case .compensated:
      var acc = L.splat(0), c = L.splat(0)
      var i = 0
      while i < n {
        let e = term(i, min(w, n - i))
        let t = L.round(acc + e)
        // Neumaier: the exact error of acc + e, computed from whichever is larger in magnitude.
        let accLarger = magnitude(L.self, acc) .>= magnitude(L.self, e)
        let errorIfAcc = L.round(L.round(acc - t) + e), errorIfE = L.round(L.round(e - t) + acc)
        c = L.round(c + errorIfE.replacing(with: errorIfAcc, where: accLarger))
        acc = t
        i += w
      }
      // Lanes combined by scalar Neumaier, then the compensations.
      var s: L.V.Scalar = 0, cs: L.V.Scalar = 0
      for j in 0..<w {
        let a = acc[j]
        let t = L.roundScalar(s + a)
        cs = L.roundScalar(cs + (abs(s) >= abs(a) ? L.roundScalar(L.roundScalar(s - t) + a) : L.roundScalar(L.roundScalar(a - t) + s)))
        s = t
        cs = L.roundScalar(cs + c[j])
      }
      return L.roundScalar(s + cs)
    }
  }

  /// |v| lane by lane.
  @inlinable @inline(__always)
  static func magnitude<L: Lanes>(_: L.Type, _ v: L.V) -> L.V { v.replacing(with: -v, where: v .< L.splat(0)) }

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
    let summation = summation ?? .default(for: variant)
    let w = L.width
    typealias S = L.V.Scalar
    let xt = S(x[t])
    let lane = iota(L.self)
    /// Lane j of the vector at i is element i + j: true where that is `index`.
    func at(_ i: Int, _ index: Int) -> SIMDMask<L.V.MaskStorage> { lane .== L.splat(S(index - i)) }
    /// [i + j == t] for the lanes j of the vector at i.
    func onehot(_ i: Int) -> L.V { L.splat(0).replacing(with: L.splat(1), where: at(i, t)) }

    /// Writes f(chunk) for every vector of the row.
    func each(_ f: (L.V, Int) -> L.V) {
      var i = 0
      while i < n {
        let count = min(w, n - i)
        L.store(f(L.load(x + i, count: count, fill: -.infinity), i), out + i, count: count)
        i += w
      }
    }
    func first(_ v: L.V) { out[0] = L.Storage(v[0]) }

    switch variant {
    case .naive:
      let s = L.splat(sum(L.self, n, summation) { i, c in L.exp(L.load(x + i, count: c, fill: -.infinity)) })
      switch op {
      case .lse: first(L.log(s))
      case .softmax: each { v, _ in L.round(L.exp(v) / s) }
      case .logSoftmax: each { v, _ in L.log(L.round(L.exp(v) / s)) }
      case .crossEntropy: first(L.round(-L.log(L.round(L.exp(L.splat(xt)) / s))))
      case .ceGradient: each { v, i in L.round(L.round(L.exp(v) / s) - onehot(i)) }
      }
    case .shifted, .fused, .divisionFree, .chained:
      let m = maximum(L.self, x, n)
      let mv = L.splat(m)
      let s = L.splat(sum(L.self, n, summation) { i, c in L.exp(L.round(L.load(x + i, count: c, fill: -.infinity) - mv)) })
      let logS = L.log(s)
      let lse = L.round(mv + logS)
      func p(_ v: L.V) -> L.V { L.round(L.exp(L.round(v - mv)) / s) }
      switch (op, variant) {
      case (.lse, _): first(lse)
      case (.softmax, .divisionFree): each { v, _ in L.exp(L.round(v - lse)) }
      case (.softmax, _): each { v, _ in p(v) }
      case (.logSoftmax, .shifted): each { v, _ in L.log(p(v)) }
      case (.logSoftmax, _): each { v, _ in L.round(L.round(v - mv) - logS) }
      case (.crossEntropy, .shifted): first(L.round(-L.log(p(L.splat(xt)))))
      case (.crossEntropy, _): first(L.round(lse - L.splat(xt)))
      case (.ceGradient, .chained):
        let pt = p(L.splat(xt))
        let gt = L.round(L.splat(-1) / pt)
        let dot = L.round(gt * pt)  // sum_j g_j p_j: only g_t is not 0
        each { v, i in
          let g = L.splat(0).replacing(with: gt, where: at(i, t))
          return L.round(p(v) * L.round(g - dot))
        }
      case (.ceGradient, _): each { v, i in L.round(p(v) - onehot(i)) }
      }
    case .online:
      var mAcc = L.splat(-.infinity), dAcc = L.splat(0)
      var i = 0
      while i < n {
        let v = L.load(x + i, count: min(w, n - i), fill: -.infinity)
        let mNew = mAcc.replacing(with: v, where: v .> mAcc)
        let empty = mNew .== L.splat(-.infinity)  // nothing but -inf so far: keep d = 0
        let scale = L.exp(L.round(mAcc - mNew)).replacing(with: L.splat(1), where: empty)
        let term = L.exp(L.round(v - mNew)).replacing(with: L.splat(0), where: empty)
        dAcc = L.round(L.round(dAcc * scale) + term)
        mAcc = mNew
        i += w
      }
      var m = mAcc[0]
      for j in 1..<w where mAcc[j] > m { m = mAcc[j] }
      let mv = L.splat(m)
      let scaled = L.round(dAcc * L.exp(L.round(mAcc - mv)).replacing(with: L.splat(0), where: mAcc .== L.splat(-.infinity)))
      let s = L.splat(lanesInOrder(L.self, scaled))
      let logS = L.log(s)
      let lse = L.round(mv + logS)
      func p(_ v: L.V) -> L.V { L.round(L.exp(L.round(v - mv)) / s) }
      switch op {
      case .lse: first(lse)
      case .softmax: each { v, _ in p(v) }
      case .logSoftmax: each { v, _ in L.round(L.round(v - mv) - logS) }
      case .crossEntropy: first(L.round(lse - L.splat(xt)))
      case .ceGradient: each { v, i in L.round(p(v) - onehot(i)) }
      }
    case .twoPass:
      let sum = TwoPassSum<L>(x, n)
      switch op {
      case .lse: first(sum.lse)
      case .softmax: each { v, _ in sum.softmax(v) }
      case .logSoftmax: each { v, _ in sum.logSoftmax(v) }
      case .crossEntropy: first(-sum.logSoftmax(L.splat(xt)))
      case .ceGradient: each { v, i in L.round(sum.softmax(v) - onehot(i)) }
      }
    case .accurate:
      let m = maximum(L.self, x, n)
      let k = firstIndex(L.self, of: m, x, n)
      let mv = L.splat(m), minusM = L.splat(-m)
      /// d = x - m as hi + lo, and e = exp(d_hi) (1 + d_lo); masked lanes give d_lo = 0, e = 0.
      func split(_ v: L.V) -> (hi: L.V, lo: L.V, e: L.V) {
        let (hi, lo0) = twoSum(L.self, v, minusM)
        let lo = lo0.replacing(with: L.splat(0), where: hi .== L.splat(-.infinity))
        let big = L.exp(hi)
        return (hi, lo, L.round(big + L.round(big * lo)))
      }
      let sPrime = sum(L.self, n, summation) { i, c in
        let e = split(L.load(x + i, count: c, fill: -.infinity)).e
        return e.replacing(with: L.splat(0), where: at(i, k))
      }
      let sp = L.splat(sPrime)
      let l = L.log1p(sp)
      let total = L.round(L.splat(1) + sp)
      switch op {
      case .lse: first(L.round(mv + l))
      case .logSoftmax: each { v, _ in let d = split(v); return L.round(L.round(d.hi - l) + d.lo) }
      case .crossEntropy: let d = split(L.splat(xt)); first(L.round(L.round(l - d.hi) - d.lo))
      case .softmax:
        each { v, i in L.round(split(v).e / total).replacing(with: L.round(L.splat(1) / total), where: at(i, k)) }
      case .ceGradient:
        let atTarget: L.V
        if t == k {
          atTarget = L.round(-L.round(sp / total))
        } else {
          let et = split(L.splat(xt)).e
          atTarget = L.round(-L.round(L.round(L.splat(1) + L.round(sp - et)) / total))
        }
        each { v, i in
          let p = L.round(split(v).e / total).replacing(with: L.round(L.splat(1) / total), where: at(i, k))
          return p.replacing(with: atTarget, where: at(i, t))
        }
      }
    }
    return true
  }

}
