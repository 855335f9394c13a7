import Cases
import Foundation
import LabSupport
import SoftmaxSpec
import Testing

@Suite("The case generator")
struct GeneratorTests {
  /// Regression anchors: these values were produced by this generator; a change to the generator
  /// or to DeterministicMath changes every case, the reports and the baseline, and must be deliberate.
  @Test("fixed seeds give fixed first values")
  func anchors() {
    var g = Xoshiro256StarStar(seed: 42)
    #expect((0..<4).map { _ in g.gaussian().bitPattern }
            == [13828088456880829303, 13820149228043321244, 4597152819617802830, 4602883928301632081])
    let c = Generator.make(.moderate, index: 0, format: .float32)
    #expect(c.logits.prefix(3).map(Format.hexadecimal) == ["0x1.993d44p+0", "-0x1.f1b2cp-1", "-0x1.77aa12p-3"])
    #expect(c.target == 28)
    let d = Generator.make(.moderate, index: 0, format: .float64)
    #expect(d.logits[0] == 0x1.993d44af780e8p+0)
    let w = Generator.make(.wideSpread, index: 17, format: .float16)
    #expect(w.logits.prefix(3).map(Format.hexadecimal) == ["-0x1.cp+0", "0x1.2cp-5", "0x1.5ecp+1"])
  }

  @Test("the same row on any thread, in any order")
  func threadIndependent() async {
    let expected = (0..<16).map { Generator.make(.temperature, index: $0, format: .float32).logits }
    let got = await withTaskGroup(of: (Int, [Double]).self) { group in
      for i in (0..<16).reversed() { group.addTask { (i, Generator.make(.temperature, index: i, format: .float32).logits) } }
      var rows = [[Double]](repeating: [], count: 16)
      for await (i, row) in group { rows[i] = row }
      return rows
    }
    #expect(got.map { $0.map(\.bitPattern) } == expected.map { $0.map(\.bitPattern) })
  }
}
