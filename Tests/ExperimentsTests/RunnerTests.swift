import Accuracy
import Cases
import Experiments
import Testing

@Suite("The runner")
struct RunnerTests {
  /// The group computed the long way: each case evaluated and measured in order, by hand.
  @Test("aggregates equal the case-by-case evaluation of the same rows")
  func handChecked() throws {
    let plan = RunPlan(ops: [.lse, .softmax], variants: [.naive, .fused], formats: [.float16],
                       policies: [.native], families: [.seed, .largePositive], settings: CaseSettings(rows: 6, length: 5))
    let result = try Runner.run(plan, threads: 2)
    #expect(result.groups.count == 2 * 2 * 2)
    for (key, aggregate) in result.groups {
      var expected = Aggregate()
      for c in Generator.cases(key.family, format: key.format, settings: plan.settings) {
        let ev = try Evaluation.evaluate(row: c.logits, format: c.format, target: c.target, ops: [key.op],
                                         variants: [key.variant], policies: [key.policy])
        for (i, m) in ev.results[0].measures.enumerated() {
          expected.add(m, caseID: c.id, index: i, computed: ev.results[0].output[i])
        }
      }
      #expect(aggregate == expected, "\(key)")
    }
    // By hand: the 6 seed rows, lse, fused: 6 values; large-positive naive lse overflows on the rows
    // whose largest logit passes 11.09, fused never does.
    let seedLSE = result.groups.first { $0.key.family == .seed && $0.key.op == .lse && $0.key.variant == .fused }!
    #expect(seedLSE.aggregate.count == 6 && seedLSE.aggregate.overflow == 0)
    let cliff = result.groups.first { $0.key.family == .largePositive && $0.key.op == .lse && $0.key.variant == .naive }!
    let above = Generator.cases(.largePositive, format: .float16, settings: plan.settings)
      .filter { $0.logits.max()! > Thresholds(.float16).overflow }.count
    #expect(cliff.aggregate.overflow == above && above > 0)
  }

  @Test("the same aggregates with 1, 2 and 3 threads")
  func deterministic() throws {
    let plan = RunPlan(families: [.moderate, .confident, .masked, .special, .seed], settings: CaseSettings(rows: 8, length: 16))
    let one = try Runner.run(plan, threads: 1)
    for threads in [2, 3] {
      let other = try Runner.run(plan, threads: threads)
      #expect(other.groups.count == one.groups.count)
      #expect(zip(one.groups, other.groups).allSatisfy { $0.key == $1.key && $0.aggregate == $1.aggregate })
    }
  }

  @Test("a variant with no kernel of the requested kind is refused")
  func refused() {
    #expect(throws: RunError.self) { try Runner.run(RunPlan(kernels: [.textbook], variants: [.online], families: [.seed])) }
  }
}
