import Accuracy
import SoftmaxSpec
import Testing

@Suite("Elementary-function sweeps")
struct ElementarySweepTests {
  /// The float32 sweep spreads its chunks over `threads` workers; the tally must not depend on how
  /// many (sums, and the worst input chosen by error then bit pattern).
  @Test("the float32 sweep gives the same tally with 1, 2 and 3 threads", arguments: ElementaryFunction.allCases)
  func threadIndependent(_ f: ElementaryFunction) {
    let runs = [1, 2, 3].map { ElementarySweep.float32(f, exhaustive: false, perBinade: 64, threads: $0) }
    #expect(runs[0].inputs == 2 * 256 * 64)
    for r in runs.dropFirst() {
      #expect(r.inputs == runs[0].inputs && r.notCorrectlyRounded == runs[0].notCorrectlyRounded)
      #expect(r.maxULP == runs[0].maxULP && r.worstInput.bitPattern == runs[0].worstInput.bitPattern)
      #expect(r.wrongSpecials == runs[0].wrongSpecials)
    }
  }
}
