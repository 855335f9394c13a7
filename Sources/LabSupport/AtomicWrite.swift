import Foundation

/// Writes `text` (as UTF-8) to `path` through a temporary file in the same folder and a rename,
/// so that an interrupted write leaves the old file (or none) in place, never half a file.
public func writeAtomically(_ text: String, to path: String) throws {
  try writeAtomically(Data(text.utf8), to: path)
}

/// Writes `data` to `path` through a temporary file in the same folder and a rename, so that an
/// interrupted write leaves the old file (or none) in place, never half a file.
public func writeAtomically(_ data: Data, to path: String) throws {
  let url = URL(fileURLWithPath: path)
  let temporary = url.deletingLastPathComponent()
    .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
  do {
    try data.write(to: temporary)
    if rename(temporary.path, url.path) != 0 {
      throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: String(cString: strerror(errno))])
    }
  } catch {
    try? FileManager.default.removeItem(at: temporary)
    throw error
  }
}
