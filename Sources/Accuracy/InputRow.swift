import Cases
import ExactReference
import SoftmaxSpec

/// A row of logits given by a user: typed numbers, a row of a case file, or a generated case,
/// read as values of a format.
public struct InputRow: Sendable {
  /// The case id, when the row has one.
  public let label: String?
  /// The logits as text, as given.
  public let texts: [String]
  /// The values of the format (as Doubles).
  public let values: [Double]
  /// For typed logits: true where the decimal was not a value of the format and was rounded.
  public let rounded: [Bool]
  public let target: Int
}

/// Why logits, targets or weights given as text were refused (one line).
public struct InputTextError: Error, CustomStringConvertible {
  public let description: String
  init(_ description: String) { self.description = description }
}

/// Where `eval` takes its rows from.
public enum InputRows {
  public typealias Error = InputTextError

  /// Logits typed on the command line: decimal or hexadecimal floats, inf, -inf, nan, each
  /// rounded to `format` (nearest, ties to even); the target defaults to 0.
  public static func typed(_ texts: [String], format: Format, target: Int?) throws(Error) -> InputRow {
    guard !texts.isEmpty else {
      throw Error("no logits: give them after `--` (softmax-lab eval -- 2.0 1.0 0.1), with --file or with --case")
    }
    return try row(label: nil, texts: texts, format: format, target: target ?? 0, typed: true)
  }

  /// The rows of a case file (JSON, CSV or plain numbers; see `CaseFile`) and their format: the
  /// file's, which must agree with `format` when both are given; float32 when neither says.
  public static func file(_ text: String, name: String, format: Format?, target: Int?) throws(Error) -> ([InputRow], Format) {
    let fileRows: [FileRow]
    do {
      fileRows = try CaseFile.read(text, name: name)
    } catch {
      throw Error("\(error)")
    }
    let fileFormat = fileRows.compactMap(\.format).first
    if let fileFormat, let format, fileFormat != format {
      throw Error("\(name) holds \(fileFormat.rawValue) rows: drop --format or give --format \(fileFormat.rawValue)")
    }
    let f = format ?? fileFormat ?? .float32
    var rows: [InputRow] = []
    for r in fileRows {
      rows.append(try row(label: r.id, texts: r.logits, format: f, target: target ?? r.target ?? 0, typed: false))
    }
    return (rows, f)
  }

  /// The generated case `id` (e.g. wide-spread/17) in `format`, made with `settings`.
  public static func generated(_ id: String, format: Format, settings: CaseSettings, target: Int?) throws(Error) -> InputRow {
    let c: Case
    do {
      c = try Generator.make(id: id, format: format, settings: settings)
    } catch {
      throw Error(error.description)
    }
    return try row(label: c.id, texts: c.logits.map(format.shortestDecimal), format: format, target: target ?? c.target,
                   typed: false)
  }

  static func row(label: String?, texts: [String], format: Format, target: Int, typed: Bool) throws(Error) -> InputRow {
    var values: [Double] = [], rounded: [Bool] = []
    for text in texts {
      guard let (value, exact) = FormatRounding.parseReportingExactness(text, format) else {
        throw Error("'\(text)' is not a number (decimal, hexadecimal such as 0x1.8p+1, inf, -inf or nan)")
      }
      values.append(value)
      rounded.append(typed && !exact)
    }
    guard (0..<values.count).contains(target) else {
      throw Error("target \(target) is out of range for a row of \(values.count) logits (0..<\(values.count))"
        + (label.map { " (case \($0))" } ?? ""))
    }
    return InputRow(label: label, texts: texts, values: values, rounded: rounded, target: target)
  }
}
