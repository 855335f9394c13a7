import Foundation
import SoftmaxSpec

/// The group of a score: family (or "rows" for ad-hoc tensors), format, the name given with
/// `--name`, and the operation.
public struct ScoreKey: Hashable, Sendable {
  public let family: String
  public let format: Format
  public let name: String
  public let op: Op

  public init(family: String, format: Format, name: String, op: Op) {
    self.family = family
    self.format = format
    self.name = name
    self.op = op
  }
}

/// One group of `softmax-lab score --json` as `check` reads it back.
public struct ScoreSummary: Sendable, Equatable, CheckedMeasures {
  public let key: ScoreKey
  public let values: Int
  public let correctlyRounded: Int
  public let maxULP: Double?
  public let p99ULP: Double?
  public let overflow: Int
  public let underflow: Int
  public let nan: Int
  public let worstCase: String?
  public let worstIndex: Int?

  public init(_ g: ScoreGroup) {
    key = ScoreKey(family: g.family, format: g.format, name: g.name, op: g.op)
    let a = g.aggregate
    values = a.count
    correctlyRounded = a.correctlyRounded
    maxULP = a.maxULP
    p99ULP = a.p99ULP
    overflow = a.overflow
    underflow = a.underflow
    nan = a.nan
    worstCase = a.worst?.caseID
    worstIndex = a.worst?.index
  }

  init(key: ScoreKey, values: Int, correctlyRounded: Int, maxULP: Double?, p99ULP: Double?, overflow: Int, underflow: Int,
       nan: Int, worstCase: String?, worstIndex: Int?)
  {
    self.key = key
    self.values = values
    self.correctlyRounded = correctlyRounded
    self.maxULP = maxULP
    self.p99ULP = p99ULP
    self.overflow = overflow
    self.underflow = underflow
    self.nan = nan
    self.worstCase = worstCase
    self.worstIndex = worstIndex
  }
}

/// What `softmax-lab check --baseline FILE` was given: a run's baseline (`reports/baseline.json`,
/// `run --json`; groups with kernel, variant and policy, and the seed that regenerates their rows)
/// or a score (`score --json`; groups with the name of the library that computed the outputs).
public enum BaselineFile: Sendable {
  case run(Baseline)
  case score([ScoreSummary])

  /// Reads either kind; a one-line error for anything else. A file whose groups have a `name` and
  /// no `kernel` is a score.
  public static func parse(_ text: String, name: String) throws -> BaselineFile {
    guard let o = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
      throw BaselineError("\(name) is not a JSON object (expected the output of softmax-lab run --json, score --json or report)")
    }
    let groups = o["groups"] as? [[String: Any]]
    if o["seed"] == nil, let groups, groups.isEmpty || (groups[0]["name"] != nil && groups[0]["kernel"] == nil) {
      return .score(try parseScore(groups, name: name))
    }
    return .run(try Baseline.parse(text, name: name))
  }

  /// The groups of a score JSON.
  static func parseScore(_ groups: [[String: Any]], name: String) throws -> [ScoreSummary] {
    try groups.enumerated().map { i, g in
      func text(_ k: String) throws -> String {
        guard let s = g[k] as? String else { throw BaselineError("\(name): group \(i) has no string \"\(k)\"") }
        return s
      }
      func int(_ k: String) throws -> Int {
        guard let v = g[k] as? Int else { throw BaselineError("\(name): group \(i) has no integer \"\(k)\"") }
        return v
      }
      func double(_ k: String) throws -> Double? {
        if g[k] == nil || g[k] is NSNull { return nil }
        guard let s = g[k] as? String, let v = Double(s) else {
          throw BaselineError("\(name): group \(i): \"\(k)\" is not a number written as a string")
        }
        return v
      }
      guard let format = Format(rawValue: try text("format")) else { throw BaselineError("\(name): group \(i) has no valid \"format\"") }
      guard let op = Op(rawValue: try text("op")) else { throw BaselineError("\(name): group \(i) has no valid \"op\"") }
      return ScoreSummary(key: ScoreKey(family: try text("family"), format: format, name: try text("name"), op: op),
                          values: try int("values"), correctlyRounded: try int("correctlyRounded"),
                          maxULP: try double("maxULP"), p99ULP: try double("p99ULP"), overflow: try int("overflow"),
                          underflow: try int("underflow"), nan: try int("nan"), worstCase: g["worstCase"] as? String,
                          worstIndex: g["worstIndex"] as? Int)
    }
  }
}
