import Cases
import Foundation
import LabSupport
import SoftmaxSpec
import TensorFiles

/// A bundle (`softmax-lab cases export --bundle DIR`): generated rows as files any language can
/// read, for running another library on exactly the lab's rows.
///
/// - `DIR/logits.safetensors`: one 1-D tensor per row, named by its case id ("moderate/3"), in the
///   format's dtype (F16, BF16, F32, F64, F8_E4M3, F8_E5M2).
/// - `DIR/manifest.json`: `format`, `seed`, `rows`, `n` (null: each family's default),
///   `softmaxLab` (the version that wrote it), and `cases`: for each row, in order, its `id`,
///   `family`, `index`, `target` and `n`.
///
/// A library's outputs for one operation come back as a safetensors file with a tensor of the same
/// name per row (`softmax-lab score --bundle DIR --outputs FILE --op OP`).
public struct CaseBundle: Sendable {
  public struct Entry: Sendable, Equatable {
    public let id: String
    public let family: CaseFamily
    public let index: Int
    public let target: Int
    public let n: Int
  }

  public let format: Format
  public let settings: CaseSettings
  public let entries: [Entry]

  public static let logitsFile = "logits.safetensors"
  public static let manifestFile = "manifest.json"

  /// Writes `cases` (all of `format`) to `directory`, creating it; each file through a temporary
  /// file and a rename.
  public static func write(_ cases: [Case], format: Format, settings: CaseSettings, version: String, to directory: String) throws {
    do {
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    } catch {
      throw BundleError("cannot create \(directory): \(error.localizedDescription)")
    }
    let dtype = TensorDType(format)
    let tensors = cases.map { TensorContents(name: $0.id, dtype: dtype, shape: [$0.logits.count], values: $0.logits) }
    try writeSafeTensors(path(directory, logitsFile), tensors: tensors,
                         metadata: ["softmaxLab": version, "format": format.rawValue, "manifest": manifestFile])
    let manifest = JSON.object([
      ("about", .string("softmax-lab bundle: the rows of \(logitsFile), one tensor per case id; a library's outputs come back as a safetensors file with the same tensor names (softmax-lab score --bundle)")),
      ("softmaxLab", .string(version)),
      ("format", .string(format.rawValue)),
      ("seed", .int(Int(truncatingIfNeeded: settings.seed))),
      ("rows", settings.rows.map { .int($0) } ?? .null),
      ("n", settings.length.map { .int($0) } ?? .null),
      ("cases", .array(cases.map { c in
        .object([("id", .string(c.id)), ("family", .string(c.family.rawValue)), ("index", .int(c.index)),
                 ("target", .int(c.target)), ("n", .int(c.logits.count))])
      })),
    ]).text() + "\n"
    try writeAtomically(manifest, to: path(directory, manifestFile))
  }

  /// Reads the manifest of the bundle in `directory` (one-line errors for a missing or malformed one).
  public static func read(_ directory: String) throws -> CaseBundle {
    let file = path(directory, manifestFile)
    guard let data = FileManager.default.contents(atPath: file) else {
      throw BundleError("cannot read \(file): is \(directory) a bundle written by `softmax-lab cases export --bundle`?")
    }
    guard let o = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
          let formatName = o["format"] as? String, let seed = o["seed"] as? Int, let cases = o["cases"] as? [[String: Any]]
    else { throw BundleError("\(file) is not a softmax-lab bundle manifest (expected format, seed and cases)") }
    guard let format = Format(rawValue: formatName) else { throw BundleError("\(file): unknown format '\(formatName)'") }
    let entries = try cases.enumerated().map { i, c -> Entry in
      guard let id = c["id"] as? String, let familyName = c["family"] as? String,
            let family = CaseFamily(rawValue: familyName), let index = c["index"] as? Int,
            let target = c["target"] as? Int, let n = c["n"] as? Int, n >= 1, (0..<n).contains(target)
      else { throw BundleError("\(file): case \(i) is malformed (expected id, a known family, index, target in 0..<n, n >= 1)") }
      return Entry(id: id, family: family, index: index, target: target, n: n)
    }
    return CaseBundle(format: format, settings: CaseSettings(seed: UInt64(truncatingIfNeeded: seed), rows: o["rows"] as? Int,
                                                            length: o["n"] as? Int),
                      entries: entries)
  }

  static func path(_ directory: String, _ name: String) -> String {
    URL(fileURLWithPath: directory).appendingPathComponent(name).path
  }

  /// The rows of this bundle in `directory` with the outputs of `outputsPath` (one tensor per case
  /// id, 1-D with `op.outputCount(n)` elements, or 2-D with one row), for `Scoring`.
  public func scoredRows(_ directory: String, outputs outputsPath: String, op: Op) throws -> (rows: [ScoredRow], outputFormat: Format) {
    let logits = Dictionary(try readTensors(Self.path(directory, Self.logitsFile)).map { ($0.name, $0) },
                            uniquingKeysWith: { a, _ in a })
    let outputs = Dictionary(try readTensors(outputsPath).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    var outputFormat: Format? = nil
    var rows: [ScoredRow] = []
    for e in entries {
      guard let x = logits[e.id] else { throw BundleError("\(Self.logitsFile) has no tensor '\(e.id)' of the manifest") }
      guard let y = outputs[e.id] else { throw BundleError("\(outputsPath) has no tensor '\(e.id)' (one per case id of the bundle)") }
      guard let f = y.dtype.format else { throw BundleError("\(outputsPath): tensor '\(e.id)' holds \(y.dtype.rawValue) integers, not values") }
      if let o = outputFormat, o != f {
        throw BundleError("\(outputsPath): tensor '\(e.id)' is \(f.rawValue) but earlier ones are \(o.rawValue)")
      }
      outputFormat = f
      let row = try x.values()
      guard row.count == e.n else { throw BundleError("\(Self.logitsFile): tensor '\(e.id)' has \(row.count) logits, the manifest \(e.n)") }
      rows.append(ScoredRow(family: e.family.rawValue, id: e.id, logits: row, target: e.target, outputs: try y.values()))
    }
    guard let outputFormat else { throw BundleError("the bundle has no rows") }
    return (rows, outputFormat)
  }
}

/// A bundle that cannot be written or read (one line).
public struct BundleError: Error, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
}
