import Foundation

/// Writes `text` to `path` through a temporary file in the same folder and a rename, so that an
/// interrupted write leaves the old file (or none) in place, never half a file.
public func writeAtomically(_ text: String, to path: String) throws {
  let url = URL(fileURLWithPath: path)
  let temporary = url.deletingLastPathComponent()
    .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
  do {
    try Data(text.utf8).write(to: temporary)
    if rename(temporary.path, url.path) != 0 {
      throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: String(cString: strerror(errno))])
    }
  } catch {
    try? FileManager.default.removeItem(at: temporary)
    throw error
  }
}
