import Foundation
import LabSupport

/// Writes a 1-D or 2-D value array to `path` as a .npy file (`NPYFile` reads it back bit for
/// bit), atomically: through a temporary file in the same folder and a rename.
///
/// The header is NumPy's own: `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`,
/// padded with spaces and a final '\n' so that the data start at a multiple of 64 bytes;
/// `byteOrder` chooses '<' or '>' (1-byte types are written '|'); `version` chooses the header
/// length field (2 bytes in 1.0, 4 in 2.0 and 3.0; the header is ASCII, valid in every version).
///
/// Errors (nothing is written): a dtype NumPy has no descr for (bfloat16, float8: use
/// `writeSafeTensors`); a shape that is not 1-D or 2-D; a value count that differs from the
/// shape's; a value that is not a value of the dtype's format; a failed write.
public func writeNPY(_ path: String, dtype: TensorDType, shape: [Int], values: [Double], byteOrder: ByteOrder = .little,
                     version: NPYVersion = .v1) throws {
  try writeNPY(path, TensorContents(name: "", dtype: dtype, shape: shape, values: values), byteOrder: byteOrder, version: version)
}

/// Writes a 1-D or 2-D integer array (targets) to `path` as a .npy file; as the values' writer,
/// with integers in the dtype's range.
public func writeNPY(_ path: String, dtype: TensorDType, shape: [Int], integers: [Int], byteOrder: ByteOrder = .little,
                     version: NPYVersion = .v1) throws {
  try writeNPY(path, TensorContents(name: "", dtype: dtype, shape: shape, integers: integers), byteOrder: byteOrder, version: version)
}

func writeNPY(_ path: String, _ contents: TensorContents, byteOrder: ByteOrder, version: NPYVersion) throws {
  guard let code = contents.dtype.npyTypeCode else {
    throw TensorFileError(path, "dtype \(contents.dtype.rawValue) has no .npy descr (NumPy has no bfloat16 or float8): write a .safetensors file")
  }
  guard contents.shape.count == 1 || contents.shape.count == 2 else {
    throw TensorFileError(path, "shape \(shapeText(contents.shape)): a .npy file here holds a 1-D or 2-D array")
  }
  let data = try contents.encoded(order: byteOrder, path: path)
  let orderChar = contents.dtype.byteWidth == 1 ? "|" : byteOrder == .little ? "<" : ">"
  let shape = "(" + contents.shape.map(String.init).joined(separator: ", ") + (contents.shape.count == 1 ? ",)" : ")")
  let dict = "{'descr': '\(orderChar)\(code)', 'fortran_order': False, 'shape': \(shape), }"
  let lengthWidth = version == .v1 ? 2 : 4
  let prefix = NPYFile.magic.count + 2 + lengthWidth
  // Spaces, then '\n', up to the next multiple of 64 of the whole preamble.
  let total = (prefix + dict.utf8.count + 1 + 63) / 64 * 64
  let header = Array(dict.utf8) + [UInt8](repeating: UInt8(ascii: " "), count: total - prefix - dict.utf8.count - 1) + [0x0A]
  var file = Data(NPYFile.magic + [UInt8(version.rawValue), 0])
  for i in 0..<lengthWidth { file.append(UInt8(truncatingIfNeeded: header.count >> (8 * i))) }
  file.append(contentsOf: header)
  file.append(contentsOf: data)
  do { try writeAtomically(file, to: path) } catch {
    throw TensorFileError(path, "cannot be written: \(error.localizedDescription)")
  }
}
