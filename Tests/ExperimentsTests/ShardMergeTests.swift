import Accuracy
import Cases
import Experiments
import Foundation
import LabSupport
import SoftmaxSpec
import Testing

/// The N parts of a job, each computed alone, in a shuffled order (fixed by `seed`).
private func shuffled(_ parts: [String], seed: UInt64) -> [(name: String, text: String)] {
  var rng = SplitMix64(state: seed)
  return parts.enumerated().map { (name: "part-\($0.offset)", text: $0.element) }.shuffled(using: &rng)
}

@Suite("--shard i/N and merge")
struct ShardMergeTests {
  /// A reduced run: a few families (one with a parameter, one with undefined rows), two formats,
  /// every variant of two operations.
  static let plan = RunPlan(ops: [.lse, .softmax], formats: [.float16, .bfloat16], policies: Policy.allCases,
                            families: [.seed, .moderate, .special, .confident], settings: CaseSettings(seed: 7, rows: 5, length: 9))

  static func parts(_ plan: RunPlan, _ n: Int) throws -> [String] {
    try (0..<n).map { try Runner.run(plan, shard: Shard(index: $0, count: n)!, command: "test", threads: 2).text() }
  }

  @Test("merged run parts give the bytes of one process, for N = 1, 2, 4, 7 in any order", arguments: [1, 2, 4, 7])
  func run(n: Int) throws {
    let plan = ShardMergeTests.plan
    let whole = try Runner.run(plan, threads: 2)
    guard case .run(let merged, let mergedPlan) = try Merge.merge(shuffled(try ShardMergeTests.parts(plan, n), seed: UInt64(n)))
    else { Issue.record("not a run"); return }
    #expect(Baseline(merged, settings: mergedPlan.settings).json() == Baseline(whole, settings: plan.settings).json())
    #expect(merged.groups.count == whole.groups.count && !whole.groups.isEmpty)
    #expect(zip(merged.groups, whole.groups).allSatisfy { $0.key == $1.key && $0.aggregate == $1.aggregate })
    #expect(merged.rows == whole.rows && merged.referenceValues == whole.referenceValues && merged.mpfrValues == whole.mpfrValues)
    for (key, points) in whole.rowsByGroup {
      let other = try #require(merged.rowsByGroup[key])
      #expect(other.map(\.index) == points.map(\.index) && other.map(\.parameter) == points.map(\.parameter)
                && other.map(\.maxULP) == points.map(\.maxULP) && other.map(\.failed) == points.map(\.failed))
    }
  }

  @Test("a sweep's parts give one process's results, for N = 1, 2, 4, 7 in any order", arguments: [1, 2, 4, 7])
  func elementary(n: Int) throws {
    let job = ElementaryJob(functions: [.exp, .log1p], formats: [.float8E4M3, .float64, .float8E5M2], exhaustive: false, count: 200)
    let whole = job.run(threads: 2)
    let parts = (0..<n).map { job.run(shard: Shard(index: $0, count: n)!, command: "test", threads: 2).text() }
    guard case .elementary(let merged) = try Merge.merge(shuffled(parts, seed: 3 * UInt64(n))) else {
      Issue.record("not an elementary job")
      return
    }
    #expect(merged.count == whole.count && whole.count == 6)
    for (a, b) in zip(merged, whole) {
      #expect(a.function == b.function && a.format == b.format && a.method == b.method && a.inputs == b.inputs)
      #expect(a.notCorrectlyRounded == b.notCorrectlyRounded && a.wrongSpecials == b.wrongSpecials)
      #expect(a.maxULP.bitPattern == b.maxULP.bitPattern && a.worstInput.bitPattern == b.worstInput.bitPattern)
      #expect(a.wrongSpecialInput?.bitPattern == b.wrongSpecialInput?.bitPattern)
    }
    // Each float8 pattern once, float64's sweep in one part: the inputs add up to the job's.
    #expect(merged[0].inputs == 256 && merged[2].inputs == 200 + HardToRoundInputs.inputs(.exp).count + 15)
  }

  @Test("tallies merge by largest error, ties to the smallest key, whatever the order")
  func tallyMerge() {
    let a = ElementaryTally(inputs: 3, notCorrectlyRounded: 1, maxULP: 0.75, worst: .init(key: 9, value: 9),
                            special: .init(key: 4, value: 4))
    let b = ElementaryTally(inputs: 2, wrongSpecials: 1, maxULP: 0.75, worst: .init(key: 2, value: 2),
                            special: .init(key: 6, value: 6))
    let c = ElementaryTally(inputs: 1, maxULP: 0.5, worst: .init(key: 1, value: 1))
    var x = ElementaryTally(), y = ElementaryTally()
    for t in [a, b, c] { x.merge(t) }
    for t in [c, b, a] { y.merge(t) }
    #expect(x == y && x.inputs == 6 && x.notCorrectlyRounded == 1 && x.wrongSpecials == 1)
    #expect(x.maxULP == 0.75 && x.worst?.key == 2 && x.special?.key == 4)
  }

  /// The texts of a small run's parts, for the refusals.
  static func smallParts(_ n: Int, seed: UInt64 = 1) throws -> [String] {
    try parts(RunPlan(ops: [.lse], variants: [.fused], formats: [.float32], policies: [.native], families: [.moderate],
                      settings: CaseSettings(seed: seed, rows: 4, length: 4)), n)
  }

  func refusal(_ parts: [(name: String, text: String)], _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
      _ = try Merge.merge(parts)
      Issue.record("merged", sourceLocation: sourceLocation)
    } catch let error as PartialResultError {
      #expect(error.description.contains(message) && !error.description.contains("\n"), "\(error)", sourceLocation: sourceLocation)
    } catch {
      Issue.record("\(error)", sourceLocation: sourceLocation)
    }
  }

  @Test("merge refuses parts of different plans or splits, a missing or repeated shard, a malformed file")
  func refusals() throws {
    let two = try ShardMergeTests.smallParts(2), other = try ShardMergeTests.smallParts(2, seed: 2)
    let three = try ShardMergeTests.smallParts(3)
    refusal([("a", two[0]), ("b", other[1])], "a and b are parts of different plans")
    refusal([("a", two[0]), ("b", three[1])], "parts of different splits")
    refusal([("a", three[0]), ("b", three[2])], "shard 1/3 is missing")
    refusal([("a", two[0]), ("b", two[1]), ("c", two[1])], "shard 1/2 is given twice (b and c)")
    refusal([], "no parts")
    refusal([("a", two[0]), ("b", "{\"groups\": []}")], "b is not a softmax-lab partial result")
    refusal([("a", two[0]), ("b", String(two[1].prefix(300)))], "b is not a softmax-lab partial result (not a JSON object)")
    // A row dropped, an error list that is not base64: the file parses but is not its shard's part.
    var object = try #require(try JSONSerialization.jsonObject(with: Data(two[1].utf8)) as? [String: Any])
    var rows = try #require(object["rows"] as? [[String: Any]])
    object["rows"] = Array(rows.dropLast())
    let dropped = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    refusal([("a", two[0]), ("b", dropped)], "b: its rows are not those of shard 1/2")
    var groups = try #require(rows[0]["groups"] as? [[Any]])
    groups[0][8] = "not base64!"
    rows[0]["groups"] = groups
    object["rows"] = rows
    let broken = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    refusal([("a", two[0]), ("b", broken)], "b: row 1 has a malformed group")
  }
}
