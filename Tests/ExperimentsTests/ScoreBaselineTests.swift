import Accuracy
import Cases
import Experiments
import SoftmaxKernels
import SoftmaxSpec
import Testing

@Suite("check on a score JSON")
struct ScoreBaselineTests {
  /// A library's outputs (here the lab's own kernel of `variant`) scored on a few families.
  static func groups(_ variant: Variant, name: String = "mylib") throws -> [ScoreGroup] {
    let settings = CaseSettings(rows: 5, length: 10)
    let rows = [CaseFamily.moderate, .confident, .special].flatMap { family in
      Generator.cases(family, format: .float32, settings: settings).map { c in
        ScoredRow(family: family.rawValue, id: c.id, logits: c.logits, target: c.target,
                  outputs: Kernels.run(.simd, .logSoftmax, variant, c.logits, .float32, .native, c.target)!)
      }
    }
    return try Scoring.score(rows, op: .logSoftmax, format: .float32, name: name, threads: 2)
  }

  @Test("a score JSON reads back as a score baseline with the same groups")
  func roundTrip() throws {
    let groups = try Self.groups(.fused)
    guard case .score(let parsed) = try BaselineFile.parse(Scoring.json(groups, about: "test", output: nil), name: "s.json") else {
      Issue.record("a score JSON was read as a run's baseline")
      return
    }
    #expect(parsed == groups.map(ScoreSummary.init))
    #expect(parsed.map(\.key.family) == ["moderate", "confident", "special"])
    // A run's baseline is still a run's.
    let run = try Runner.run(RunPlan(ops: [.lse], variants: [.fused], formats: [.float32], policies: [.native], families: [.seed]))
    guard case .run = try BaselineFile.parse(Baseline(run, settings: .init()).json(), name: "b.json") else {
      Issue.record("a run's baseline was read as a score")
      return
    }
  }

  @Test("a library held to its own baseline: the same outputs pass, worse outputs fail with one line per regression")
  func compare() throws {
    let base = try Self.groups(.accurate).map(ScoreSummary.init)
    #expect(Check.compare(base, base).regressions.isEmpty && Check.compare(base, base).compared == 3)
    let worse = try Self.groups(.shifted).map(ScoreSummary.init)
    let regressions = Check.compare(base, worse).regressions
    #expect(regressions.contains { $0.key.family == "confident" && $0.what.contains("max ULP error") })
    #expect(regressions.allSatisfy { "\($0)".hasPrefix("\($0.key.family) float32 mylib log-softmax: ") })
    // Groups of another name are not compared.
    #expect(Check.compare(base, try Self.groups(.shifted, name: "other").map(ScoreSummary.init)).compared == 0)
  }

  @Test("a malformed score JSON is a one-line error", arguments: [
    (#"{"groups": [{"name": "x"}]}"#, #"group 0 has no string "format""#),
    (#"{"groups": [{"name": "x", "family": "f", "format": "float99", "op": "lse"}]}"#, #"group 0 has no valid "format""#),
    (#"{"groups": [{"name": "x", "family": "f", "format": "float32", "op": "lse", "values": 1, "correctlyRounded": 1, "maxULP": 3}]}"#,
     #""maxULP" is not a number written as a string"#),
    ("[1, 2]", "is not a JSON object"),
  ])
  func malformed(_ text: String, _ message: String) {
    do {
      _ = try BaselineFile.parse(text, name: "bad.json")
      Issue.record("expected an error")
    } catch {
      #expect("\(error)".contains(message) && "\(error)".hasPrefix("bad.json"), "\(error)")
    }
  }
}
