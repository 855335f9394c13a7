import Accuracy
import Cases
import Foundation
import LabSupport
import SoftmaxSpec

/// A search's result as JSON (`search --json`, `merge --json`) and a shard's part for
/// `softmax-lab merge` (`search --partial`: the envelope every part has, kind `search`).
///
/// `{"op", "variant", "format", "policy", "n", "budget", "seed", "restartRows", "exhaustive",
/// "command", ["shard": "i/N",] "evaluated", "restarts", "failures", "worst": [row...],
/// "firstFailure": row or null}`, a row being `{"id", "restart", "step", "ulp", "status",
/// "index", "computed", "exact", "target", "logits"}` with every value in hexadecimal and the ULP
/// error as a decimal string (strings read back exactly; JSONSerialization's numbers do not).
/// A part holds the plan's fields as its `plan` and the result's as its `result`.
public enum SearchFiles {
  public static func json(_ plan: SearchPlan, _ result: SearchResult, shard: Shard? = nil) -> String {
    var fields = planFields(plan) + [("command", .string(plan.command))]
    if let shard { fields.append(("shard", .string(shard.description))) }
    return JSON.object(fields + resultFields(result)).text() + "\n"
  }

  /// The part `search --shard i/N --partial PATH` writes.
  public static func part(_ plan: SearchPlan, _ result: SearchResult, shard: Shard) -> String {
    PartialFile.text(.search, command: plan.command, shard: shard, items: plan.restarts, plan: .object(planFields(plan)),
                     body: [("result", .object(resultFields(result)))])
  }

  static func planFields(_ plan: SearchPlan) -> [(String, JSON)] {
    [
      ("op", .string(plan.op.rawValue)), ("variant", .string(plan.variant.rawValue)),
      ("format", .string(plan.format.rawValue)), ("policy", .string(plan.policy.rawValue)),
      ("n", .int(plan.length)), ("budget", .int(plan.budget)), ("seed", .int(Int(truncatingIfNeeded: plan.seed))),
      ("restartRows", .int(plan.rowsPerRestart)), ("exhaustive", .bool(plan.exhaustive)),
    ]
  }

  static func resultFields(_ result: SearchResult) -> [(String, JSON)] {
    [
      ("evaluated", .int(result.evaluated)), ("restarts", .int(result.restarts)), ("failures", .int(result.failures)),
      ("worst", .array(result.worst.map(row))), ("firstFailure", result.firstFailure.map(row) ?? .null),
    ]
  }

  static func row(_ r: SearchRow) -> JSON {
    let hex = Format.hexadecimal
    return .object([
      ("id", .string(r.id)), ("restart", .int(r.restart)), ("step", .int(r.step)), ("ulp", .string(r.ulp.description)),
      ("status", .string(r.status.rawValue)), ("index", .int(r.index)), ("computed", .string(hex(r.computed))),
      ("exact", .string(hex(r.exact))), ("target", .int(r.target)), ("logits", .array(r.logits.map { .string(hex($0)) })),
    ])
  }

  /// The parts of one search (checked by `PartialFile.checkPartition`) merged: its plan and the
  /// result one process gives.
  static func merge(_ parts: [PartialFile.Header]) throws -> (SearchPlan, SearchResult) {
    let first = parts[0]
    func fail(_ name: String, _ s: String) -> PartialResultError { PartialResultError("\(name): \(s)") }
    func value<T>(_ d: [String: Any], _ key: String, in name: String) throws -> T {
      guard let v = d[key] as? T else { throw fail(name, "missing or malformed \"\(key)\"") }
      return v
    }
    func named<T: RawRepresentable>(_ key: String) throws -> T where T.RawValue == String {
      guard let v = T(rawValue: try value(first.plan, key, in: first.name)) else { throw fail(first.name, "unknown \(key)") }
      return v
    }
    let plan = SearchPlan(op: try named("op"), variant: try named("variant"), format: try named("format"),
                          policy: try named("policy"), length: try value(first.plan, "n", in: first.name),
                          budget: try value(first.plan, "budget", in: first.name),
                          seed: UInt64(truncatingIfNeeded: try value(first.plan, "seed", in: first.name) as Int),
                          rowsPerRestart: try value(first.plan, "restartRows", in: first.name),
                          exhaustive: try value(first.plan, "exhaustive", in: first.name))
    let results = try parts.map { part -> SearchResult in
      let name = part.name
      func number(_ s: String) throws -> Double {
        guard let v = Double(s) else { throw fail(name, "'\(s)' is not a number") }
        return v
      }
      func row(_ d: [String: Any]) throws -> SearchRow {
        guard let status = Status(rawValue: try value(d, "status", in: name)) else { throw fail(name, "unknown status") }
        return SearchRow(restart: try value(d, "restart", in: name), step: try value(d, "step", in: name),
                         logits: try (value(d, "logits", in: name) as [String]).map(number),
                         target: try value(d, "target", in: name), ulp: try number(value(d, "ulp", in: name)),
                         index: try value(d, "index", in: name), computed: try number(value(d, "computed", in: name)),
                         exact: try number(value(d, "exact", in: name)), status: status)
      }
      let o: [String: Any] = try value(part.object, "result", in: name)
      var result = SearchResult()
      result.evaluated = try value(o, "evaluated", in: name)
      result.restarts = try value(o, "restarts", in: name)
      result.failures = try value(o, "failures", in: name)
      result.worst = try (value(o, "worst", in: name) as [[String: Any]]).map(row)
      if let f = o["firstFailure"], !(f is NSNull) {
        guard let d = f as? [String: Any] else { throw fail(name, "malformed \"firstFailure\"") }
        result.firstFailure = try row(d)
      }
      return result
    }
    return (plan, SearchResult.merged(results))
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
