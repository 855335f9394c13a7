import Foundation

/// Why a text file could not be read; one line.
public struct TextFileError: Error, CustomStringConvertible {
  public let description: String
}

/// The text of a file, or of standard input for "-", as UTF-8.
///
/// - Throws: `TextFileError` ("cannot read PATH: no such file", "...: it is a directory",
///   "...: permission denied", "...: not UTF-8 text").
public func readTextFile(_ path: String) throws(TextFileError) -> String {
  func fail(_ why: String) -> TextFileError { TextFileError(description: "cannot read \(path): \(why)") }
  var isDirectory: ObjCBool = false
  let exists = path == "-" || FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
  guard exists else { throw fail("no such file") }
  guard !isDirectory.boolValue else { throw fail("it is a directory") }
  guard let handle = path == "-" ? FileHandle.standardInput : FileHandle(forReadingAtPath: path) else {
    throw fail("permission denied")
  }
  let data: Data
  do {
    data = try handle.readToEnd() ?? Data()
  } catch {
    throw fail(error.localizedDescription)
  }
  guard let text = String(data: data, encoding: .utf8) else { throw fail("not UTF-8 text") }
  return text
}
