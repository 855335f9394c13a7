import Accuracy
import Cases
import Experiments
import SoftmaxKernels
import SoftmaxSpec
import Testing

@Suite("Scoring outputs computed elsewhere")
struct ScoringTests {
  /// The lab's own kernel outputs fed back as if another library had computed them: the same
  /// aggregates as `run`, bit for bit, in every format and with a mixed output format.
  @Test("scoring the lab's own outputs gives exactly run's aggregates",
        arguments: [(Format.float32, Op.logSoftmax, Variant.fused, Policy.native, nil as Format?),
                    (.float16, .softmax, .accurate, .wide, nil), (.bfloat16, .crossEntropy, .shifted, .native, nil),
                    (.float8E4M3, .ceGradient, .fused, .wide, nil), (.float8E5M2, .lse, .naive, .native, nil),
                    (.float8E4M3, .softmax, .accurate, .wide, .float32)])
  func sameAsRun(_ f: Format, _ op: Op, _ variant: Variant, _ policy: Policy, _ outputFormat: Format?) throws {
    var plan = RunPlan(ops: [op], variants: [variant], formats: [f], policies: [policy],
                       families: [.moderate, .confident, .masked, .special, .seed], settings: CaseSettings(rows: 6, length: 12))
    plan.outputFormat = outputFormat
    let run = try Runner.run(plan, threads: 2)
    let delivery = plan.output(for: f)
    var rows: [ScoredRow] = []
    for family in plan.families {
      for c in Generator.cases(family, format: f, settings: plan.settings) {
        var out = SIMDKernels.evaluate(op, variant, row: c.logits, format: delivery.kernelFormat(for: f), policy: policy,
                                       target: c.target)!
        if !delivery.isIdentity(for: f) { out = out.map(delivery.deliver) }
        rows.append(ScoredRow(family: family.rawValue, id: c.id, logits: c.logits, target: c.target, outputs: out))
      }
    }
    let groups = try Scoring.score(rows, op: op, format: f, output: delivery, name: "lab", threads: 3)
    #expect(groups.map(\.family) == plan.families.map(\.rawValue))
    for g in groups {
      let expected = run.groups.first { $0.key.family.rawValue == g.family }!.aggregate
      #expect(g.aggregate == expected, "\(g.family)")
    }
  }

  @Test("outputs of the wrong count or not of the output format are one-line errors")
  func badOutputs() {
    let short = ScoredRow(family: "rows", id: "row 0", logits: [1, 2, 3], target: 0, outputs: [0.5, 0.5])
    #expect(throws: ScoreError.self) { try Scoring.score([short], op: .softmax, format: .float32, name: "x") }
    let notHalf = ScoredRow(family: "rows", id: "row 0", logits: [1, 2], target: 0, outputs: [0.1, 0.9])
    do {
      _ = try Scoring.score([notHalf], op: .softmax, format: .float16, name: "x")
      Issue.record("0.1 is not a float16 value: expected an error")
    } catch {
      #expect("\(error)" == "row 0: output 0 (0.1) is not a float16 value")
    }
  }

  @Test("gates: a max ULP above the limit and each flag asked for is one line; none passes")
  func gates() throws {
    // softmax of [0, 0] is [0.5, 0.5]: outputs 0.5 and inf (an overflow) in float32.
    let rows = [ScoredRow(family: "rows", id: "row 0", logits: [0, 0], target: 0, outputs: [0.5, .infinity]),
                ScoredRow(family: "rows", id: "row 1", logits: [0, 0], target: 0, outputs: [0.5, 0.5.nextUp])]
    let groups = try Scoring.score(rows, op: .softmax, format: .float64, name: "lib", threads: 1)
    #expect(groups.count == 1 && groups[0].aggregate.overflow == 1)
    #expect(Scoring.violations(groups, maxULP: 2, failOn: []).isEmpty)  // 0.5 + 2^-53 is 1 ULP from 0.5
    #expect(Scoring.violations(groups, maxULP: 0.5, failOn: []).count == 1)
    #expect(Scoring.violations(groups, maxULP: nil, failOn: ["overflow", "nan"]) == ["lib softmax float64 rows: 1 overflow value"])
  }
}
