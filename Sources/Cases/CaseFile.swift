import Foundation
import LabSupport
import SoftmaxSpec

/// A row read from a file: its logits as text, and what the file said of it.
public struct FileRow: Sendable {
  public let id: String?
  public let format: Format?
  public let target: Int?
  public let logits: [String]
}

/// Case files: `cases export` writes them, `eval --file` reads them back, other tools can read
/// them too. Logits are the shortest decimals that read back to the format's values.
///
/// - JSON: `{"format": "float32", "seed": 1, "rows": null, "n": null, "cases": [{"id":
///   "moderate/0", "target": 3, "parameter": 1.0, "note": "...", "logits": ["0.5", ...]}]}`.
/// - CSV, one line per logit: `id,format,target,index,logit`.
/// - Plain text (read only): one row of numbers separated by blanks, commas or newlines; `#`
///   starts a comment.
public enum CaseFile {
  public static func json(_ cases: [Case], format: Format, settings: CaseSettings) -> String {
    JSON.object([
      ("format", .string(format.rawValue)),
      ("seed", .int(Int(truncatingIfNeeded: settings.seed))),
      ("rows", settings.rows.map { .int($0) } ?? .null),
      ("n", settings.length.map { .int($0) } ?? .null),
      ("cases", .array(cases.map { c in
        .object([
          ("id", .string(c.id)),
          ("target", .int(c.target)),
          ("parameter", c.parameter.map { .number($0) } ?? .null),
          ("note", .string(c.note)),
          ("logits", .array(c.logits.map { .string(format.shortestDecimal($0)) })),
        ])
      })),
    ]).text() + "\n"
  }

  public static let csvHeader = "id,format,target,index,logit"

  public static func csv(_ cases: [Case], format: Format) -> String {
    var out = csvHeader + "\n"
    for c in cases {
      let prefix = "\(c.id),\(format.rawValue),\(c.target),"
      for (i, x) in c.logits.enumerated() { out += prefix + "\(i)," + format.shortestDecimal(x) + "\n" }
    }
    return out
  }

  /// The rows of a JSON, CSV or plain-text case file; `name` is used in error messages.
  public static func read(_ text: String, name: String) throws -> [FileRow] {
    let trimmed = text.drop(while: \.isWhitespace)
    let rows: [FileRow]
    if trimmed.hasPrefix("{") {
      rows = try readJSON(String(trimmed), name: name)
    } else if trimmed.hasPrefix(csvHeader) {
      rows = try readCSV(String(trimmed), name: name)
    } else {
      let logits = text.split(separator: "\n", omittingEmptySubsequences: false)
        .map { $0.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? "" }
        .flatMap { $0.split(whereSeparator: { $0 == "," || $0.isWhitespace }) }
        .map(String.init)
      rows = logits.isEmpty ? [] : [FileRow(id: nil, format: nil, target: nil, logits: logits)]
    }
    guard !rows.isEmpty else { throw CaseFileError("\(name) holds no logits: the row is empty") }
    if let empty = rows.first(where: { $0.logits.isEmpty }) {
      throw CaseFileError("\(name): case \(empty.id ?? "?") has no logits: the row is empty")
    }
    return rows
  }

  static func readJSON(_ text: String, name: String) throws -> [FileRow] {
    guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
      throw CaseFileError("\(name) is not valid JSON")
    }
    var format: Format? = nil
    if let f = object["format"] {
      guard let s = f as? String, let parsed = Format(rawValue: s) else { throw CaseFileError("\(name): unknown format \(f)") }
      format = parsed
    }
    guard let cases = object["cases"] as? [[String: Any]] else {
      throw CaseFileError("\(name): expected a \"cases\" array of objects")
    }
    return try cases.enumerated().map { i, c in
      guard let logits = c["logits"] as? [Any] else { throw CaseFileError("\(name): case \(i) has no \"logits\" array") }
      let texts = try logits.map { value -> String in
        if let s = value as? String { return s }
        if let n = value as? NSNumber, !(value is Bool) { return "\(n.doubleValue)" }
        throw CaseFileError("\(name): case \(i) has a logit that is not a number: \(value)")
      }
      var target: Int? = nil
      if let t = c["target"] {
        guard let n = t as? Int else { throw CaseFileError("\(name): case \(i) has a target that is not an integer") }
        target = n
      }
      return FileRow(id: c["id"] as? String, format: format, target: target, logits: texts)
    }
  }

  static func readCSV(_ text: String, name: String) throws -> [FileRow] {
    var rows: [FileRow] = []
    var current: (id: String, format: Format, target: Int, logits: [String])? = nil
    for (lineNumber, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated().dropFirst() {
      let fields = line.split(separator: ",", omittingEmptySubsequences: false).map {
        String($0).trimmingCharacters(in: .whitespaces)
      }
      guard fields.count == 5, let format = Format(rawValue: fields[1]), let target = Int(fields[2]),
            let index = Int(fields[3])
      else { throw CaseFileError("\(name):\(lineNumber + 1): expected id,format,target,index,logit") }
      if current?.id != fields[0] || current?.format != format {
        if let c = current { rows.append(FileRow(id: c.id, format: c.format, target: c.target, logits: c.logits)) }
        current = (fields[0], format, target, [])
      }
      guard index == current!.logits.count else {
        throw CaseFileError("\(name):\(lineNumber + 1): logit index \(index), expected \(current!.logits.count)")
      }
      current!.logits.append(fields[4])
    }
    if let c = current { rows.append(FileRow(id: c.id, format: c.format, target: c.target, logits: c.logits)) }
    let formats = Set(rows.compactMap(\.format))
    if formats.count > 1 { throw CaseFileError("\(name) mixes formats (\(formats.map(\.rawValue).sorted().joined(separator: ", ")))") }
    return rows
  }
}

/// A malformed case file.
public struct CaseFileError: Error, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
}
