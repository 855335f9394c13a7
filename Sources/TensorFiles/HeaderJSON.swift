/// A JSON value as the safetensors header holds it, parsed strictly (RFC 8259) from UTF-8 bytes.
///
/// Unlike `JSONSerialization`, the parser keeps every member of an object in order, duplicates
/// included (the reader rejects duplicate tensor names by name), and keeps integers exact (offsets
/// reach 2^63 and beyond, which a Double cannot hold).
///
/// Edge cases: nesting deeper than `maxDepth` is an error (no deep recursion on hostile input);
/// an integer beyond Int's range is `.largeInteger` (its text); a number with a fraction or an
/// exponent is `.number` (its text), never rounded; a lone UTF-16 surrogate in a \u escape is an
/// error; whitespace is space, tab, line feed and carriage return only.
indirect enum HeaderJSON {
  case object([(key: String, value: HeaderJSON)])
  case array([HeaderJSON])
  case string(String)
  case integer(Int)
  case largeInteger(String)
  case number(String)
  case bool(Bool)
  case null

  /// The deepest nesting of arrays and objects accepted (a safetensors header needs 3).
  static let maxDepth = 64

  /// What the value is, in words, for errors: "a string", "an array", ...
  var kind: String {
    switch self {
    case .object: return "an object"
    case .array: return "an array"
    case .string: return "a string"
    case .integer, .largeInteger: return "an integer"
    case .number: return "a non-integer number"
    case .bool: return "a boolean"
    case .null: return "null"
    }
  }

  /// The value in a few words, for errors: the number itself for numbers, the kind otherwise.
  var brief: String {
    switch self {
    case .integer(let i): return String(i)
    case .largeInteger(let text), .number(let text): return text
    default: return kind
    }
  }

  /// Parses `bytes` (valid UTF-8) as one JSON value with only whitespace around it.
  /// Throws `HeaderJSON.SyntaxError` naming the problem and its byte offset.
  static func parse(_ bytes: [UInt8]) throws -> HeaderJSON {
    var parser = Parser(bytes: bytes)
    parser.skipWhitespace()
    let value = try parser.value(depth: 0)
    parser.skipWhitespace()
    if parser.index < bytes.count { throw parser.error("unexpected \(parser.describeNext()) after the JSON value") }
    return value
  }

  struct SyntaxError: Error {
    let message: String
  }

  struct Parser {
    let bytes: [UInt8]
    var index = 0

    func error(_ problem: String) -> SyntaxError { SyntaxError(message: "\(problem) at byte \(index)") }

    func describeNext() -> String {
      guard index < bytes.count else { return "end of header" }
      let b = bytes[index]
      return b >= 0x21 && b < 0x7F ? "'\(Character(Unicode.Scalar(b)))'" : "byte 0x\(String(b, radix: 16))"
    }

    mutating func skipWhitespace() {
      while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    mutating func value(depth: Int) throws -> HeaderJSON {
      guard index < bytes.count else { throw error("unexpected end of header, a value expected") }
      switch bytes[index] {
      case UInt8(ascii: "{"): return try object(depth: depth + 1)
      case UInt8(ascii: "["): return try array(depth: depth + 1)
      case UInt8(ascii: "\""): return .string(try string())
      case UInt8(ascii: "t"): try literal("true"); return .bool(true)
      case UInt8(ascii: "f"): try literal("false"); return .bool(false)
      case UInt8(ascii: "n"): try literal("null"); return .null
      case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
      default: throw error("unexpected \(describeNext()), a value expected")
      }
    }

    mutating func literal(_ word: String) throws {
      let w = Array(word.utf8)
      guard index + w.count <= bytes.count, Array(bytes[index..<index + w.count]) == w else {
        throw error("unexpected \(describeNext()), a value expected")
      }
      index += w.count
    }

    mutating func object(depth: Int) throws -> HeaderJSON {
      if depth > HeaderJSON.maxDepth { throw error("nesting deeper than \(HeaderJSON.maxDepth)") }
      index += 1  // {
      var members: [(key: String, value: HeaderJSON)] = []
      skipWhitespace()
      if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
      while true {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
          throw error("unexpected \(describeNext()), a string key expected")
        }
        let key = try string()
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("unexpected \(describeNext()), ':' expected") }
        index += 1
        skipWhitespace()
        members.append((key, try value(depth: depth)))
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end of header, ',' or '}' expected") }
        if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
        guard bytes[index] == UInt8(ascii: ",") else { throw error("unexpected \(describeNext()), ',' or '}' expected") }
        index += 1
      }
    }

    mutating func array(depth: Int) throws -> HeaderJSON {
      if depth > HeaderJSON.maxDepth { throw error("nesting deeper than \(HeaderJSON.maxDepth)") }
      index += 1  // [
      var items: [HeaderJSON] = []
      skipWhitespace()
      if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
      while true {
        skipWhitespace()
        items.append(try value(depth: depth))
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end of header, ',' or ']' expected") }
        if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
        guard bytes[index] == UInt8(ascii: ",") else { throw error("unexpected \(describeNext()), ',' or ']' expected") }
        index += 1
      }
    }

    mutating func string() throws -> String {
      index += 1  // "
      var out: [UInt8] = []
      while true {
        guard index < bytes.count else { throw error("unterminated string") }
        let b = bytes[index]
        if b == UInt8(ascii: "\"") { index += 1; return String(decoding: out, as: UTF8.self) }
        if b < 0x20 { throw error("unescaped control character 0x\(String(b, radix: 16)) in a string") }
        if b != UInt8(ascii: "\\") { out.append(b); index += 1; continue }
        index += 1
        guard index < bytes.count else { throw error("unterminated string") }
        let escape = bytes[index]
        index += 1
        switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
          var scalar = try hex4()
          if (0xD800..<0xDC00).contains(scalar) {
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
              throw error("lone UTF-16 surrogate in a \\u escape")
            }
            index += 2
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw error("lone UTF-16 surrogate in a \\u escape") }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
          } else if (0xDC00..<0xE000).contains(scalar) {
            throw error("lone UTF-16 surrogate in a \\u escape")
          }
          guard let u = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
          out.append(contentsOf: Array(String(Character(u)).utf8))
        default:
          index -= 1
          throw error("invalid escape '\\\(Character(Unicode.Scalar(escape)))' in a string")
        }
      }
    }

    mutating func hex4() throws -> UInt32 {
      guard index + 4 <= bytes.count else { throw error("unterminated \\u escape") }
      var v: UInt32 = 0
      for _ in 0..<4 {
        guard let d = Character(Unicode.Scalar(bytes[index])).hexDigitValue else { throw error("invalid \\u escape") }
        v = v * 16 + UInt32(d)
        index += 1
      }
      return v
    }

    mutating func number() throws -> HeaderJSON {
      let start = index
      func digits() -> Int {
        let from = index
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        return index - from
      }
      if bytes[index] == UInt8(ascii: "-") { index += 1 }
      let intStart = index
      let intDigits = digits()
      guard intDigits > 0 else { throw error("invalid number") }
      if intDigits > 1 && bytes[intStart] == UInt8(ascii: "0") { throw error("invalid number (leading zero)") }
      var isInteger = true
      if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
        index += 1
        isInteger = false
        guard digits() > 0 else { throw error("invalid number") }
      }
      if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
        index += 1
        isInteger = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard digits() > 0 else { throw error("invalid number") }
      }
      let text = String(decoding: bytes[start..<index], as: UTF8.self)
      guard isInteger else { return .number(text) }
      if let i = Int(text) { return .integer(i) }
      return .largeInteger(text)
    }
  }
}
