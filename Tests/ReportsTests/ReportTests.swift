import Accuracy
import Cases
import Experiments
import Foundation
import Reports
import SoftmaxSpec
import Testing

@Suite("reports/: the files and their determinism")
struct ReportTests {
  static let smallPlan = RunPlan(kernels: KernelKind.allCases, formats: [.float16, .float32],
                                 families: [.seed, .largePositive, .confident],
                                 settings: CaseSettings(rows: 4, length: 12))

  @Test("the same code and seed give the same bytes, whatever the thread count")
  func deterministic() throws {
    let elementary = [ElementarySweep.float16(.exp)]
    var outputs: [[ReportFile]] = []
    for threads in [1, 2] {
      let result = try Runner.run(ReportTests.smallPlan, threads: threads)
      outputs.append(Report.files(result, plan: ReportTests.smallPlan, elementary: elementary, exhaustive: false,
                                  elementaryCount: 0))
    }
    #expect(outputs[0].map(\.path) == outputs[1].map(\.path))
    #expect(outputs[0].map(\.content) == outputs[1].map(\.content))
    let paths = Set(outputs[0].map(\.path))
    for p in ["README.md", "baseline.json", "elementary.md", "lse.md", "softmax.md", "log-softmax.md",
              "cross-entropy.md", "ce-gradient.md", "plots/lse-scale-float16.svg", "plots/confident-float32.svg"] {
      #expect(paths.contains(p), "\(p)")
    }
    let svg = try #require(outputs[0].first { $0.path == "plots/lse-scale-float16.svg" }).content
    #expect(svg.hasPrefix("<svg") && svg.contains("naive") && svg.contains("T = 11.09"))
  }
}
