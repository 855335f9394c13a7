import Foundation
import Testing
import TensorFiles

/// A fresh folder for one test's files, removed by `remove()`.
struct Scratch {
  let folder: URL

  init() throws {
    folder = FileManager.default.temporaryDirectory.appendingPathComponent("softmax-lab-tensors-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  }

  func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

  /// Writes `bytes` to `name` and returns its path.
  func file(_ name: String, _ bytes: [UInt8]) throws -> String {
    let p = path(name)
    try Data(bytes).write(to: URL(fileURLWithPath: p))
    return p
  }

  func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

  func remove() { try? FileManager.default.removeItem(at: folder) }
}

/// A safetensors file by hand: the 8-byte length (`declaredLength`, or the header's), the header
/// text, the data.
func safetensorsBytes(_ header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> [UInt8] {
  let h = Array(header.utf8)
  let n = declaredLength ?? UInt64(h.count)
  return (0..<8).map { UInt8(truncatingIfNeeded: n >> (8 * $0)) } + h + data
}

/// A .npy file by hand: magic, version major.minor, the header length (2 bytes for major 1, 4
/// otherwise), the header bytes, the data.
func npyBytes(_ header: [UInt8], major: UInt8 = 1, minor: UInt8 = 0, data: [UInt8] = []) -> [UInt8] {
  let width = major == 1 ? 2 : 4
  let length = (0..<width).map { UInt8(truncatingIfNeeded: header.count >> (8 * $0)) }
  return [0x93] + Array("NUMPY".utf8) + [major, minor] + length + header + data
}

func npyBytes(_ header: String, major: UInt8 = 1, data: [UInt8] = []) -> [UInt8] {
  npyBytes(Array(header.utf8), major: major, data: data)
}

/// Expects `body` to throw a `TensorFileError` whose description is one line, names `path` and
/// contains every one of `fragments`.
func expectFileError(_ path: String, _ fragments: String..., sourceLocation: SourceLocation = #_sourceLocation,
                     _ body: () throws -> Void) {
  expectFileError(path, fragments: fragments, sourceLocation: sourceLocation, body)
}

/// `expectFileError` with the fragments as an array.
func expectFileError(_ path: String, fragments: [String], sourceLocation: SourceLocation = #_sourceLocation,
                     _ body: () throws -> Void) {
  do {
    try body()
    Issue.record("no error; expected one mentioning \(fragments)", sourceLocation: sourceLocation)
  } catch let error as TensorFileError {
    let text = error.description
    #expect(!text.contains("\n"), "not one line: \(text)", sourceLocation: sourceLocation)
    #expect(text.hasPrefix(path + ": "), "does not name the file: \(text)", sourceLocation: sourceLocation)
    for f in fragments {
      #expect(text.contains(f), "\"\(f)\" missing from: \(text)", sourceLocation: sourceLocation)
    }
  } catch {
    Issue.record("not a TensorFileError: \(error)", sourceLocation: sourceLocation)
  }
}

/// Little-endian bytes of `bits`' low `width` bytes.
func littleEndian(_ bits: UInt64, width: Int) -> [UInt8] { (0..<width).map { UInt8(truncatingIfNeeded: bits >> (8 * $0)) } }

/// The Double a NaN element of `fractionBits` fraction bits decodes to: its sign, and its fraction
/// at the top of the Double's fraction (TensorFiles' documented NaN rule).
func expectedNaN(sign: UInt64, fraction: UInt64, fractionBits: Int) -> UInt64 {
  sign << 63 | 0x7FF << 52 | fraction << UInt64(52 - fractionBits)
}
