import Foundation
import LabSupport

/// Writes `tensors` and `metadata` to `path` as a safetensors file (`SafeTensorsFile` reads it
/// back bit for bit), atomically: through a temporary file in the same folder and a rename.
///
/// Layout written: the header lists `"__metadata__"` first (only when `metadata` is not empty,
/// its keys sorted), then the tensors in the order given, compact JSON; it is padded with spaces
/// to a multiple of 8 bytes, as the reference implementation does, so that the data region starts
/// 8-byte aligned in the file. The tensors' data follow in the order given, contiguous, little-endian.
///
/// Errors (nothing is written): a duplicate or empty name or the name "__metadata__"; a negative
/// dimension; an element count that differs from the shape's; values for an integer dtype or
/// integers for a value dtype; a value that is not a value of the dtype's format (the writer
/// rounds nothing); an integer outside the dtype's range; a failed write.
public func writeSafeTensors(_ path: String, tensors: [TensorContents], metadata: [String: String] = [:]) throws {
  var names = Set<String>()
  var entries: [String] = []
  var data: [UInt8] = []
  if !metadata.isEmpty {
    let fields = metadata.sorted { $0.key < $1.key }.map { JSON.quote($0.key) + ":" + JSON.quote($0.value) }
    entries.append("\"__metadata__\":{" + fields.joined(separator: ",") + "}")
  }
  for tensor in tensors {
    guard !tensor.name.isEmpty, tensor.name != "__metadata__" else {
      throw TensorFileError(path, "a tensor cannot be named \(quoted(tensor.name))")
    }
    guard names.insert(tensor.name).inserted else { throw TensorFileError(path, "tensor \(quoted(tensor.name)) is given twice") }
    let begin = data.count
    data += try tensor.encoded(order: .little, path: path)
    let shape = "[" + tensor.shape.map(String.init).joined(separator: ",") + "]"
    entries.append(JSON.quote(tensor.name) + ":{\"dtype\":\"\(tensor.dtype.rawValue)\",\"shape\":\(shape),\"data_offsets\":[\(begin),\(data.count)]}")
  }
  var header = Array(("{" + entries.joined(separator: ",") + "}").utf8)
  header += [UInt8](repeating: UInt8(ascii: " "), count: (8 - header.count % 8) % 8)
  var file = Data()
  file.reserveCapacity(8 + header.count + data.count)
  withUnsafeBytes(of: UInt64(header.count).littleEndian) { file.append(contentsOf: $0) }
  file.append(contentsOf: header)
  file.append(contentsOf: data)
  do { try writeAtomically(file, to: path) } catch {
    throw TensorFileError(path, "cannot be written: \(error.localizedDescription)")
  }
}
