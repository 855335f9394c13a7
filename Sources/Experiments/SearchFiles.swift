import Accuracy
import Cases
import Foundation
import LabSupport
import SoftmaxSpec

/// A search's result as JSON (`search --json`), a shard's partial result (`search --partial`),
/// and partial results merged back into what one process writes.
///
/// `{"op", "variant", "format", "policy", "n", "budget", "seed", "restartRows", "exhaustive",
/// "command", ["shard": "i/N",] "evaluated", "restarts", "failures", "worst": [row...],
/// "firstFailure": row or null}`, a row being `{"id", "restart", "step", "ulp", "status",
/// "index", "computed", "exact", "target", "logits"}` with every value in hexadecimal and the ULP
/// error as a decimal string (strings read back exactly; JSONSerialization's numbers do not).
public enum SearchFiles {
  public static func json(_ plan: SearchPlan, _ result: SearchResult, shard: Shard? = nil) -> String {
    var fields: [(String, JSON)] = [
      ("op", .string(plan.op.rawValue)), ("variant", .string(plan.variant.rawValue)),
      ("format", .string(plan.format.rawValue)), ("policy", .string(plan.policy.rawValue)),
      ("n", .int(plan.length)), ("budget", .int(plan.budget)), ("seed", .int(Int(truncatingIfNeeded: plan.seed))),
      ("restartRows", .int(plan.rowsPerRestart)), ("exhaustive", .bool(plan.exhaustive)),
      ("command", .string(plan.command)),
    ]
    if let shard { fields.append(("shard", .string(shard.description))) }
    fields += [
      ("evaluated", .int(result.evaluated)), ("restarts", .int(result.restarts)), ("failures", .int(result.failures)),
      ("worst", .array(result.worst.map(row))), ("firstFailure", result.firstFailure.map(row) ?? .null),
    ]
    return JSON.object(fields).text() + "\n"
  }

  static func row(_ r: SearchRow) -> JSON {
    let hex = Format.hexadecimal
    return .object([
      ("id", .string(r.id)), ("restart", .int(r.restart)), ("step", .int(r.step)), ("ulp", .string(r.ulp.description)),
      ("status", .string(r.status.rawValue)), ("index", .int(r.index)), ("computed", .string(hex(r.computed))),
      ("exact", .string(hex(r.exact))), ("target", .int(r.target)), ("logits", .array(r.logits.map { .string(hex($0)) })),
    ])
  }

  /// A partial result: the plan, the shard and the result, read back from `json(_:_:shard:)`.
  public struct Partial: Sendable {
    public let plan: SearchPlan
    public let shard: Shard
    public let result: SearchResult
  }

  /// Reads a partial result; `name` is used in the one-line error.
  public static func partial(_ text: String, name: String) throws -> Partial {
    func fail(_ s: String) -> SearchError { SearchError(description: "\(name): \(s)") }
    guard let o = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
      throw fail("not a JSON object")
    }
    func value<T>(_ d: [String: Any], _ key: String, _ type: T.Type) throws -> T {
      guard let v = d[key] as? T else { throw fail("missing or malformed \"\(key)\"") }
      return v
    }
    func named<T: RawRepresentable>(_ key: String, _ type: T.Type) throws -> T where T.RawValue == String {
      guard let v = T(rawValue: try value(o, key, String.self)) else { throw fail("unknown \(key)") }
      return v
    }
    func hex(_ s: String) throws -> Double {
      guard let v = Double(s) else { throw fail("'\(s)' is not a number") }
      return v
    }
    func row(_ d: [String: Any]) throws -> SearchRow {
      guard let status = Status(rawValue: try value(d, "status", String.self)) else { throw fail("unknown status") }
      return SearchRow(restart: try value(d, "restart", Int.self), step: try value(d, "step", Int.self),
                       logits: try value(d, "logits", [String].self).map(hex), target: try value(d, "target", Int.self),
                       ulp: try hex(value(d, "ulp", String.self)), index: try value(d, "index", Int.self),
                       computed: try hex(value(d, "computed", String.self)), exact: try hex(value(d, "exact", String.self)),
                       status: status)
    }
    guard let shard = Shard(try value(o, "shard", String.self)) else { throw fail("malformed \"shard\" (write i/N)") }
    let plan = SearchPlan(op: try named("op", Op.self), variant: try named("variant", Variant.self),
                          format: try named("format", Format.self), policy: try named("policy", Policy.self),
                          length: try value(o, "n", Int.self), budget: try value(o, "budget", Int.self),
                          seed: UInt64(truncatingIfNeeded: try value(o, "seed", Int.self)),
                          rowsPerRestart: try value(o, "restartRows", Int.self),
                          exhaustive: try value(o, "exhaustive", Bool.self))
    var result = SearchResult()
    result.evaluated = try value(o, "evaluated", Int.self)
    result.restarts = try value(o, "restarts", Int.self)
    result.failures = try value(o, "failures", Int.self)
    result.worst = try value(o, "worst", [[String: Any]].self).map(row)
    if let f = o["firstFailure"], !(f is NSNull) {
      guard let d = f as? [String: Any] else { throw fail("malformed \"firstFailure\"") }
      result.firstFailure = try row(d)
    }
    return Partial(plan: plan, shard: shard, result: result)
  }

  /// Partial results of one search merged: its plan and the result one process gives. Refused
  /// unless the parts share a plan and a shard count and hold each shard exactly once.
  public static func merged(_ parts: [Partial]) throws -> (SearchPlan, SearchResult) {
    guard let first = parts.first else { throw SearchError(description: "no partial results to merge") }
    guard parts.allSatisfy({ $0.plan == first.plan }) else {
      throw SearchError(description: "the partial results come from different searches")
    }
    let count = first.shard.count
    let indices = parts.map(\.shard.index).sorted()
    guard parts.allSatisfy({ $0.shard.count == count }), indices == Array(0..<count) else {
      throw SearchError(description: "the partial results do not hold each of the \(count) shards once (have \(parts.map(\.shard.description).sorted().joined(separator: ", ")))")
    }
    return (first.plan, SearchResult.merged(parts.map(\.result)))
  }

  /// The entries `search --keep` adds to data/worst/: the worst row and the first failure.
  public static func entries(_ plan: SearchPlan, _ result: SearchResult) -> [WorstEntry] {
    func entry(_ r: SearchRow, _ kind: WorstEntry.Kind) -> WorstEntry {
      WorstEntry(op: plan.op, variant: plan.variant, format: plan.format, policy: plan.policy, kind: kind,
                 logits: r.logits, target: r.target, ulp: r.ulp, index: r.index, status: r.status.rawValue,
                 computed: r.computed, exact: r.exact, command: plan.command, seed: plan.seed, id: r.id,
                 evaluated: result.evaluated)
    }
    return (result.worst.first.map { [entry($0, .maxULP)] } ?? []) + (result.firstFailure.map { [entry($0, .failure)] } ?? [])
  }
}
