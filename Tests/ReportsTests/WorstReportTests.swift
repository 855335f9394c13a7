import Accuracy
import Cases
import Experiments
import Foundation
import Reports
import SoftmaxSpec
import Testing

@Suite("worst.md and the worst family in runs, baselines and check")
struct WorstReportTests {
  /// A confident float32 row kept for accurate log-softmax with the wide policy.
  static let entry = WorstEntry(
    op: .logSoftmax, variant: .accurate, format: .float32, policy: .wide, kind: .maxULP, logits: [0x1.4p+4, 0, -0x1p+0],
    target: 0, ulp: 0.5, index: 0, status: "correct", computed: 0, exact: 0, command: "softmax-lab search ...", seed: 1,
    id: "0.0", evaluated: 1_000_000)

  /// Every result of `accurate` moved by 2^-20 of itself: far beyond 1 ULP in float32.
  static let worsened: KernelFunction = { kind, op, variant, row, format, policy, target in
    let out = Kernels.run(kind, op, variant, row, format, policy, target)
    return variant == .accurate ? out?.map { format.round($0 * (1 + 0x1p-20)) } : out
  }

  @Test("a section per op; the accurate bound holds on the real kernel and is exceeded on a worsened one")
  func boundVerdict() throws {
    let e = WorstReportTests.entry
    let now = WorstReport.remeasure(e)
    let ev = try Evaluation.evaluate(row: e.logits, format: e.format, target: e.target, ops: [e.op], variants: [e.variant],
                                     policies: [e.policy])
    #expect(now.ulp == ev.results[0].measures.compactMap(\.ulpError).max() && now.failure == nil)
    let good = WorstReport.markdown([e])
    #expect(good.contains("## log-softmax") && !good.contains("## lse"))
    #expect(good.contains("holds in float32 wide (1000000 rows)"))
    let bad = WorstReport.markdown([e], using: WorstReportTests.worsened)
    #expect(bad.contains("exceeded in float32 wide"))
    // A failure kept for a kernel with a stated bound is named below its section.
    let underflow = WorstEntry(op: .softmax, variant: .accurate, format: .float32, policy: .wide, kind: .failure,
                               logits: e.logits, target: 0, ulp: 0, index: 0, status: "underflow", computed: 0, exact: 0x1p-149,
                               command: "c", seed: 1, id: "0.0", evaluated: 1)
    let worse = WorstReport.markdown([underflow], using: { kind, op, variant, row, format, policy, target in
      Kernels.run(kind, op, variant, row, format, policy, target)!.map { _ in 0 }
    })
    #expect(worse.contains("## softmax") && worse.contains("float32 wide underflow of 0x1p-149 (subnormal)"))
  }

  /// A kept row of `accurate` with the given op, format, policy, logits and exact value.
  static func kept(_ op: Op, _ format: Format, _ policy: Policy, _ logits: [Double], exact: Double,
                   variant: Variant = .accurate) -> WorstEntry {
    WorstEntry(op: op, variant: variant, format: format, policy: policy, kind: .maxULP, logits: logits, target: 0, ulp: 0,
               index: 0, status: "correct", computed: exact, exact: exact, command: "c", seed: 1, id: "0.0", evaluated: 1)
  }

  @Test("the stated bounds: accurate only, wide and float64, normal results; lse's grows where m + L cancels")
  func statedBounds() {
    func k(_ op: Op, _ f: Format, _ p: Policy, _ x: [Double], exact: Double, variant: Variant = .accurate) -> WorstEntry {
      WorstReportTests.kept(op, f, p, x, exact: exact, variant: variant)
    }
    #expect(WorstReport.statedBound(k(.softmax, .float64, .native, [0, 0], exact: 0.5)) == 12)
    #expect(WorstReport.statedBound(k(.logSoftmax, .float64, .wide, [0, 0], exact: -0.5)) == 10)
    #expect(WorstReport.statedBound(k(.softmax, .float32, .wide, [0, 0], exact: 0.5)) == 1)
    #expect(WorstReport.statedBound(k(.softmax, .float32, .native, [0, 0], exact: 0.5)) == nil)
    #expect(WorstReport.statedBound(k(.softmax, .float64, .native, [0, -800], exact: 0x1p-1060)) == nil)  // subnormal
    #expect(WorstReport.statedBound(k(.lse, .bfloat16, .native, [0, 0], exact: 0.6931471805599453)) == nil)
    #expect(WorstReport.statedBound(k(.lse, .float32, .wide, [0, 0], exact: 0.6931471805599453, variant: .fused)) == nil)
    // lse of [100, 100] = 100 + log 2: L is small beside |lse|, the bound barely above 1 ULP. lse of
    // two logits -log 2 (rounded) is about 1e-17 while L = log 2: m + L cancels, the bound is millions of ULP.
    let far = WorstReport.statedBound(k(.lse, .float64, .native, [100, 100], exact: 100.69314718055995))!
    #expect(far > 1 && far < 1.1)
    let near = WorstReport.statedBound(k(.lse, .float64, .native, [-0.6931471805599453, -0.6931471805599453],
                                         exact: 2.3190468138462996e-17))!
    #expect(near > 1e6)
  }

  @Test("the worst family runs, goes into a baseline, and check finds nothing worse against it")
  func runAndCheck() throws {
    let plan = RunPlan(formats: [.float8E4M3, .float32], families: [.worst, .seed])
    let result = try Runner.run(plan, threads: 2)
    #expect(result.rows == 2 * (WorstData.entries.count + CaseSettings().rows(.seed)))
    if !WorstData.entries.isEmpty { #expect(result.groups.contains { $0.key.family == .worst }) }
    let baseline = try Baseline.parse(Baseline(result, settings: plan.settings).json(), name: "b")
    let current = result.groups.map { GroupSummary($0.key, $0.aggregate) }
    let (compared, regressions) = Check.compare(baseline.groups, current)
    #expect(compared == current.count && regressions.isEmpty)
    let files = Report.files(result, plan: plan, elementary: [], exhaustive: false, elementaryCount: 0)
    let worst = try #require(files.first { $0.path == "worst.md" })
    #expect(worst.content.hasPrefix("# Worst rows found by search"))
    #expect(try #require(files.first { $0.path == "README.md" }).content.contains("[worst](worst.md)"))
  }
}
