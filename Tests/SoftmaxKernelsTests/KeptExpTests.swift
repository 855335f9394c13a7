import LabSupport
import SoftmaxKernels
import SoftmaxSpec
import Testing

/// Softmax and its gradient keep exp(x_i - m) (`accurate`: e_i = exp(d_hi)(1 + d_lo)) in the output
/// row during the sum pass and read it back in the output pass (native policies): the results must
/// be the bits of computing it again.
@Suite("SIMD kernels: exponentials kept in the output row")
struct KeptExpTests {
  /// `op` by `variant` (target 0) on rows of 1...40 logits (tails included) with spread-out values
  /// (subnormal exps in float32), against `expected(x, n)`: the expected vector at (i, count).
  /// Returns the values whose bits differ; the gradient's target value is left out (it is not
  /// p_0, and the tests are about p).
  func mismatches<L: Lanes>(
    _: L.Type, _ op: Op, _ variant: Variant, seed: UInt64,
    expected: (UnsafePointer<L.Storage>, Int) -> (Int, Int) -> L.V
  ) -> Int {
    var rng = Xoshiro256StarStar(seed: seed)
    var mismatches = 0
    for n in 1...40 {
      let x = (0..<n).map { _ in L.Storage(rng.gaussian() * 30) }
      var out = [L.Storage](repeating: L.Storage(0.0), count: n)
      var wanted = [L.Storage](repeating: L.Storage(0.0), count: n)
      x.withUnsafeBufferPointer { xp in
        let p = xp.baseAddress!
        out.withUnsafeMutableBufferPointer { o in
          _ = SIMDKernels.run(L.self, op, variant, p, n, target: 0, o.baseAddress!)
        }
        let y = expected(p, n)
        wanted.withUnsafeMutableBufferPointer { w in
          var i = 0
          while i < n {
            let c = min(L.width, n - i)
            L.store(y(i, c), w.baseAddress! + i, count: c)
            i += L.width
          }
        }
      }
      let compared = op == .ceGradient ? 1..<n : 0..<n
      mismatches += compared.filter { out[$0].double.bitPattern != wanted[$0].double.bitPattern }.count
    }
    return mismatches
  }

  /// Softmax by `variant` against p_i = round(exp(round(x_i - m)) / s), each exp computed again.
  func softmax<L: Lanes>(_: L.Type, _ variant: Variant) -> Int {
    mismatches(L.self, .softmax, variant, seed: 12) { p, n in
      let m = L.splat(SIMDKernels.maximum(L.self, p, n))
      let e = { (i: Int, c: Int) in L.exp(L.round(L.load(p + i, count: c, fill: -.infinity) - m)) }
      let s = L.splat(SIMDKernels.sum(L.self, n, .laneParallel, e))
      return { i, c in L.round(e(i, c) / s) }
    }
  }

  struct Softmax: LanesTask {
    let test: KeptExpTests, variant: Variant
    func run<L: Lanes>(_: L.Type) -> Int { test.softmax(L.self, variant) }
  }

  @Test("softmax: the same bits as computing exp again", arguments: distinctPairs, [Variant.shifted, .fused])
  func sameBits(_ pair: (Format, Policy), _ variant: Variant) {
    #expect(withLanes(pair.0, pair.1, Softmax(test: self, variant: variant)) == 0)
  }

  /// `accurate` softmax (and the gradient's lanes other than the target, which are p_i) against
  /// docs/definitions.md's formula with every e_i computed again: (d_hi, d_lo) = TwoSum(x_i, -m),
  /// e_i = exp(d_hi) + exp(d_hi) d_lo, s' the compensated sum of e over j != k, p_i = e_i/(1 + s'),
  /// p_k = 1/(1 + s').
  func accurate<L: Lanes>(_: L.Type, _ op: Op) -> Int {
    var lane = L.splat(0)
    for j in 0..<L.width { lane[j] = L.V.Scalar(j) }
    return mismatches(L.self, op, .accurate, seed: 13) { p, n in
      let m = SIMDKernels.maximum(L.self, p, n)
      let k = (0..<n).first { L.V.Scalar(p[$0].double) == m }!
      let minusM = L.splat(-m)
      let e = { (i: Int, c: Int) -> L.V in
        let v = L.load(p + i, count: c, fill: -.infinity)
        let hi = L.round(v + minusM), bb = L.round(hi - v)
        var lo = L.round(L.round(v - L.round(hi - bb)) + L.round(minusM - bb))
        lo = lo.replacing(with: L.splat(0), where: hi .== L.splat(-.infinity))
        let big = L.exp(hi)
        return L.round(big + L.round(big * lo))
      }
      let isK = { (i: Int) in lane .== L.splat(L.V.Scalar(k - i)) }
      let sPrime = SIMDKernels.sum(L.self, n, .compensated) { i, c in e(i, c).replacing(with: L.splat(0), where: isK(i)) }
      let total = L.round(L.splat(1) + L.splat(sPrime))
      return { i, c in L.round(e(i, c) / total).replacing(with: L.round(L.splat(1) / total), where: isK(i)) }
    }
  }

  struct Accurate: LanesTask {
    let test: KeptExpTests, op: Op
    func run<L: Lanes>(_: L.Type) -> Int { test.accurate(L.self, op) }
  }

  @Test("accurate softmax and gradient: the same bits as computing e_i again", arguments: distinctPairs, [Op.softmax, .ceGradient])
  func accurateSameBits(_ pair: (Format, Policy), _ op: Op) {
    #expect(withLanes(pair.0, pair.1, Accurate(test: self, op: op)) == 0)
  }
}
