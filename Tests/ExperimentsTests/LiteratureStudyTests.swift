import Cases
import Experiments
import Foundation
import SoftmaxSpec
import Testing

@Suite("The literature's bounds, row by row")
struct LiteratureStudyTests {
  static let settings = CaseSettings(rows: 8, length: 16)
  static let families: [CaseFamily] = [.moderate, .largePositive, .nearTies, .confident, .temperature, .seed]

  @Test("bounds computed from a row by hand: three equal logits, y = log 3")
  func handChecked() {
    let y = Foundation.log(3.0), u = 0x1p-24
    let s = RowStatistics(logits: [0, 0, 0], lse: y)
    #expect(s.n == 3 && s.xMin == 0 && s.xMax == 0 && s.largestDistance == y)
    #expect(BoundClaim.naiveLSE.bound(s, u: u) == (1 + 4 / y) * u)
    #expect(BoundClaim.shiftedLSE.bound(s, u: u) == (y + 3) / y * u)
    #expect(BoundClaim.naiveSoftmax.bound(s, u: u) == 6 * u)
    #expect(BoundClaim.shiftedSoftmax.bound(s, u: u) == 5 * u)
    #expect(BoundClaim.divisionFree.bound(s, u: u) == (1 + y + (y + 3)) * u)
    #expect(BoundClaim.recursiveSum.bound(s, u: u) == 2 * u)
    #expect(BoundClaim.pairwiseSum.bound(s, u: u) == 2 * u)  // ceil(log2 3)
  }

  @Test("a row is held to a claim only where no exponential overflows or leaves the normal range")
  func assumptions() {
    let big = [100.0, 0], f = Format.float32
    let s = RowStatistics(logits: big, lse: 100)
    #expect(!BoundClaim.naiveLSE.assumptionsHold(s, logits: big, compute: f))  // exp(100) overflows in float32
    #expect(!BoundClaim.shiftedLSE.assumptionsHold(s, logits: big, compute: f))  // exp(-100) is subnormal in float32
    #expect(BoundClaim.shiftedLSE.assumptionsHold(s, logits: big, compute: .float64))
    #expect(!BoundClaim.shiftedLSE.assumptionsHold(s, logits: [0, -.infinity], compute: .float64))
  }

  /// The bounds the lab's kernels are held to: BHH's naive lse, softmax by division (both forms),
  /// recursive and pairwise summation, and the shifted lse once the final addition's rounding is
  /// counted, on every row where their assumptions hold, in every format and policy.
  @Test("the SIMD kernels meet the bounds they are claimed to meet, whatever the thread count")
  func kernelsWithinBounds() throws {
    let one = try LiteratureStudy.run(families: LiteratureStudyTests.families, settings: LiteratureStudyTests.settings,
                                      halfPrecisionRows: 100, threads: 1)
    let held: [BoundClaim] = [.naiveLSE, .shiftedLSEWithRounding, .naiveSoftmax, .shiftedSoftmax, .recursiveSum, .pairwiseSum]
    var checked = 0
    for s in one.summaries where held.contains(s.claim) {
      for sample in s.samples {
        #expect(sample.measured <= sample.bound,
                "\(s.claim.rawValue) \(s.format.rawValue) \(s.policy.rawValue) \(sample.caseID): \(sample.ratio)")
        checked += 1
      }
    }
    #expect(checked > 1000)
    let two = try LiteratureStudy.run(families: LiteratureStudyTests.families, settings: LiteratureStudyTests.settings,
                                      halfPrecisionRows: 100, threads: 2)
    #expect(one.summaries.count == two.summaries.count)
    for (a, b) in zip(one.summaries, two.summaries) {
      #expect(a.samples.map(\.measured) == b.samples.map(\.measured) && a.excluded == b.excluded)
    }
  }

  @Test("the half-precision experiment: unshifted lse overflows on trained logits, shifted never")
  func halfPrecision() throws {
    let h = try HalfPrecisionExperiment.run(count: 300)
    #expect(h.rows == 300 && h.shiftedOverflows == 0 && h.naiveOverflows > 0)
    #expect(h.compared + h.naiveOverflows == h.rows)
    #expect(h.equal <= h.compared && h.equal > 0)
    #expect(HalfPrecisionExperiment.candidateScales.contains(h.scale))
  }
}
