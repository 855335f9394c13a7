import Accuracy
import Foundation
import LabSupport

/// The jobs whose work `--shard i/N` divides and `softmax-lab merge` puts back together. A new
/// kind is a case here, its part type (the file's body, written and read), and a case in
/// `Merge.merge`.
public enum PartialKind: String, Sendable, CaseIterable {
  /// `softmax-lab run`: every row's aggregates (`RunPart`).
  case run
  /// `softmax-lab elementary`: every sweep's tally (`ElementaryPart`).
  case elementary
  /// `softmax-lab search`: the counts and kept rows of the shard's restarts (`SearchFiles`).
  case search
}

/// What merging the parts of one job gives: what the job would have computed in one process.
public enum MergedResult: Sendable {
  case run(RunResult, RunPlan)
  case elementary([ElementaryAccuracy])
  case search(SearchPlan, SearchResult)
}

/// A file that is not a partial result, or parts that do not make one whole (one line).
public struct PartialResultError: Error, CustomStringConvertible {
  public let description: String
  init(_ description: String) { self.description = description }
}

/// The file every part is: one JSON object,
///
///     { "about": ..., "kind": "run", "version": 1, "command": "softmax-lab run ...",
///       "shard": "i/N", "items": total work items of the job, "plan": { what the job computes },
///       ...the kind's body }
///
/// Two parts belong to the same job when their kind and plan are equal; `command` is provenance
/// only (it differs in --shard, --partial and --threads).
enum PartialFile {
  static let version = 1
  static let about = "softmax-lab partial result: one shard of a job; `softmax-lab merge` combines all N shards"

  static func text(_ kind: PartialKind, command: String, shard: Shard, items: Int, plan: JSON,
                   body: [(String, JSON)]) -> String
  {
    JSON.object([
      ("about", .string(about)), ("kind", .string(kind.rawValue)), ("version", .int(version)),
      ("command", .string(command)), ("shard", .string(shard.description)), ("items", .int(items)), ("plan", plan),
    ] + body).text() + "\n"
  }

  /// A part's header and the whole object, read from `text`; `name` names the file in errors.
  struct Header {
    let name: String
    let kind: PartialKind
    let shard: Shard
    let items: Int
    let plan: [String: Any]
    /// The plan's JSON with sorted keys: equal for the parts of one job.
    let planKey: Data
    let object: [String: Any]

    /// The `items` work items that belong to this part's shard.
    var shardItems: [Int] { (0..<items).filter(shard.contains) }
  }

  static func header(_ text: String, name: String) throws -> Header {
    func bad(_ why: String) -> PartialResultError { PartialResultError("\(name) is not a softmax-lab partial result (\(why))") }
    guard let o = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else { throw bad("not a JSON object") }
    guard o["about"] as? String == about else { throw bad("no \"about\" line of a partial result") }
    guard let version = o["version"] as? Int, version == PartialFile.version else { throw bad("not version \(PartialFile.version)") }
    guard let k = o["kind"] as? String, let kind = PartialKind(rawValue: k) else { throw bad("unknown \"kind\"") }
    guard let s = o["shard"] as? String, let shard = Shard(s) else { throw bad("no valid \"shard\" i/N") }
    guard let items = o["items"] as? Int, items >= 0 else { throw bad("no valid \"items\"") }
    guard let plan = o["plan"] as? [String: Any],
          let key = try? JSONSerialization.data(withJSONObject: plan, options: [.sortedKeys])
    else { throw bad("no \"plan\"") }
    return Header(name: name, kind: kind, shard: shard, items: items, plan: plan, planKey: key, object: o)
  }

  /// Checks that `parts` are the N shards of one job, each once.
  static func checkPartition(_ parts: [Header]) throws {
    guard let first = parts.first else { throw PartialResultError("no parts to merge") }
    for p in parts.dropFirst() {
      if p.kind != first.kind {
        throw PartialResultError("\(first.name) and \(p.name) are parts of different jobs (\(first.kind.rawValue), \(p.kind.rawValue))")
      }
      if p.planKey != first.planKey || p.items != first.items {
        throw PartialResultError("\(first.name) and \(p.name) are parts of different plans")
      }
      if p.shard.count != first.shard.count {
        throw PartialResultError("\(first.name) is shard \(first.shard) and \(p.name) is shard \(p.shard): parts of different splits")
      }
    }
    var seen: [Int: String] = [:]
    for p in parts {
      if let other = seen[p.shard.index] {
        throw PartialResultError("shard \(p.shard) is given twice (\(other) and \(p.name))")
      }
      seen[p.shard.index] = p.name
    }
    let n = first.shard.count
    if let missing = (0..<n).first(where: { seen[$0] == nil }) {
      throw PartialResultError("shard \(missing)/\(n) is missing (\(parts.count) of \(n) parts given)")
    }
  }

  // Field readers for the bodies: each throws the one-line error of a malformed file.

  static func int(_ o: [String: Any], _ key: String, in name: String) throws -> Int {
    guard let v = o[key] as? Int else { throw PartialResultError("\(name): no integer \"\(key)\"") }
    return v
  }

  static func array(_ o: [String: Any], _ key: String, in name: String) throws -> [Any] {
    guard let v = o[key] as? [Any] else { throw PartialResultError("\(name): no list \"\(key)\"") }
    return v
  }

  static func names<E: RawRepresentable>(_ o: [String: Any], _ key: String, _: E.Type, in name: String) throws -> [E]
  where E.RawValue == String {
    guard let list = o[key] as? [String] else { throw PartialResultError("\(name): no list of names \"\(key)\"") }
    return try list.map {
      guard let e = E(rawValue: $0) else { throw PartialResultError("\(name): \"\(key)\" holds an unknown name '\($0)'") }
      return e
    }
  }

  /// A Double written as its exact decimal text (`description`), nil for JSON null.
  static func double(_ value: Any?, _ what: String, in name: String) throws -> Double? {
    if value == nil || value is NSNull { return nil }
    guard let s = value as? String, let x = Double(s) else { throw PartialResultError("\(name): \(what) is not a number") }
    return x
  }

  /// Doubles as base64 of their little-endian bit patterns, 8 bytes each.
  static func base64(_ values: [Double]) -> String {
    var data = Data(capacity: values.count * 8)
    for x in values { withUnsafeBytes(of: x.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
    return data.base64EncodedString()
  }

  static func doubles(base64 text: String) -> [Double]? {
    guard let data = Data(base64Encoded: text), data.count % 8 == 0 else { return nil }
    return data.withUnsafeBytes { raw in
      (0..<data.count / 8).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self))) }
    }
  }
}

/// `softmax-lab merge`: the parts of one job (every shard i/N once, in any order) combined into
/// what the job computes in one process.
public enum Merge {
  /// `parts`: each file's name (for errors) and text.
  public static func merge(_ parts: [(name: String, text: String)]) throws -> MergedResult {
    let headers = try parts.map { try PartialFile.header($0.text, name: $0.name) }
    try PartialFile.checkPartition(headers)
    switch headers[0].kind {
    case .run:
      let (plan, result) = try RunPart.merge(headers)
      return .run(result, plan)
    case .elementary:
      return .elementary(try ElementaryPart.merge(headers))
    case .search:
      let (plan, result) = try SearchFiles.merge(headers)
      return .search(plan, result)
    }
  }
}
