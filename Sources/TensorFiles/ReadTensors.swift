/// The tensors of the file at `path`: a .npy file (told by its magic "\x93NUMPY", whatever its
/// name) gives its one array; any other file is read as safetensors, all its tensors in header
/// order. Errors are those of `NPYFile` and `SafeTensorsFile`.
public func readTensors(_ path: String) throws -> [Tensor] {
  let file = try mapFile(path)
  if file.count >= NPYFile.magic.count && [UInt8](file.prefix(NPYFile.magic.count)) == NPYFile.magic {
    return [try NPYFile(path: path).tensor]
  }
  return try SafeTensorsFile(path: path).tensors
}
