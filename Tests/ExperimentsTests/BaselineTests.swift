import Accuracy
import Cases
import Experiments
import Foundation
import Testing

/// The committed baseline (reports/baseline.json at the top of the repository).
let committedBaselinePath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("reports/baseline.json").path

/// A fused kernel whose sum leaves out the row's last logit (a deliberately worsened kernel).
let truncatedSum: KernelFunction = { kind, op, variant, row, format, policy, target in
  guard kind == .simd && variant == .fused && row.count > 1 else {
    return Kernels.run(kind, op, variant, row, format, policy, target)
  }
  var shortened = row
  shortened[row.count - 1] = -.infinity
  return Kernels.run(kind, op, variant, shortened, format, policy, target)
}

@Suite("Baseline and check")
struct BaselineTests {
  @Test("a baseline reads back to the same groups")
  func baselineRoundTrip() throws {
    let plan = RunPlan(formats: [.float32], families: [.seed])
    let result = try Runner.run(plan)
    let baseline = Baseline(result, settings: plan.settings)
    let parsed = try Baseline.parse(baseline.json(), name: "test")
    #expect(parsed.groups == baseline.groups && parsed.settings == baseline.settings)
    #expect(throws: BaselineError.self) { try Baseline.parse("{\"groups\": 3}", name: "bad") }
  }

  @Test("check flags a larger error beyond the tolerance, new overflows, underflows, NaNs and a lower CR share")
  func compareRules() throws {
    let result = try Runner.run(RunPlan(formats: [.float32], families: [.seed, .confident], settings: CaseSettings(rows: 6, length: 8)))
    let base = result.groups.map { GroupSummary($0.key, $0.aggregate) }
    #expect(Check.compare(base, base).regressions.isEmpty)
    #expect(Check.compare(base, base).compared == base.count)
    let worse = try Runner.run(RunPlan(formats: [.float32], families: [.seed, .confident], settings: CaseSettings(rows: 6, length: 8)),
                               using: truncatedSum)
    let regressions = Check.compare(base, worse.groups.map { GroupSummary($0.key, $0.aggregate) }).regressions
    #expect(!regressions.isEmpty)
    #expect(regressions.allSatisfy { $0.key.variant == .fused && $0.key.kernel == .simd })
    #expect(regressions.contains { $0.what.contains("max ULP error") })
  }

  /// The accuracy regression check of the test suite: a subset of the committed baseline's groups,
  /// rerun, nothing worse; and the worsened kernel is caught on the same subset.
  @Test("the kernels hold the committed baseline on a subset; a truncated sum fails it")
  func committedBaseline() throws {
    let baseline = try Baseline.parse(try String(contentsOfFile: committedBaselinePath, encoding: .utf8), name: committedBaselinePath)
    let plan = baseline.plan(families: [.seed, .special, .nearTies])
    let result = try Runner.run(plan)
    let current = result.groups.map { GroupSummary($0.key, $0.aggregate) }
    let (compared, regressions) = Check.compare(baseline.groups, current)
    #expect(compared == current.count && compared > 100)
    #expect(regressions.isEmpty, "\(regressions.prefix(5))")
    let worse = try Runner.run(plan, using: truncatedSum)
    #expect(!Check.compare(baseline.groups, worse.groups.map { GroupSummary($0.key, $0.aggregate) }).regressions.isEmpty)
  }
}
