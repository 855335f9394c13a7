import Foundation
import LabSupport
import SoftmaxSpec

/// A worst row kept from a search (`softmax-lab search --keep`), with where it came from: the
/// kernel it was worst for, the error the search found, and the command that found it.
///
/// The rows live in data/worst/FORMAT.json, one file per logit format; `WorstData.swift` embeds
/// those files (the CLI finds them wherever it runs) and the `worst` family reads them.
public struct WorstEntry: Sendable, Equatable {
  /// What the entry keeps for its kernel: the row of largest ULP error, or the first row that
  /// overflowed, underflowed or gave NaN where the exact result is representable.
  public enum Kind: String, CaseIterable, Sendable {
    case maxULP = "max-ulp"
    case failure
  }

  public let op: Op
  public let variant: Variant
  public let format: Format
  public let policy: Policy
  public let kind: Kind
  public let logits: [Double]
  public let target: Int
  /// The ULP error found (the largest finite one over the row's outputs).
  public let ulp: Double
  /// The output judged, its status, the kernel's value and the correctly rounded exact value.
  public let index: Int
  public let status: String
  public let computed: Double
  public let exact: Double
  /// The search that found it: its command (seed included), the row's id there, the rows it evaluated.
  public let command: String
  public let seed: UInt64
  public let id: String
  public let evaluated: Int

  public init(op: Op, variant: Variant, format: Format, policy: Policy, kind: Kind, logits: [Double], target: Int,
              ulp: Double, index: Int, status: String, computed: Double, exact: Double, command: String, seed: UInt64,
              id: String, evaluated: Int)
  {
    self.op = op
    self.variant = variant
    self.format = format
    self.policy = policy
    self.kind = kind
    self.logits = logits
    self.target = target
    self.ulp = ulp
    self.index = index
    self.status = status
    self.computed = computed
    self.exact = exact
    self.command = command
    self.seed = seed
    self.id = id
    self.evaluated = evaluated
  }

  /// What identifies the entry's slot: one per kernel (op, variant, format, policy) and kind.
  public var slot: String { "\(op.rawValue) \(variant.rawValue) \(format.rawValue) \(policy.rawValue) \(kind.rawValue)" }

  /// The order of the family's rows: format, op, variant, policy, kind, each in its declaration order.
  var order: [Int] {
    [Format.allCases.firstIndex(of: format)!, Op.allCases.firstIndex(of: op)!, Variant.allCases.firstIndex(of: variant)!,
     Policy.allCases.firstIndex(of: policy)!, Kind.allCases.firstIndex(of: kind)!]
  }

  /// True when `self` should replace `old` in its slot: a larger ULP error for `max-ulp`; a failure is kept once found.
  public func supersedes(_ old: WorstEntry) -> Bool { kind == .maxULP && ulp > old.ulp }
}

/// A malformed worst-case file (one line).
public struct WorstDataError: Error, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
}

/// The files of data/worst/, read and written.
public enum WorstData {
  /// Every entry of the embedded files, in the family's order.
  public static let entries: [WorstEntry] = {
    do {
      return try sorted(files.flatMap { try parse($0.text, name: "data/worst/\($0.name)") })
    } catch {
      fatalError("the embedded worst-case data is malformed: \(error)")
    }
  }()

  public static func sorted(_ entries: [WorstEntry]) -> [WorstEntry] {
    entries.sorted { $0.order.lexicographicallyPrecedes($1.order) }
  }

  /// The entries of one file's text; `name` is used in the one-line error.
  public static func parse(_ text: String, name: String) throws -> [WorstEntry] {
    guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
      throw WorstDataError("\(name) is not a JSON object")
    }
    guard let f = object["format"] as? String, let format = Format(rawValue: f) else {
      throw WorstDataError("\(name): missing or unknown \"format\"")
    }
    guard let list = object["entries"] as? [[String: Any]] else {
      throw WorstDataError("\(name): expected an \"entries\" array of objects")
    }
    var seen = Set<String>()
    return try list.enumerated().map { i, e in
      func fail(_ s: String) -> WorstDataError { WorstDataError("\(name): entry \(i): \(s)") }
      func text(_ key: String) throws -> String {
        guard let s = e[key] as? String else { throw fail("missing or non-string \"\(key)\"") }
        return s
      }
      func named<T: RawRepresentable>(_ key: String, _ type: T.Type) throws -> T where T.RawValue == String {
        let s = try text(key)
        guard let v = T(rawValue: s) else { throw fail("unknown \(key) '\(s)'") }
        return v
      }
      func integer(_ key: String) throws -> Int {
        guard let v = e[key] as? Int else {
          throw fail("missing or non-integer \"\(key)\"")
        }
        return v
      }
      func hex(_ s: String) throws -> Double {
        guard let v = Double(s), s.hasPrefix("0x") || s.hasPrefix("-0x") || !v.isFinite else {
          throw fail("'\(s)' is not a hexadecimal float such as 0x1.8p+1")
        }
        guard format.contains(v) else { throw fail("\(s) is not a \(format.rawValue) value") }
        return v
      }
      guard let texts = e["logits"] as? [String], texts.count >= 1 else { throw fail("\"logits\" must be an array of hexadecimal strings") }
      let logits = try texts.map(hex)
      let target = try integer("target")
      guard logits.indices.contains(target) else { throw fail("target \(target) is out of range for \(logits.count) logits") }
      // Numbers that must read back exactly are strings (JSONSerialization's are not correctly rounded).
      guard let ulp = Double(try text("ulp")), ulp >= 0 else { throw fail("\"ulp\" must be a non-negative number in a string") }
      let seed = try integer("seed")
      let entry = WorstEntry(
        op: try named("op", Op.self), variant: try named("variant", Variant.self), format: format,
        policy: try named("policy", Policy.self), kind: try named("kind", WorstEntry.Kind.self), logits: logits,
        target: target, ulp: ulp, index: try integer("index"), status: try text("status"),
        computed: try hex(text("computed")), exact: try hex(text("exact")), command: try text("command"),
        seed: UInt64(max(seed, 0)), id: try text("id"), evaluated: try integer("evaluated"))
      guard entry.variant.applies(to: entry.op) else { throw fail("variant '\(entry.variant.rawValue)' does not apply to \(entry.op.rawValue)") }
      guard seen.insert(entry.slot).inserted else { throw fail("a second entry for \(entry.slot)") }
      return entry
    }
  }

  /// One file's text: the entries of `format`, in the family's order.
  public static func json(_ entries: [WorstEntry], format: Format) -> String {
    let hex = Format.hexadecimal
    return JSON.object([
      ("format", .string(format.rawValue)),
      ("entries", .array(sorted(entries.filter { $0.format == format }).map { e in
        .object([
          ("op", .string(e.op.rawValue)), ("variant", .string(e.variant.rawValue)), ("policy", .string(e.policy.rawValue)),
          ("kind", .string(e.kind.rawValue)), ("ulp", .string(e.ulp.description)), ("status", .string(e.status)),
          ("index", .int(e.index)), ("computed", .string(hex(e.computed))), ("exact", .string(hex(e.exact))),
          ("target", .int(e.target)), ("logits", .array(e.logits.map { .string(hex($0)) })),
          ("command", .string(e.command)), ("seed", .int(Int(truncatingIfNeeded: e.seed))), ("id", .string(e.id)),
          ("evaluated", .int(e.evaluated)),
        ])
      })),
    ]).text() + "\n"
  }

  /// `entries` with `found` added: each in its slot, replacing an entry it supersedes.
  public static func keeping(_ found: [WorstEntry], in entries: [WorstEntry]) -> [WorstEntry] {
    var out = entries
    for e in found {
      if let i = out.firstIndex(where: { $0.slot == e.slot }) {
        if e.supersedes(out[i]) { out[i] = e }
      } else {
        out.append(e)
      }
    }
    return sorted(out)
  }

  /// The Swift source that embeds the files (`Sources/Cases/WorstData.swift`), names sorted.
  public static func swiftSource(_ files: [(name: String, text: String)]) -> String {
    var out = "// Generated by `softmax-lab search --keep` from data/worst/*.json: the files, embedded so that the CLI\n"
    out += "// finds them wherever it runs. Do not edit; CasesTests checks that it matches data/worst/.\n\n"
    out += "extension WorstData {\n  static let files: [(name: String, text: String)] = [\n"
    for f in files.sorted(by: { $0.name < $1.name }) {
      out += "    (\"\(f.name)\", #\"\"\"\n" + f.text + "\n\"\"\"#),\n"
    }
    return out + "  ]\n}\n"
  }
}
