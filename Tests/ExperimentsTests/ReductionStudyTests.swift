import Accuracy
import ExactReference
import Experiments
import Foundation
import SoftmaxSpec
import Testing

@Suite("The reduction study")
struct ReductionStudyTests {
  @Test("the exact mean is the correctly rounded mean of the values")
  func exactMean() throws {
    // 1 + 2 + 4 = 7, mean 7/3 (no tie: RN to Double and then to float32 is RN to float32 here).
    let v = try BatchReference.mean(of: [1, 2, 4], format: .float32)
    #expect(v.rounded == Format.float32.round(7.0 / 3.0))
  }

  @Test("float16 accumulators fail on 20000 losses; a compensated float32 sum is within 0.6 ULP")
  func study() throws {
    let s = try ReductionStudy.run(count: 20_000)
    func line(_ v: Format, _ a: Format, _ m: ScalarSummation) -> ReductionStudy.Line {
      s.lines.first { $0.storage == v && $0.accumulator == a && $0.method == m }!
    }
    let exactSum = s.exact[.float16]!.rounded * 20_000
    #expect(exactSum > 65504)  // so a float16 sum cannot hold it
    // Left to right the float16 sum stagnates: it stops where ulp(s)/2 exceeds every term.
    #expect(line(.float16, .float16, .sequential).sum < exactSum / 2)
    #expect(line(.float16, .float16, .pairwise).sum == .infinity)
    for storage in [Format.float16, .float32] {
      #expect(line(storage, .float32, .compensated).measure.ulpError! <= 0.6)
      #expect(line(storage, .float64, .sequential).measure.ulpError! <= 0.6)
    }
  }
}
