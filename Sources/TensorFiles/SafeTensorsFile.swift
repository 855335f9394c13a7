import Foundation

/// A safetensors file (https://github.com/huggingface/safetensors), read and validated.
///
/// Layout: 8 bytes, N, a little-endian unsigned header length; N bytes of UTF-8 JSON, the header;
/// then the data region, up to the end of the file. The header is an object mapping each tensor
/// name to `{"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}`, offsets in bytes
/// relative to the start of the data region, plus an optional `"__metadata__"` object of string
/// -> string. Elements are little-endian and row-major.
///
/// Rules checked (each failure is a `TensorFileError` naming the file and the problem):
/// - the file holds at least the 8 length bytes; N <= 100,000,000 (the reference implementation's
///   limit) and 8 + N <= the file's size;
/// - the header is UTF-8, begins with '{' (trailing spaces, which writers add for alignment, are
///   allowed) and is one JSON object (`HeaderJSON`: strict, integers exact);
/// - no name appears twice (the spec forbids duplicate keys; most JSON parsers keep the last);
///   `__metadata__`, if present, is an object (or null) of string values, each key once;
/// - each tensor is an object with exactly the keys dtype, shape and data_offsets; dtype is one of
///   `TensorDType`'s names (an unknown dtype is named); shape is an array of non-negative
///   integers whose product (1 for shape [], a scalar) times the dtype's width does not overflow;
///   data_offsets is [begin, end], integers with 0 <= begin <= end;
/// - end - begin equals the element count times the dtype's width;
/// - every end is inside the data region (otherwise the file is reported truncated);
/// - sorted by begin, the tensors tile the data region exactly: the first begins at 0, each begins
///   where the previous ends (an earlier begin is an overlap, a later one a hole) and the last ends
///   at the end of the file. Empty tensors (a 0 in the shape) take [x, x] anywhere in that order.
public struct SafeTensorsFile: Sendable {
  /// The largest header accepted, in bytes (the reference implementation's MAX_HEADER_SIZE).
  public static let maxHeaderLength = 100_000_000

  public let path: String
  /// The tensors, in the header's order.
  public let tensors: [Tensor]
  /// The `__metadata__` strings (empty when the header has none).
  public let metadata: [String: String]

  /// Maps the file at `path` and validates its header against the file (above); reads no tensor
  /// data.
  public init(path: String) throws {
    self.path = path
    let file = try mapFile(path)
    let fail = { (problem: String) in TensorFileError(path, problem) }

    guard file.count >= 8 else {
      throw fail("truncated: \(file.count) bytes, shorter than the 8-byte header length (not a safetensors file?)")
    }
    let declared = file.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 0, as: UInt64.self)) }
    guard declared <= UInt64(Self.maxHeaderLength) else {
      throw fail("header length \(declared) is over the \(Self.maxHeaderLength)-byte limit (not a safetensors file?)")
    }
    let headerLength = Int(declared)
    guard 8 + headerLength <= file.count else {
      throw fail("header length \(headerLength) runs past the end of the file (\(file.count) bytes): truncated or not a safetensors file")
    }
    let headerBytes = [UInt8](file[file.startIndex + 8..<file.startIndex + 8 + headerLength])
    guard String(validating: headerBytes, as: UTF8.self) != nil else { throw fail("the header is not valid UTF-8") }
    guard headerBytes.first == UInt8(ascii: "{") else {
      let start = headerBytes.first.map { b in
        b >= 0x21 && b < 0x7F ? "'\(Character(Unicode.Scalar(b)))'" : "byte 0x\(String(b, radix: 16))"
      } ?? "nothing (empty header)"
      throw fail("the header is not a JSON object: it begins with \(start), not '{'")
    }
    let json: HeaderJSON
    do { json = try HeaderJSON.parse(headerBytes) } catch let e as HeaderJSON.SyntaxError {
      throw fail("the header is not valid JSON: \(e.message)")
    }
    guard case .object(let members) = json else { throw fail("the header is not a JSON object") }

    let dataStart = 8 + headerLength
    let dataLength = file.count - dataStart
    var seen = Set<String>()
    var metadata: [String: String] = [:]
    var entries: [(tensor: Tensor, begin: Int, end: Int)] = []
    for (name, value) in members {
      guard seen.insert(name).inserted else {
        throw fail(name == "__metadata__" ? "\"__metadata__\" appears twice in the header" : "tensor \(quoted(name)) appears twice in the header")
      }
      if name == "__metadata__" {
        metadata = try Self.metadata(value, fail: fail)
        continue
      }
      let info = try Self.tensorInfo(name, value, dataLength: dataLength, fail: fail)
      let tensor = Tensor(name: name, dtype: info.dtype, shape: info.shape, count: info.count, path: path, file: file,
                          byteOffset: dataStart + info.begin, byteOrder: .little)
      entries.append((tensor, info.begin, info.end))
    }
    try Self.checkTiling(entries.map { ($0.tensor.name, $0.begin, $0.end) }, dataLength: dataLength, fail: fail)
    self.tensors = entries.map(\.tensor)
    self.metadata = metadata
  }

  /// The tensor named `name`; throws naming the file's tensors when there is none.
  public func tensor(named name: String) throws -> Tensor {
    if let t = tensors.first(where: { $0.name == name }) { return t }
    let names = tensors.prefix(10).map { quoted($0.name) }.joined(separator: ", ")
    throw TensorFileError(path, "no tensor named \(quoted(name)) (the file has \(tensors.count): \(names)\(tensors.count > 10 ? ", ..." : ""))")
  }

  static func metadata(_ value: HeaderJSON, fail: (String) -> TensorFileError) throws -> [String: String] {
    if case .null = value { return [:] }
    guard case .object(let pairs) = value else { throw fail("\"__metadata__\" is \(value.kind), not an object of strings") }
    var out: [String: String] = [:]
    for (key, v) in pairs {
      guard case .string(let s) = v else { throw fail("\"__metadata__\" entry \(quoted(key)) is \(v.kind), not a string") }
      guard out.updateValue(s, forKey: key) == nil else { throw fail("\"__metadata__\" entry \(quoted(key)) appears twice") }
    }
    return out
  }

  /// One tensor's entry checked on its own: keys, dtype, shape, offsets inside the data region,
  /// byte count.
  static func tensorInfo(_ name: String, _ value: HeaderJSON, dataLength: Int, fail: (String) -> TensorFileError) throws
    -> (dtype: TensorDType, shape: [Int], count: Int, begin: Int, end: Int)
  {
    let t = "tensor \(quoted(name))"
    guard case .object(let pairs) = value else { throw fail("\(t) is \(value.kind), not an object with dtype, shape and data_offsets") }
    var fields: [String: HeaderJSON] = [:]
    for (key, v) in pairs {
      guard ["dtype", "shape", "data_offsets"].contains(key) else { throw fail("\(t) has an unknown key \(quoted(key))") }
      guard fields.updateValue(v, forKey: key) == nil else { throw fail("\(t) has the key \(quoted(key)) twice") }
    }
    for key in ["dtype", "shape", "data_offsets"] where fields[key] == nil { throw fail("\(t) has no \"\(key)\"") }
    let dtypeValue = fields["dtype"] ?? .null, shapeValue = fields["shape"] ?? .null, offsetsValue = fields["data_offsets"] ?? .null

    guard case .string(let dtypeName) = dtypeValue else { throw fail("\(t): dtype is \(dtypeValue.kind), not a string") }
    guard let dtype = TensorDType(rawValue: dtypeName) else {
      let supported = TensorDType.allCases.map(\.rawValue).joined(separator: ", ")
      throw fail("\(t) has dtype \(quoted(dtypeName)), not supported (supported: \(supported))")
    }

    guard case .array(let dims) = shapeValue else { throw fail("\(t): shape is \(shapeValue.kind), not an array") }
    var shape: [Int] = []
    var count = 1
    for d in dims {
      guard case .integer(let n) = d, n >= 0 else {
        throw fail("\(t): shape has \(d.brief) where a non-negative integer belongs")
      }
      shape.append(n)
      let (product, overflow) = count.multipliedReportingOverflow(by: n)
      guard !overflow else { throw fail("\(t): shape \(shapeText(shape)) has more elements than Int can count") }
      count = product
    }
    let (byteCount, overflow) = count.multipliedReportingOverflow(by: dtype.byteWidth)
    guard !overflow else { throw fail("\(t): shape \(shapeText(shape)) of \(dtype.rawValue) has more bytes than Int can count") }

    guard case .array(let offsets) = offsetsValue, offsets.count == 2,
      case .integer(let begin) = offsets[0], case .integer(let end) = offsets[1], begin >= 0, end >= begin
    else {
      throw fail("\(t): data_offsets must be [begin, end], integers with 0 <= begin <= end")
    }
    guard end - begin == byteCount else {
      throw fail("\(t): shape \(shapeText(shape)) of \(dtype.rawValue) needs \(byteCount) bytes, but data_offsets [\(begin), \(end)] hold \(end - begin)")
    }
    guard end <= dataLength else {
      throw fail("\(t): data_offsets [\(begin), \(end)] run past the end of the data region (\(dataLength) bytes): the file is truncated")
    }
    return (dtype, shape, count, begin, end)
  }

  /// The byte ranges, sorted by begin (then end), must tile 0..<dataLength exactly.
  static func checkTiling(_ ranges: [(name: String, begin: Int, end: Int)], dataLength: Int, fail: (String) -> TensorFileError) throws {
    let sorted = ranges.sorted { ($0.begin, $0.end) < ($1.begin, $1.end) }
    var covered = 0
    var previous: (name: String, begin: Int, end: Int)? = nil
    for r in sorted {
      if r.begin < covered, let p = previous {
        throw fail("tensors \(quoted(p.name)) [\(p.begin), \(p.end)] and \(quoted(r.name)) [\(r.begin), \(r.end)] overlap")
      }
      if r.begin > covered {
        throw fail("bytes [\(covered), \(r.begin)) of the data region belong to no tensor (the data must be covered without holes)")
      }
      covered = r.end
      previous = r
    }
    if covered < dataLength {
      throw fail("\(dataLength - covered) bytes after the last tensor's data belong to no tensor "
        + "(the data region is \(dataLength) bytes, the tensors cover \(covered))")
    }
  }
}
