import Experiments
import Foundation
import Testing

/// The bytes of an IDX file of unsigned bytes (the MNIST format): 0, 0, 0x08, rank, big-endian
/// dimensions, data.
func idxBytes(_ dimensions: [Int], _ data: [UInt8], type: UInt8 = 0x08) -> [UInt8] {
  var out: [UInt8] = [0, 0, type, UInt8(dimensions.count)]
  for d in dimensions { out += [UInt8(d >> 24 & 0xff), UInt8(d >> 16 & 0xff), UInt8(d >> 8 & 0xff), UInt8(d & 0xff)] }
  return out + data
}

@Suite("IDX (MNIST) reader")
struct IDXTests {
  @Test("a good pair of files: 3 images of 2x2 pixels and their labels")
  func good() throws {
    let pixels: [UInt8] = [0, 255, 51, 102, 1, 2, 3, 4, 255, 255, 0, 0]
    let images = try IDXFile.parse(idxBytes([3, 2, 2], pixels), name: "images")
    let labels = try IDXFile.parse(idxBytes([3], [2, 0, 1]), name: "labels")
    #expect(images.dimensions == [3, 2, 2] && labels.dimensions == [3])
    let data = try IDXFile.dataset(images: images, labels: labels, scale: 2)
    #expect(data.count == 3 && data.features == 4 && data.classes == 3)
    #expect(data.labels == [2, 0, 1])
    #expect(data.x[1] == 2 && data.x[2] == 2 * 51.0 / 255)
    let limited = try IDXFile.dataset(images: images, labels: labels, limit: 2)
    #expect(limited.count == 2 && limited.x.count == 8)
    // From disk, and trained on.
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("idx-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("images").path
    try Data(idxBytes([3, 2, 2], pixels)).write(to: URL(fileURLWithPath: path))
    #expect(try IDXFile.read(path: path) == images)
    let run = try Trainer.train(data, TrainingSettings(epochs: 2, batchSize: 2))
    #expect(run.epochs.count == 2 && run.firstBreak == nil)
  }

  @Test("malformed files are refused with a clear error")
  func malformed() throws {
    let cases: [([UInt8], IDXError)] = [
      ([0x1f, 0x8b, 8, 0], .gzip("f")),
      ([0, 0], .tooShort("f", 2)),
      ([1, 0, 8, 1, 0, 0, 0, 0], .badMagic("f")),
      ([0, 0, 8, 0], .badMagic("f")),
      (idxBytes([2], [1, 2], type: 0x0D), .unsupportedType("f", 0x0D)),
      ([0, 0, 8, 2, 0, 0, 0, 1], .tooShort("f", 8)),
      (idxBytes([2, 2], [1, 2, 3]), .sizeMismatch("f", dimensions: [2, 2], expected: 4, actual: 3)),
      (idxBytes([2], [1, 2, 3]), .sizeMismatch("f", dimensions: [2], expected: 2, actual: 3)),
    ]
    for (bytes, error) in cases {
      #expect(throws: error) { try IDXFile.parse(bytes, name: "f") }
      #expect(!error.description.contains("\n"))
    }
    #expect(IDXError.unsupportedType("f", 0x0D).description.contains("0xD"))
    let images = try IDXFile.parse(idxBytes([2, 2], [1, 2, 3, 4]), name: "i")
    #expect(throws: IDXError.countMismatch(images: 2, labels: 3)) {
      try IDXFile.dataset(images: images, labels: IDXFile.parse(idxBytes([3], [0, 1, 0]), name: "l"))
    }
    #expect(throws: IDXError.rank("labels", 2, expected: "1")) {
      try IDXFile.dataset(images: images, labels: IDXFile.parse(idxBytes([2, 1], [0, 1]), name: "l"))
    }
    #expect(throws: IDXError.unreadable("/nonexistent/idx")) { try IDXFile.read(path: "/nonexistent/idx") }
  }
}
