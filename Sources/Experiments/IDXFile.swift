import Foundation

/// The IDX file format of the MNIST database (yann.lecun.com/exdb/mnist): two zero bytes, a type
/// byte (0x08: unsigned byte), the number of dimensions, each dimension as a big-endian UInt32,
/// then the data in row-major order.
public struct IDXFile: Sendable, Equatable {
  public let dimensions: [Int]
  public let data: [UInt8]

  /// Parses IDX bytes; `name` is the file named in errors.
  public static func parse(_ bytes: [UInt8], name: String) throws(IDXError) -> IDXFile {
    if bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b { throw .gzip(name) }
    guard bytes.count >= 4 else { throw .tooShort(name, bytes.count) }
    guard bytes[0] == 0 && bytes[1] == 0 else { throw .badMagic(name) }
    guard bytes[2] == 0x08 else { throw .unsupportedType(name, bytes[2]) }
    let rank = Int(bytes[3])
    guard rank >= 1 else { throw .badMagic(name) }
    let header = 4 + 4 * rank
    guard bytes.count >= header else { throw .tooShort(name, bytes.count) }
    var dimensions: [Int] = []
    var total = 1
    for d in 0..<rank {
      let i = 4 + 4 * d
      let v = Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
      dimensions.append(v)
      total = total.multipliedReportingOverflow(by: v).overflow ? Int.max : total * v
    }
    guard bytes.count - header == total else {
      throw .sizeMismatch(name, dimensions: dimensions, expected: total, actual: bytes.count - header)
    }
    return IDXFile(dimensions: dimensions, data: Array(bytes[header...]))
  }

  public static func read(path: String) throws(IDXError) -> IDXFile {
    guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path) }
    return try parse([UInt8](data), name: path)
  }

  /// MNIST-style training data: images (count x rows x cols, or count x features) and labels
  /// (count), pixels scaled to [0, 1] and multiplied by `scale`; the first `limit` examples when
  /// given. The classes are 0...(largest label), at least 2.
  public static func dataset(images: IDXFile, labels: IDXFile, scale: Double = 1, limit: Int? = nil,
                             names: (String, String) = ("images", "labels")) throws(IDXError) -> Dataset
  {
    guard images.dimensions.count >= 2 else { throw .rank(names.0, images.dimensions.count, expected: "2 or more") }
    guard labels.dimensions.count == 1 else { throw .rank(names.1, labels.dimensions.count, expected: "1") }
    let count = images.dimensions[0]
    guard labels.dimensions[0] == count else { throw .countMismatch(images: count, labels: labels.dimensions[0]) }
    guard count > 0 else { throw .empty(names.0) }
    let features = images.dimensions.dropFirst().reduce(1, *)
    guard features > 0 else { throw .empty(names.0) }
    let n = min(count, limit ?? count)
    let y = labels.data.prefix(n).map(Int.init)
    let x = images.data.prefix(n * features).map { scale * Double($0) / 255 }
    return Dataset(features: features, classes: max(2, (y.max() ?? 0) + 1), x: x, labels: y,
                   source: "IDX(\(names.0), \(names.1), \(n) examples, scale: \(scale))")
  }
}

/// Why an IDX file was refused; one line each.
public enum IDXError: Error, Equatable, CustomStringConvertible {
  case unreadable(String)
  case gzip(String)
  case tooShort(String, Int)
  case badMagic(String)
  case unsupportedType(String, UInt8)
  case sizeMismatch(String, dimensions: [Int], expected: Int, actual: Int)
  case rank(String, Int, expected: String)
  case countMismatch(images: Int, labels: Int)
  case empty(String)

  public var description: String {
    switch self {
    case .unreadable(let p): return "cannot read \(p)"
    case .gzip(let p): return "\(p) is gzip-compressed: decompress it first (gunzip)"
    case let .tooShort(p, n): return "\(p) is not an IDX file: \(n) bytes is shorter than its header"
    case .badMagic(let p): return "\(p) is not an IDX file: it does not start with 0x00 0x00, a type byte and a dimension count >= 1"
    case let .unsupportedType(p, t):
      return "\(p): IDX data type 0x\(String(t, radix: 16, uppercase: true)) is not supported (MNIST files are 0x08, unsigned bytes)"
    case let .sizeMismatch(p, d, e, a):
      return "\(p): dimensions \(d.map(String.init).joined(separator: "x")) need \(e) data bytes, the file has \(a)"
    case let .rank(p, r, e): return "\(p) has \(r) dimensions, expected \(e)"
    case let .countMismatch(i, l): return "\(i) images but \(l) labels"
    case .empty(let p): return "\(p) holds no examples"
    }
  }
}
