import Foundation
import SoftmaxSpec

/// What `scripts/peers/run` wrote (`data/peers/provenance.json`): where the outputs of the other
/// libraries are, and where they came from.
///
/// The folder holds bundles (`FORMAT/families`, `FORMAT/huge-n`: `softmax-lab cases export
/// --bundle`), `bug-reports/` (rows of public bug reports that no case family holds, with
/// `manifest.json` giving each one's format and target), each library's outputs beside the rows
/// as `LIBRARY-OP.safetensors` (one tensor per row id), and `provenance.json`, which lists them.
/// Every field is checked: a missing or malformed one is a one-line error naming the file.
public struct PeersData: Sendable {
  /// One set of rows: a bundle folder, or the bug reports' folder (`format` nil: each row has its own).
  public struct RowSet: Sendable, Equatable {
    public let directory: String
    public let format: Format?
  }

  /// One library's outputs of one operation on one set.
  public struct Outputs: Sendable, Equatable {
    public let set: String
    public let library: String
    public let op: Op
    public let file: String
  }

  /// A (library, format, op) the script could not run, and why (the library's own message).
  public struct Skip: Sendable, Equatable {
    public let library: String
    public let format: String
    public let op: String
    public let set: String
    public let reason: String
  }

  /// Rows whose outputs differed between two calls of the library in the same process (the first
  /// call's outputs are the ones in the files).
  public struct Unstable: Sendable, Equatable {
    public let library: String
    public let format: String
    public let op: String
    public let set: String
    public let rows: [String]
  }

  /// A row of a public bug report: which set holds it, under which id, and the output element
  /// the report was about.
  public struct BugReport: Sendable, Equatable {
    public let id: String
    public let report: String
    public let claim: String
    public let format: Format
    public let op: Op
    public let element: Int
    public let target: Int
    public let set: String
    public let caseID: String
  }

  /// The folder (as given).
  public let directory: String
  public let date: String
  public let command: String
  public let softmaxLab: String
  public let python: String
  public let platform: String
  public let cpu: String
  public let cores: Int
  public let threads: Int
  public let threadSettings: String
  /// Package versions, in the order torch, jax, jaxlib, scipy, numpy, safetensors, ml_dtypes, then
  /// any other by name.
  public let versions: [(name: String, version: String)]
  /// The libraries in the order of their first outputs.
  public let libraries: [String]
  /// The exact call each library made per operation.
  public let calls: [String: [Op: String]]
  /// What each library says it is.
  public let about: [String: String]
  public let sets: [RowSet]
  public let outputs: [Outputs]
  public let skipped: [Skip]
  public let nondeterministic: [Unstable]
  public let bugReports: [BugReport]
  public let seed: Int
  public let rows: Int
  public let n: Int

  public static let provenanceFile = "provenance.json"

  /// The full path of `relative` inside the folder.
  public func path(_ relative: String) -> String {
    URL(fileURLWithPath: directory).appendingPathComponent(relative).path
  }

  /// Reads `directory/provenance.json`.
  public static func read(_ directory: String) throws -> PeersData {
    let file = URL(fileURLWithPath: directory).appendingPathComponent(provenanceFile).path
    guard let data = FileManager.default.contents(atPath: file) else {
      throw PeersError("cannot read \(file): is \(directory) a folder written by scripts/peers/run?")
    }
    guard let o = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
      throw PeersError("\(file) is not JSON")
    }
    func string(_ d: [String: Any], _ key: String, _ what: String) throws -> String {
      guard let s = d[key] as? String else { throw PeersError("\(file): \(what) has no string \"\(key)\"") }
      return s
    }
    func int(_ key: String) throws -> Int {
      guard let v = o[key] as? Int else { throw PeersError("\(file): no integer \"\(key)\"") }
      return v
    }
    func array(_ key: String) throws -> [[String: Any]] {
      guard let a = o[key] as? [[String: Any]] else { throw PeersError("\(file): no array of objects \"\(key)\"") }
      return a
    }
    func op(_ name: String, _ what: String) throws -> Op {
      guard let op = Op(rawValue: name) else { throw PeersError("\(file): \(what): unknown operation '\(name)'") }
      return op
    }
    guard let packages = o["libraries"] as? [String: String] else { throw PeersError("\(file): no object \"libraries\" of versions") }
    let known = ["torch", "jax", "jaxlib", "scipy", "numpy", "safetensors", "ml_dtypes"]
    let versions = known.compactMap { k in packages[k].map { (k, $0) } }
      + packages.keys.filter { !known.contains($0) }.sorted().map { ($0, packages[$0]!) }

    let sets = try array("sets").enumerated().map { i, s -> RowSet in
      let dir = try string(s, "dir", "set \(i)")
      let name = try string(s, "format", "set \(i)")
      if name == "mixed" { return RowSet(directory: dir, format: nil) }
      guard let f = Format(rawValue: name) else { throw PeersError("\(file): set \(i): unknown format '\(name)'") }
      return RowSet(directory: dir, format: f)
    }
    let outputs = try array("outputs").enumerated().map { i, s -> Outputs in
      let set = try string(s, "set", "output \(i)")
      guard sets.contains(where: { $0.directory == set }) else { throw PeersError("\(file): output \(i): set '\(set)' is not in \"sets\"") }
      return Outputs(set: set, library: try string(s, "library", "output \(i)"),
                     op: try op(try string(s, "op", "output \(i)"), "output \(i)"), file: try string(s, "file", "output \(i)"))
    }
    var libraries: [String] = []
    for o in outputs where !libraries.contains(o.library) { libraries.append(o.library) }
    let skipped = try array("skipped").enumerated().map { i, s in
      Skip(library: try string(s, "library", "skip \(i)"), format: try string(s, "format", "skip \(i)"),
           op: try string(s, "op", "skip \(i)"), set: try string(s, "set", "skip \(i)"), reason: try string(s, "reason", "skip \(i)"))
    }
    // Older files have no "nondeterministic": nothing was found then.
    let unstable = try (o["nondeterministic"] == nil ? [] : array("nondeterministic")).enumerated().map { i, u in
      guard let rows = u["rows"] as? [String] else { throw PeersError("\(file): nondeterministic \(i) has no array of strings \"rows\"") }
      return Unstable(library: try string(u, "library", "nondeterministic \(i)"), format: try string(u, "format", "nondeterministic \(i)"),
                      op: try string(u, "op", "nondeterministic \(i)"), set: try string(u, "set", "nondeterministic \(i)"), rows: rows)
    }
    let bugs = try array("bugReports").enumerated().map { i, b -> BugReport in
      let what = "bug report \(i)"
      let formatName = try string(b, "format", what)
      guard let format = Format(rawValue: formatName) else { throw PeersError("\(file): \(what): unknown format '\(formatName)'") }
      guard let element = b["element"] as? Int, let target = b["target"] as? Int, element >= 0, target >= 0 else {
        throw PeersError("\(file): \(what) needs integers \"element\" and \"target\" >= 0")
      }
      let set = try string(b, "set", what)
      guard sets.contains(where: { $0.directory == set }) else { throw PeersError("\(file): \(what): set '\(set)' is not in \"sets\"") }
      return BugReport(id: try string(b, "id", what), report: try string(b, "report", what), claim: try string(b, "claim", what),
                       format: format, op: try op(try string(b, "op", what), what), element: element, target: target,
                       set: set, caseID: try string(b, "case", what))
    }
    var calls: [String: [Op: String]] = [:]
    for (library, table) in o["calls"] as? [String: [String: String]] ?? [:] {
      for (name, call) in table { calls[library, default: [:]][try op(name, "calls of \(library)")] = call }
    }
    return PeersData(
      directory: directory, date: try string(o, "date", "the file"), command: try string(o, "command", "the file"),
      softmaxLab: try string(o, "softmaxLab", "the file"), python: try string(o, "python", "the file"),
      platform: try string(o, "platform", "the file"), cpu: try string(o, "cpu", "the file"), cores: try int("cores"),
      threads: try int("threads"), threadSettings: o["threadSettings"] as? String ?? "",
      versions: versions, libraries: libraries, calls: calls, about: o["about-libraries"] as? [String: String] ?? [:],
      sets: sets, outputs: outputs, skipped: skipped, nondeterministic: unstable, bugReports: bugs,
      seed: try int("seed"), rows: try int("rows"), n: try int("n"))
  }
}

/// A peers folder that cannot be read or does not match the lab's rows (one line).
public struct PeersError: Error, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
}
