import Accuracy
import Cases
import ExactReference
import Experiments
import Foundation
import LabSupport
import SoftmaxSpec
import Testing

@Suite("search: deterministic restarts, shards that merge, bad rows found")
struct SearchTests {
  static let small = SearchPlan(op: .logSoftmax, variant: .fused, format: .float32, policy: .native, length: 6,
                                budget: 150, seed: 7, rowsPerRestart: 15)

  @Test("the same seed gives the same result whatever the thread count; another seed another one")
  func deterministic() throws {
    let one = try Search.run(SearchTests.small, threads: 1)
    let three = try Search.run(SearchTests.small, threads: 3)
    #expect(one == three)
    #expect(SearchFiles.json(SearchTests.small, one) == SearchFiles.json(SearchTests.small, three))
    #expect(one.evaluated == 150 && one.restarts == 10 && one.worst.count == 10)
    var other = SearchTests.small
    other.seed = 8
    #expect(try Search.run(other, threads: 2).worst != one.worst)
  }

  @Test("shards' partial files merged give one process's JSON, in any order", arguments: [1, 2, 4, 7])
  func shards(_ n: Int) throws {
    let plan = SearchTests.small
    let whole = SearchFiles.json(plan, try Search.run(plan, threads: 2))
    var parts = try (0..<n).map { i -> (name: String, text: String) in
      let shard = Shard(index: i, count: n)!
      return ("part\(i)", SearchFiles.part(plan, try Search.run(plan, shard: shard, threads: 1), shard: shard))
    }
    var rng = SystemRandomNumberGenerator()
    parts.shuffle(using: &rng)
    guard case .search(let mergedPlan, let merged) = try Merge.merge(parts) else {
      Issue.record("the parts of a search merged into another kind of result")
      return
    }
    #expect(mergedPlan == plan)
    #expect(SearchFiles.json(mergedPlan, merged) == whole)
    if n > 1 {
      // A missing shard; a shard of another search (another seed) in place of shard 0.
      #expect(throws: PartialResultError.self) { try Merge.merge(Array(parts.dropFirst())) }
      var other = plan
      other.seed = 8
      let shard = Shard(index: 0, count: n)!
      let stranger = ("stranger", SearchFiles.part(other, try Search.run(other, shard: shard, threads: 1), shard: shard))
      #expect(throws: PartialResultError.self) { try Merge.merge([stranger] + parts.filter { $0.name != "part0" }) }
    }
  }

  @Test("naive lse on large logits: an overflow found at once, where the exact lse is finite")
  func naiveOverflow() throws {
    let plan = SearchPlan(op: .lse, variant: .naive, format: .float32, policy: .native, length: 8, budget: 60, seed: 1,
                          rowsPerRestart: 20)
    let r = try Search.run(plan, threads: 2)
    let f = try #require(r.firstFailure)
    #expect(f.status == .overflow && f.computed == .infinity)
    let exact = try Reference.evaluate(f.logits, format: .float32, target: f.target, operations: [.lse])
    let v = exact.results[.lse]![0].rounded
    #expect(v.isFinite && v == f.exact)
    #expect(f.logits.max()! > Thresholds(.float32).overflow)  // exp(x) itself overflows above T
  }

  /// shifted log-softmax is log(e_i / s): for a confident row e_top / s rounds to 1 and the top
  /// log-prob comes out 0 where it is -(sum of the others' e^(x_j - m)), a small negative number: an
  /// underflow by the measures' definition, and an error of |v| / ulp(v) >= 2^(p-1) ULP (p = 24).
  @Test("shifted log-softmax: the top log-prob of a confident row lost, at least 2^23 ULP off")
  func shiftedConfident() throws {
    // Rows of two logits: the other log-prob, -d, underflows only past d = 103, the top one's loss from d = 17 on.
    let plan = SearchPlan(op: .logSoftmax, variant: .shifted, format: .float32, policy: .native, length: 2, budget: 300,
                          seed: 1, rowsPerRestart: 10)
    let f = try #require(try Search.run(plan, threads: 2).firstFailure)
    #expect(f.status == .underflow && f.computed == 0 && f.exact < 0)
    #expect(f.logits[f.index] == f.logits.max())
    // The failure the search reports is the one the measures give for that row against the reference.
    let ev = try Evaluation.evaluate(row: f.logits, format: .float32, target: f.target, ops: [.logSoftmax],
                                     variants: [.shifted], policies: [.native])
    #expect(ev.results[0].output[f.index] == 0 && ev.results[0].measures[f.index].status == .underflow)
    let exact = ev.reference.results[.logSoftmax]![f.index]
    #expect(exact.rounded == f.exact && Measures.ulpError(computed: 0, exact: exact) >= 0x1p23)
  }

  @Test("exhaustive: every pair of finite float8 values, one restart per first logit", arguments: [Format.float8E4M3, .float8E5M2])
  func exhaustivePairs(_ f: Format) throws {
    // OCP float8: e4m3 has 2 NaN patterns and no infinity; e5m2 has 2 infinities and 6 NaNs.
    let finite = f == .float8E4M3 ? 256 - 2 : 256 - 2 - 6
    let plan = SearchPlan(op: .lse, variant: .fused, format: f, policy: .native, exhaustive: true)
    #expect(plan.restarts == finite && plan.length == 2)
    let values = plan.finiteValues
    #expect(Set(values.map(\.bitPattern)).count == finite)
    // The same values as walking the grid from -largest to +largest, -0 besides +0.
    var walk: [Double] = [-f.greatestFiniteMagnitude]
    while walk.last! < f.greatestFiniteMagnitude { walk.append(f.nextUp(walk.last!)) }
    #expect(Set(values.map(\.bitPattern)) == Set((walk + [-0.0, 0.0]).map(\.bitPattern)))
    // One shard of 64: the restarts k = 0, 64, 128, 192, each every second logit.
    let r = try Search.run(plan, shard: .init(index: 0, count: 64)!, threads: 2)
    #expect(r.restarts == 4 && r.evaluated == 4 * finite)
    #expect(r.worst.allSatisfy { $0.logits == [values[$0.restart], values[$0.step]] })
  }

  @Test("bad plans are refused with one line")
  func badPlans() {
    let plans = [
      SearchPlan(op: .lse, variant: .divisionFree, format: .float32, policy: .native),
      SearchPlan(op: .lse, variant: .fused, format: .float32, policy: .native, length: 1),
      SearchPlan(op: .lse, variant: .fused, format: .float32, policy: .native, budget: 0),
      SearchPlan(op: .lse, variant: .fused, format: .float32, policy: .native, exhaustive: true),
    ]
    for p in plans {
      #expect { _ = try p.validated() } throws: { "\($0)".split(separator: "\n").count == 1 }
    }
  }

  @Test("the rows kept from a search: the worst row and the first failure, each with its command")
  func entries() throws {
    let plan = SearchPlan(op: .lse, variant: .naive, format: .float32, policy: .native, length: 8, budget: 60, seed: 1,
                          rowsPerRestart: 20)
    let r = try Search.run(plan, threads: 1)
    let kept = SearchFiles.entries(plan, r)
    #expect(kept.map(\.kind) == [.maxULP, .failure])
    #expect(kept.allSatisfy { $0.command == plan.command && $0.evaluated == 60 && $0.seed == 1 })
    #expect(kept[0].ulp == r.worst[0].ulp && kept[1].logits == r.firstFailure!.logits)
    let text = WorstData.json(kept, format: .float32)
    #expect(try WorstData.parse(text, name: "t") == WorstData.sorted(kept))
  }
}
