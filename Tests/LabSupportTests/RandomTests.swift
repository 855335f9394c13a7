import Foundation
import LabSupport
import Testing

@Suite("Seeded generators and libm-free math")
struct RandomTests {
  /// First outputs of Vigna's reference C code (splitmix64.c, xoshiro256starstar.c), compiled here.
  @Test("SplitMix64 and xoshiro256** match the reference implementation")
  func referenceOutputs() {
    var sm = SplitMix64(state: 0)
    #expect([sm.next(), sm.next(), sm.next()] == [0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, 0x06c45d188009454f])
    var x = Xoshiro256StarStar(seed: 42)
    #expect([x.next(), x.next(), x.next(), x.next()]
            == [0x15780b2e0c2ec716, 0x6104d9866d113a7e, 0xae17533239e499a1, 0xecb8ad4703b360a1])
  }

  @Test("gaussian draws have mean 0 and variance 1; uniform draws lie in [0, 1)")
  func distributions() {
    var g = Xoshiro256StarStar(seed: 7)
    let n = 200_000
    let z = (0..<n).map { _ in g.gaussian() }
    let mean = z.reduce(0, +) / Double(n)
    let variance = z.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)
    #expect(abs(mean) < 0.01 && abs(variance - 1) < 0.01)
    let u = (0..<n).map { _ in g.uniform() }
    #expect(u.allSatisfy { $0 >= 0 && $0 < 1 })
    #expect((0..<1000).map { _ in g.index(below: 3) }.allSatisfy { (0..<3).contains($0) })
  }

  @Test("DeterministicMath.log is within 2 ulp of the platform's log")
  func deterministicLog() {
    for x in [1e-300, .leastNonzeroMagnitude, 0.1, 0.5, 1 - 0x1p-53, 1, 1.5, 2, 10, 1e10, 1.7976931348623157e308] {
      let ours = DeterministicMath.log(x), theirs = Foundation.log(x)
      #expect(abs(ours - theirs) <= 2 * max(theirs.ulp, Double.leastNormalMagnitude), "log(\(x))")
    }
    #expect(DeterministicMath.log(0) == -.infinity && DeterministicMath.log(-1).isNaN)
  }
}
