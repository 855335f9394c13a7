import Experiments
import Foundation
import SoftmaxSpec
import Testing

@testable import Reports

@Suite("the speed page's y axis stops at 1e16 ULP")
struct SpeedPageChartTopTests {
  @Test("an error above the top goes to the band above the chart, named with its value; the axis ignores it")
  func offTheChart() throws {
    let huge = KernelConfiguration(.logSoftmax, .twoPass, .float64, .native)
    let onTop = KernelConfiguration(.logSoftmax, .fused, .float64, .native)  // 2^53 - 1: on the chart
    let small = KernelConfiguration(.logSoftmax, .fused, .float32, .native)
    let groups = [(huge, "1.69e+307"), (onTop, "9007199254740991"), (small, "1.5")].map { c, v in
      BaselineGroup(op: c.op, variant: c.variant, format: c.format, policy: c.policy, maxULP: v)
    }
    let results = lines([.logSoftmax], [.fused, .twoPass], [.float32, .float64], shapes: [BenchShape.standard[0]], threads: [1])
    let page = SpeedPage(results: results, baseline: try baseline(groups), baselineName: "b.json", machine: testMachine,
                         repeats: 1)
    let chart = try #require(page.charts().first { $0.op == .logSoftmax })
    let off = chart.plot.series.filter { $0.points.contains { $0.failed } }
    #expect(off.map(\.name) == ["two-pass float64 native: 1.7e307 ULP"])
    #expect(chart.plot.failedLabel == "off the chart (max ULP error above 1e16)")
    // The top tick is the decade above 2^53, not 10^307.
    let top = chart.plot.makeYAxis().hi  // log10 of the top value
    #expect(top > 15.9 && top < 17)
    #expect(chart.plot.svg().contains("two-pass float64 native: 1.7e307 ULP"))
  }

  @Test("short values", arguments: [(1.69e307, "1.7e307"), (1e16, "1e16"), (9.99e20, "1e21"), (3.72e37, "3.7e37")])
  func shortValue(x: Double, text: String) {
    #expect(SpeedPage.shortValue(x) == text)
  }
}
