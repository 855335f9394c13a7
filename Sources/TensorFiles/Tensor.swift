import Foundation
import SoftmaxSpec

/// One tensor of a file: its name, dtype and shape, and its elements read on demand from the
/// memory-mapped file.
///
/// A `Tensor` holds no decoded copy of its data: `row(_:)`, `values()` and `integers()` decode
/// from the mapped bytes at each call, so a file much larger than memory can be read row by row
/// (the pages read stay in the page cache, which the system may reclaim). The mapping lives as
/// long as any tensor of the file does. The readers have checked the tensor's byte range against
/// the file before creating it; if the file is truncated by another process while mapped, a read
/// of the lost pages raises SIGBUS (memory-mapped files cannot report this as an error).
public struct Tensor: Sendable {
  /// The tensor's name: its key in a safetensors file; for a .npy file, the file name without
  /// its extension.
  public let name: String
  public let dtype: TensorDType
  /// The dimensions, outermost first (row-major: the last index varies fastest).
  public let shape: [Int]
  /// The file the tensor was read from (named in every error).
  public let path: String
  /// The number of elements: the product of `shape` (1 for a 0-D tensor).
  public let count: Int

  /// The whole file, memory-mapped.
  let file: Data
  /// Where the first element starts in `file`.
  let byteOffset: Int
  let byteOrder: ByteOrder

  init(name: String, dtype: TensorDType, shape: [Int], count: Int, path: String, file: Data, byteOffset: Int,
       byteOrder: ByteOrder) {
    self.name = name
    self.dtype = dtype
    self.shape = shape
    self.count = count
    self.path = path
    self.file = file
    self.byteOffset = byteOffset
    self.byteOrder = byteOrder
  }

  /// The number of rows `row(_:)` accepts: shape[0] of a 2-D tensor, 1 for a 1-D tensor, nil for
  /// any other rank.
  public var rowCount: Int? {
    switch shape.count {
    case 1: return 1
    case 2: return shape[0]
    default: return nil
    }
  }

  /// The length of a row: shape[1] of a 2-D tensor, shape[0] of a 1-D tensor, nil otherwise.
  public var rowLength: Int? {
    switch shape.count {
    case 1: return shape[0]
    case 2: return shape[1]
    default: return nil
    }
  }

  /// Row `r` of a 2-D value tensor (a 1-D tensor is one row, r = 0), each element decoded exactly
  /// to Double (`ElementCoding`: NaN stays NaN with its bits, signed zeros kept).
  ///
  /// Errors: an integer dtype (read it with `integers()`), a rank other than 1 or 2, r outside
  /// 0..<rowCount.
  public func row(_ r: Int) throws -> [Double] {
    try requireValues()
    guard let rows = rowCount, let length = rowLength else {
      throw TensorFileError(path, "tensor \(quoted(name)) has shape \(shapeText(shape)): rows need a 1-D or 2-D tensor")
    }
    guard r >= 0 && r < rows else {
      throw TensorFileError(path, "tensor \(quoted(name)) (shape \(shapeText(shape))) has no row \(r): rows are 0..<\(rows)")
    }
    return decodeValues(first: r * length, count: length)
  }

  /// Every element, in row-major order, decoded exactly to Double: a copy of 8 bytes per element,
  /// meant for small tensors (read large ones with `row(_:)`). Any rank.
  ///
  /// Errors: an integer dtype (read it with `integers()`).
  public func values() throws -> [Double] {
    try requireValues()
    return decodeValues(first: 0, count: count)
  }

  /// Every element of an integer (target) tensor, in row-major order. Any rank.
  ///
  /// Errors: a value dtype (read it with `values()` or `row(_:)`).
  public func integers() throws -> [Int] {
    guard dtype.isInteger else {
      throw TensorFileError(path, "tensor \(quoted(name)) holds \(dtype.rawValue) values, not integers: read it with values() or row(_:)")
    }
    let width = dtype.byteWidth, order = byteOrder, start = byteOffset, dtype = dtype
    return file.withUnsafeBytes { raw in
      (0..<count).map { i in ElementCoding.integer(ElementBytes.load(raw, at: start + i * width, width: width, order: order), dtype) }
    }
  }

  func requireValues() throws {
    guard dtype.format != nil else {
      throw TensorFileError(path, "tensor \(quoted(name)) holds \(dtype.rawValue) integers, not values: read it with integers()")
    }
  }

  /// Elements first..<first+count (in range: the callers check) decoded to Double.
  func decodeValues(first: Int, count: Int) -> [Double] {
    let width = dtype.byteWidth, order = byteOrder, dtype = dtype
    let start = byteOffset + first * width
    return file.withUnsafeBytes { raw in
      [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
        for i in 0..<count {
          buffer[i] = ElementCoding.value(ElementBytes.load(raw, at: start + i * width, width: width, order: order), dtype)
        }
        initialized = count
      }
    }
  }
}

/// Maps the file at `path` read-only (`Data(contentsOf:options: .alwaysMapped)`: pages are read
/// when first touched, nothing is copied), or throws a one-line error.
func mapFile(_ path: String) throws -> Data {
  do {
    return try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
  } catch {
    var reason = "cannot be read"
    var isDirectory: ObjCBool = false
    if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
      reason = "no such file"
    } else if isDirectory.boolValue {
      reason = "is a directory, not a file"
    } else if !FileManager.default.isReadableFile(atPath: path) {
      reason = "cannot be read (permission denied)"
    }
    throw TensorFileError(path, reason)
  }
}
