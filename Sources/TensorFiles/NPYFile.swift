import Foundation

/// The .npy format versions: the header length field is 2 bytes in 1.0 and 4 bytes in 2.0 and
/// 3.0; the header text is Latin-1 in 1.0 and 2.0, UTF-8 in 3.0.
public enum NPYVersion: Int, Sendable, CaseIterable {
  case v1 = 1, v2 = 2, v3 = 3
}

/// A NumPy .npy file (NEP 1, numpy.lib.format) holding a 1-D or 2-D array of a supported dtype,
/// read and validated.
///
/// Layout: the magic "\x93NUMPY"; two version bytes, major and minor (1.0, 2.0 or 3.0); the
/// header length H, 2 bytes little-endian (1.0) or 4 (2.0, 3.0); H bytes of header, a Python
/// dict literal `{'descr': '<f4', 'fortran_order': False, 'shape': (512, 1024), }` padded with
/// spaces and ending in '\n' (Latin-1, UTF-8 in 3.0); then the elements, row-major, to the end of
/// the file.
///
/// Rules checked (each failure is a `TensorFileError` naming the file and the problem):
/// - the magic, a known version, a header inside the file that decodes and parses
///   (`PythonLiteral`) to a dict with exactly the keys descr, fortran_order and shape, each once;
/// - descr is a string: a byte order ('<' little, '>' big, '|' not applicable, '=' this machine's)
///   and a type code, one of f2 f4 f8 (values: float16, float32, float64) or i1 i2 i4 i8 u1
///   (integer targets); '|' only on 1-byte types. A structured dtype (descr a list) and every other
///   type code are errors naming it; void types ('|V2', '|V1': how ml_dtypes' bfloat16 and float8
///   arrays are saved) are errors that point to safetensors, which has those dtypes;
/// - fortran_order is a bool, and True only for 1-D arrays (a 2-D array must be in C order);
/// - shape is a tuple of 1 or 2 non-negative integers (0-D and 3-D or more are errors), whose
///   element count times the dtype's width does not overflow;
/// - the data after the header is exactly that many bytes (fewer: truncated; more: trailing bytes).
public struct NPYFile: Sendable {
  /// The magic string every .npy file begins with.
  public static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

  public let path: String
  public let version: NPYVersion
  /// The elements' byte order (from descr).
  public let byteOrder: ByteOrder
  /// The array, named after the file (its name without the extension).
  public let tensor: Tensor

  /// Maps the file at `path` and validates it (above); reads no element.
  public init(path: String) throws {
    self.path = path
    let file = try mapFile(path)
    let fail = { (problem: String) in TensorFileError(path, problem) }
    let bytes = { (range: Range<Int>) in [UInt8](file[file.startIndex + range.lowerBound..<file.startIndex + range.upperBound]) }

    guard file.count >= 6, bytes(0..<6) == Self.magic else {
      throw fail("not a .npy file: it does not begin with the magic \"\\x93NUMPY\"")
    }
    guard file.count >= 8 else { throw fail("truncated: \(file.count) bytes, the version bytes are missing") }
    let major = bytes(6..<7)[0], minor = bytes(7..<8)[0]
    guard minor == 0, let version = NPYVersion(rawValue: Int(major)) else {
      throw fail("unsupported .npy version \(major).\(minor) (supported: 1.0, 2.0, 3.0)")
    }
    let lengthWidth = version == .v1 ? 2 : 4
    guard file.count >= 8 + lengthWidth else { throw fail("truncated: \(file.count) bytes, the header length is missing") }
    let headerLength = bytes(8..<8 + lengthWidth).reversed().reduce(0) { $0 << 8 | Int($1) }
    let headerStart = 8 + lengthWidth
    guard headerStart + headerLength <= file.count else {
      throw fail("truncated: header length \(headerLength) runs past the end of the file (\(file.count) bytes)")
    }
    let headerBytes = bytes(headerStart..<headerStart + headerLength)
    let headerText: String
    if version == .v3 {
      guard let text = String(validating: headerBytes, as: UTF8.self) else { throw fail("the version 3.0 header is not valid UTF-8") }
      headerText = text
    } else {
      headerText = String(String.UnicodeScalarView(headerBytes.map { Unicode.Scalar($0) }))  // Latin-1
    }
    let header = try Self.header(headerText, fail: fail)

    var count = 1
    for n in header.shape {
      let (product, overflow) = count.multipliedReportingOverflow(by: n)
      guard !overflow else { throw fail("shape \(Self.tupleText(header.shape)) has more elements than Int can count") }
      count = product
    }
    let (byteCount, overflow) = count.multipliedReportingOverflow(by: header.dtype.byteWidth)
    guard !overflow else { throw fail("shape \(Self.tupleText(header.shape)) has more bytes than Int can count") }
    let dataStart = headerStart + headerLength
    let held = file.count - dataStart
    guard held >= byteCount else {
      throw fail("truncated: shape \(Self.tupleText(header.shape)) of '\(header.descr)' needs \(byteCount) data bytes, the file holds \(held)")
    }
    guard held == byteCount else {
      throw fail("\(held - byteCount) trailing bytes after the \(byteCount) data bytes of shape \(Self.tupleText(header.shape)) of '\(header.descr)'")
    }

    self.version = version
    self.byteOrder = header.byteOrder
    let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    self.tensor = Tensor(name: name, dtype: header.dtype, shape: header.shape, count: count, path: path, file: file,
                         byteOffset: dataStart, byteOrder: header.byteOrder)
  }

  /// The header dict's three fields, checked.
  static func header(_ text: String, fail: (String) -> TensorFileError) throws
    -> (descr: String, dtype: TensorDType, byteOrder: ByteOrder, shape: [Int])
  {
    let literal: PythonLiteral
    do { literal = try PythonLiteral.parse(text) } catch let e as PythonLiteral.SyntaxError {
      throw fail("the header is not a Python dict literal: \(e.message)")
    }
    guard case .dict(let pairs) = literal else { throw fail("the header is not a dict: \(literal.text.prefix(60))") }
    var fields: [String: PythonLiteral] = [:]
    for (key, value) in pairs {
      guard case .string(let k) = key, ["descr", "fortran_order", "shape"].contains(k) else {
        throw fail("the header has an unexpected key \(key.text) (expected exactly 'descr', 'fortran_order', 'shape')")
      }
      guard fields.updateValue(value, forKey: k) == nil else { throw fail("the header has the key '\(k)' twice") }
    }
    for key in ["descr", "fortran_order", "shape"] where fields[key] == nil { throw fail("the header has no '\(key)' key") }
    let descrValue = fields["descr"] ?? .none, orderValue = fields["fortran_order"] ?? .none, shapeValue = fields["shape"] ?? .none

    guard case .string(let descr) = descrValue else {
      if case .list = descrValue { throw fail("descr is a list, a structured dtype: not supported (a plain array of one dtype is needed)") }
      throw fail("descr is \(descrValue.text), not a string")
    }
    let (dtype, byteOrder) = try Self.dtype(descr, fail: fail)

    guard case .tuple(let dims) = shapeValue else { throw fail("shape is \(shapeValue.text), not a tuple") }
    var shape: [Int] = []
    for d in dims {
      guard case .integer(let n) = d, n >= 0 else { throw fail("shape \(shapeValue.text) has \(d.text) where a non-negative integer belongs") }
      shape.append(n)
    }
    guard shape.count == 1 || shape.count == 2 else {
      let what = shape.isEmpty ? "a 0-D array (a scalar)" : "a \(shape.count)-D array"
      throw fail("shape \(shapeValue.text) is \(what): a 1-D or 2-D array is needed")
    }

    guard case .bool(let fortranOrder) = orderValue else { throw fail("fortran_order is \(orderValue.text), not True or False") }
    if fortranOrder && shape.count == 2 {
      throw fail("fortran_order is True (column-major) for a 2-D array: C order required (save np.ascontiguousarray(a))")
    }

    return (descr, dtype, byteOrder, shape)
  }

  /// The dtype and byte order a descr string names.
  static func dtype(_ descr: String, fail: (String) -> TensorFileError) throws -> (TensorDType, ByteOrder) {
    let supported = "supported: " + TensorDType.allCases.compactMap { d in d.npyTypeCode.map { (d.byteWidth == 1 ? "'|" : "'<") + $0 + "'" } }
      .joined(separator: ", ") + ", and '>' for big-endian"
    guard let orderChar = descr.first, "<>|=".contains(orderChar) else {
      throw fail("descr '\(descr)' does not begin with a byte order ('<', '>', '|' or '=')")
    }
    let code = String(descr.dropFirst())
    if code.first == "V" {
      throw fail("descr '\(descr)' is a void type, which is how bfloat16 and float8 arrays (ml_dtypes) are saved: "
        + ".npy has no such dtype; save them in a .safetensors file (dtypes BF16, F8_E4M3, F8_E5M2)")
    }
    guard let dtype = TensorDType(npyTypeCode: code) else { throw fail("descr '\(descr)' is not supported (\(supported))") }
    let order: ByteOrder
    switch orderChar {
    case "<": order = .little
    case ">": order = .big
    case "=":
      #if _endian(big)
      order = .big
      #else
      order = .little
      #endif
    default:  // "|"
      guard dtype.byteWidth == 1 else { throw fail("descr '\(descr)' gives no byte order ('|') for a \(dtype.byteWidth)-byte type") }
      order = .little
    }
    return (dtype, order)
  }

  /// A shape as Python prints a tuple: (5,), (2, 3).
  static func tupleText(_ shape: [Int]) -> String {
    "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")")
  }
}
