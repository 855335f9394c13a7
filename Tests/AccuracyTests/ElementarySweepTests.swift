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

  /// bfloat16 and float8: computed in Float lanes (<= 0.91 ULP of Float) and rounded once, so a
  /// result is wrong only when the Float value lands across a midpoint of the narrow format; the
  /// sweep over every bit pattern finds none (measured: every value correctly rounded).
  @Test("every bfloat16 and float8 input: counted, and every result correctly rounded",
        arguments: [Format.bfloat16, .float8E4M3, .float8E5M2], ElementaryFunction.allCases)
  func emulatedFormats(_ f: Format, _ function: ElementaryFunction) {
    let r = ElementarySweep.measure(function, format: f, exhaustive: true, count: 0)
    #expect(r.inputs == (f.byteWidth == 1 ? 256 : 65536))
    #expect(r.notCorrectlyRounded == 0 && r.wrongSpecials == 0 && r.maxULP <= 0.5, "\(r.maxULP) at \(r.worstInput)")
  }

}
