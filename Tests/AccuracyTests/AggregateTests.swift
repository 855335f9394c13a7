@testable import Accuracy
import ExactReference
import Testing

@Suite("Aggregates")
struct AggregateTests {
  /// A hand-checked group: errors 0, 0.5, 2, 1.25 and one overflow (inf) and one underflow (0 for a
  /// nonzero value, a finite output).
  @Test("counts, max, p99, mean and the worst case of a hand-checked group")
  func handChecked() throws {
    let row = try Reference.evaluate([0, 0, 0, 0], format: .float32, operations: [.softmax])
    let v = row.results[.softmax]![0]  // exactly 1/4
    let ulp = Double(sign: .plus, exponent: v.ulpExponent, significand: 1)
    var a = Aggregate()
    let outputs = [0.25, 0.25 + ulp / 2, 0.25 + 2 * ulp, 0.25 - 1.25 * ulp, .infinity, 0]
    for (i, c) in outputs.enumerated() {
      a.add(Measures.measure(computed: c, exact: v), caseID: "hand/\(i / 3)", index: i % 3, computed: c)
    }
    a.add(.undefined, caseID: "hand/9", index: 0, computed: .nan)
    #expect(a.count == 6 && a.undefined == 1)
    #expect(a.correctlyRounded == 1 && a.correctlyRoundedShare == 1.0 / 6)
    #expect(a.overflow == 1 && a.underflow == 1 && a.nan == 0)
    let zeroError = 0.25 / ulp  // c = 0 against v = 1/4
    #expect(a.maxULP == zeroError)
    #expect(a.p99ULP == zeroError)  // nearest rank: ceil(0.99 * 5) = 5, the largest of 5
    #expect(abs(a.meanULP! - (0 + 0.5 + 2 + 1.25 + zeroError) / 5) < 1e-9)
    #expect(a.worst?.caseID == "hand/1" && a.worst?.index == 2)
  }

  @Test("selection gives the sorted array's element at every rank, runs of equal values included",
        arguments: [1, 2, 7, 100, 1000])
  func selection(_ n: Int) {
    var state: UInt64 = UInt64(n)
    var values: [Double] = []
    for _ in 0..<n {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      values.append(Double(state >> 59))  // 32 distinct values: many ties
    }
    let sorted = values.sorted()
    for k in Set([0, n / 2, n - 1, Int((0.99 * Double(n)).rounded(.up)) - 1]) {
      var copy = values
      #expect(Aggregate.select(k, in: &copy) == sorted[k], "n \(n), rank \(k)")
    }
  }

  /// Large arrays take the sampled-threshold path: ties at the threshold, every value equal, values
  /// sorted increasing and decreasing, and a sample that sees only values larger than the rest (the
  /// threshold lies above the answer: the fallback to a full selection).
  @Test("orderStatistic gives the sorted array's element near the top of large arrays, ties included",
        arguments: ["random ties", "all equal", "increasing", "decreasing", "sample above the rest"])
  func orderStatistic(_ shape: String) {
    let n = 20_000
    var state: UInt64 = 7
    let values: [Double] = (0..<n).map { i in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      switch shape {
      case "random ties": return Double(state >> 60)
      case "all equal": return 0.25
      case "increasing": return Double(i)
      case "decreasing": return Double(n - i)
      default: return i % (n / 1024) == 0 ? 1e300 : Double(state >> 11)  // the sampled positions
      }
    }
    let sorted = values.sorted()
    for k in [0, n / 2, Int((0.99 * Double(n)).rounded(.up)) - 1, n - 1] {
      #expect(Aggregate.orderStatistic(k, of: values) == sorted[k], "\(shape), rank \(k)")
    }
  }

  @Test("the p99 of 200 values is the 198th smallest (nearest rank)")
  func percentile() throws {
    let row = try Reference.evaluate([0, 0], format: .float64, operations: [.softmax])
    let v = row.results[.softmax]![0]
    let ulp = Double(sign: .plus, exponent: v.ulpExponent, significand: 1)
    var a = Aggregate()
    for k in (1...200).reversed() {
      let c = 0.5 + Double(k) * ulp
      a.add(Measures.measure(computed: c, exact: v), caseID: "p/\(k)", index: 0, computed: c)
    }
    #expect(a.p99ULP == 198 && a.maxULP == 200 && a.worst?.caseID == "p/200")
  }
}
