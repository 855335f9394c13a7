import LabSupport
import SoftmaxKernels
import SoftmaxSpec
import Testing

/// Softmax and its gradient keep exp(x_i - m) in the output row during the sum pass and read it
/// back in the output pass (native policies): the results must be the bits of computing exp again.
@Suite("SIMD kernels: exponentials kept in the output row")
struct KeptExpTests {
  /// Softmax by `variant` against p_i = round(exp(round(x_i - m)) / s), each exp computed again,
  /// on rows of 1...40 logits (tails included) with spread-out values (subnormal exps in float32).
  func softmax<L: Lanes>(_: L.Type, _ variant: Variant) -> Int {
    var rng = Xoshiro256StarStar(seed: 12)
    var mismatches = 0
    for n in 1...40 {
      let x = (0..<n).map { _ in L.Storage(rng.gaussian() * 30) }
      var out = [L.Storage](repeating: L.Storage(0.0), count: n)
      x.withUnsafeBufferPointer { xp in
        let p = xp.baseAddress!
        out.withUnsafeMutableBufferPointer { o in
          _ = SIMDKernels.run(L.self, .softmax, variant, p, n, target: 0, o.baseAddress!)
        }
        let m = L.splat(SIMDKernels.maximum(L.self, p, n))
        func e(_ i: Int, _ c: Int) -> L.V { L.exp(L.round(L.load(p + i, count: c, fill: -.infinity) - m)) }
        let s = L.splat(SIMDKernels.sum(L.self, n, .laneParallel, e))
        var expected = [L.Storage](repeating: L.Storage(0.0), count: n)
        expected.withUnsafeMutableBufferPointer { ep in
          var i = 0
          while i < n {
            let c = min(L.width, n - i)
            L.store(L.round(e(i, c) / s), ep.baseAddress! + i, count: c)
            i += L.width
          }
        }
        mismatches += zip(out, expected).filter { $0.double.bitPattern != $1.double.bitPattern }.count
      }
    }
    return mismatches
  }

  struct Softmax: LanesTask {
    let test: KeptExpTests, variant: Variant
    func run<L: Lanes>(_: L.Type) -> Int { test.softmax(L.self, variant) }
  }

  @Test("softmax: the same bits as computing exp again", arguments: distinctPairs, [Variant.shifted, .fused])
  func sameBits(_ pair: (Format, Policy), _ variant: Variant) {
    #expect(withLanes(pair.0, pair.1, Softmax(test: self, variant: variant)) == 0)
  }
}
