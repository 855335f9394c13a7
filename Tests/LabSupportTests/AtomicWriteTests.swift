import Foundation
import LabSupport
import Testing

@Suite("Atomic writes")
struct AtomicWriteTests {
  @Test("files are written through a temporary file: a failed write leaves the old file")
  func atomicWrites() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("softmax-lab-atomic-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("report.md").path
    try writeAtomically("old", to: path)
    try writeAtomically("new", to: path)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "new")
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["report.md"])  // no temporary left
    #expect(throws: (any Error).self) { try writeAtomically("x", to: folder.appendingPathComponent("missing/r.md").path) }
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "new")
    let bytes = Data([0x93, 0x00, 0xFF, 0x0A])  // not UTF-8: written as they are
    try writeAtomically(bytes, to: path)
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["report.md"])
  }
}
