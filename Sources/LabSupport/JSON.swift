import Foundation

/// A JSON value written with its keys in the order given (docs/cli.md documents that order).
public indirect enum JSON: Sendable {
  case string(String)
  case int(Int)
  case bool(Bool)
  /// A finite number, written as Swift's shortest round-trip decimal.
  case number(Double)
  case null
  case array([JSON])
  case object([(String, JSON)])

  /// The text, two-space indented; arrays of scalars stay on one line.
  public func text(indent: Int = 0) -> String {
    let pad = String(repeating: "  ", count: indent + 1), end = String(repeating: "  ", count: indent)
    switch self {
    case .string(let s): return JSON.quote(s)
    case .int(let i): return String(i)
    case .bool(let b): return b ? "true" : "false"
    case .number(let x): return x.isFinite ? x.description : JSON.quote(x.isNaN ? "nan" : x < 0 ? "-inf" : "inf")
    case .null: return "null"
    case .array(let items):
      if items.allSatisfy({ if case .array = $0 { return false }; if case .object = $0 { return false }; return true }) {
        return "[" + items.map { $0.text() }.joined(separator: ", ") + "]"
      }
      if items.isEmpty { return "[]" }
      return "[\n" + items.map { pad + $0.text(indent: indent + 1) }.joined(separator: ",\n") + "\n" + end + "]"
    case .object(let fields):
      if fields.isEmpty { return "{}" }
      return "{\n" + fields.map { pad + JSON.quote($0.0) + ": " + $0.1.text(indent: indent + 1) }
        .joined(separator: ",\n") + "\n" + end + "}"
    }
  }

  public static func quote(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      default:
        if u.value < 0x20 {
          let hex = String(u.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(u)
        }
      }
    }
    return out + "\""
  }
}
