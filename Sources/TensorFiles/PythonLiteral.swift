/// A Python literal as a .npy header holds it: the dict `{'descr': '<f4', 'fortran_order': False,
/// 'shape': (2, 3), }`, parsed without evaluating anything.
///
/// Accepted: dicts, tuples and lists (trailing commas allowed, `(5,)` is a 1-tuple and `(5)` is
/// just 5, as in Python), strings in single or double quotes with backslash escapes, integers
/// (an optional '-', and the 'L' suffix old Python 2 NumPy wrote), True, False, None; whitespace
/// between tokens. Anything else (names, floats, expressions) is an error naming its offset.
/// Nesting deeper than `maxDepth` is an error.
indirect enum PythonLiteral {
  case dict([(key: PythonLiteral, value: PythonLiteral)])
  case tuple([PythonLiteral])
  case list([PythonLiteral])
  case string(String)
  case integer(Int)
  case largeInteger(String)
  case bool(Bool)
  case none

  static let maxDepth = 32

  /// The literal as Python would print it (for errors): 'a', (2, 3), True.
  var text: String {
    switch self {
    case .dict(let pairs): return "{" + pairs.map { $0.key.text + ": " + $0.value.text }.joined(separator: ", ") + "}"
    case .tuple(let items): return "(" + items.map(\.text).joined(separator: ", ") + (items.count == 1 ? ",)" : ")")
    case .list(let items): return "[" + items.map(\.text).joined(separator: ", ") + "]"
    case .string(let s): return "'" + s + "'"
    case .integer(let i): return String(i)
    case .largeInteger(let s): return s
    case .bool(let b): return b ? "True" : "False"
    case .none: return "None"
    }
  }

  struct SyntaxError: Error {
    let message: String
  }

  /// Parses `text` as one literal with only whitespace around it.
  static func parse(_ text: String) throws -> PythonLiteral {
    var parser = Parser(chars: Array(text.unicodeScalars))
    parser.skipWhitespace()
    let value = try parser.value(depth: 0)
    parser.skipWhitespace()
    if parser.index < parser.chars.count { throw parser.error("unexpected \(parser.describeNext()) after the literal") }
    return value
  }

  struct Parser {
    let chars: [Unicode.Scalar]
    var index = 0

    func error(_ problem: String) -> SyntaxError { SyntaxError(message: "\(problem) at character \(index)") }

    func describeNext() -> String {
      guard index < chars.count else { return "end of header" }
      let c = chars[index]
      return c.value > 0x20 && c.value < 0x7F ? "'\(c)'" : "character U+\(String(c.value, radix: 16, uppercase: true))"
    }

    mutating func skipWhitespace() {
      while index < chars.count, [" ", "\t", "\n", "\r"].contains(chars[index]) { index += 1 }
    }

    func peek(_ c: Unicode.Scalar) -> Bool { index < chars.count && chars[index] == c }

    mutating func value(depth: Int) throws -> PythonLiteral {
      guard depth <= PythonLiteral.maxDepth else { throw error("nesting deeper than \(PythonLiteral.maxDepth)") }
      guard index < chars.count else { throw error("unexpected end of header, a value expected") }
      let c = chars[index]
      switch c {
      case "{": return try dict(depth: depth + 1)
      case "(": return try sequence(close: ")", depth: depth + 1)
      case "[": return try sequence(close: "]", depth: depth + 1)
      case "'", "\"": return .string(try string())
      case "-", "0"..."9": return try integer()
      default:
        var word = ""
        var end = index
        while end < chars.count, chars[end].properties.isAlphabetic || chars[end] == "_" { word.unicodeScalars.append(chars[end]); end += 1 }
        switch word {
        case "True": index = end; return .bool(true)
        case "False": index = end; return .bool(false)
        case "None": index = end; return .none
        default: throw error(word.isEmpty ? "unexpected \(describeNext()), a value expected" : "unexpected name '\(word)', a literal expected")
        }
      }
    }

    mutating func dict(depth: Int) throws -> PythonLiteral {
      index += 1  // {
      var pairs: [(key: PythonLiteral, value: PythonLiteral)] = []
      while true {
        skipWhitespace()
        if peek("}") { index += 1; return .dict(pairs) }
        let key = try value(depth: depth)
        skipWhitespace()
        guard peek(":") else { throw error("unexpected \(describeNext()), ':' expected") }
        index += 1
        skipWhitespace()
        pairs.append((key, try value(depth: depth)))
        skipWhitespace()
        if peek("}") { index += 1; return .dict(pairs) }
        guard peek(",") else { throw error("unexpected \(describeNext()), ',' or '}' expected") }
        index += 1
      }
    }

    /// A tuple ("(" ... ")") or a list ("[" ... "]"); "(x)" without a comma is x itself.
    mutating func sequence(close: Unicode.Scalar, depth: Int) throws -> PythonLiteral {
      index += 1
      var items: [PythonLiteral] = []
      var sawComma = false
      while true {
        skipWhitespace()
        if peek(close) { break }
        items.append(try value(depth: depth))
        skipWhitespace()
        if peek(close) { break }
        guard peek(",") else { throw error("unexpected \(describeNext()), ',' or '\(close)' expected") }
        sawComma = true
        index += 1
      }
      index += 1
      if close == "]" { return .list(items) }
      if items.count == 1 && !sawComma { return items[0] }
      return .tuple(items)
    }

    mutating func string() throws -> String {
      let quote = chars[index]
      index += 1
      var out = ""
      while true {
        guard index < chars.count else { throw error("unterminated string") }
        let c = chars[index]
        index += 1
        if c == quote { return out }
        if c == "\n" { throw error("line break in a string") }
        if c != "\\" { out.unicodeScalars.append(c); continue }
        guard index < chars.count else { throw error("unterminated string") }
        let e = chars[index]
        index += 1
        switch e {
        case "n": out += "\n"
        case "t": out += "\t"
        case "r": out += "\r"
        case "0": out += "\0"
        default: out.unicodeScalars.append(e)  // \\, \', \" and any other escaped character as itself
        }
      }
    }

    mutating func integer() throws -> PythonLiteral {
      let start = index
      if peek("-") { index += 1 }
      let digitsStart = index
      while index < chars.count, ("0"..."9").contains(chars[index]) { index += 1 }
      guard index > digitsStart else { throw error("invalid integer") }
      let text = String(String.UnicodeScalarView(chars[start..<index]))
      if peek("L") || peek("l") { index += 1 }  // Python 2's long suffix
      if index < chars.count, chars[index] == "." || chars[index] == "e" || chars[index] == "E" || chars[index] == "j" {
        throw error("a number that is not an integer")
      }
      if let i = Int(text) { return .integer(i) }
      return .largeInteger(text)
    }
  }
}
