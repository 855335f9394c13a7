import Foundation
import Testing
import TensorFiles

/// The folder of the files written by Python's numpy and safetensors (Fixtures/README.md).
let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

@Suite("TensorFiles: files written by Python's numpy and safetensors (Fixtures/make_fixtures.py)")
struct FixtureTests {
  @Test("python.safetensors: the values, dtypes, shapes and metadata the script wrote")
  func safetensors() throws {
    let file = try SafeTensorsFile(path: fixtures.appendingPathComponent("python.safetensors").path)
    #expect(file.metadata == ["made_by": "make_fixtures.py"])
    #expect(Set(file.tensors.map(\.name)) == ["logits", "half", "targets"])

    let logits = try file.tensor(named: "logits")
    #expect(logits.dtype == .float32 && logits.shape == [2, 3])
    #expect(try logits.row(0) == [0.5, -2, 3.25])
    #expect(try logits.row(1).map(\.bitPattern) == [1024, -0.0, 0.125].map(\.bitPattern))

    let half = try file.tensor(named: "half")
    #expect(half.dtype == .float16 && half.dtype.format == .float16 && half.shape == [5])
    #expect(try half.values() == [1, -0.5, 65504, 0x1p-24, -.infinity])

    let targets = try file.tensor(named: "targets")
    #expect(targets.dtype == .int64 && targets.shape == [4])
    #expect(try targets.integers() == [0, 2, 1, -100])
  }

  @Test(".npy files: '<f4' 2-D, '<i8' 1-D, '>f8' 1-D")
  func npy() throws {
    let logits = try NPYFile(path: fixtures.appendingPathComponent("logits.npy").path)
    #expect(logits.version == .v1 && logits.byteOrder == .little)
    #expect(logits.tensor.name == "logits" && logits.tensor.dtype == .float32 && logits.tensor.shape == [2, 3])
    #expect(try logits.tensor.row(0) == [1.5, -0.25, 8])
    #expect(try logits.tensor.row(1) == [-3, 0, 0.0625])

    let targets = try NPYFile(path: fixtures.appendingPathComponent("targets.npy").path)
    #expect(targets.tensor.dtype == .int64 && targets.tensor.shape == [3])
    #expect(try targets.tensor.integers() == [2, 0, 7])

    let big = try NPYFile(path: fixtures.appendingPathComponent("big_endian.npy").path)
    #expect(big.byteOrder == .big && big.tensor.dtype == .float64)
    #expect(try big.tensor.values() == [0.1, -1e300, .leastNonzeroMagnitude])  // 5e-324
  }

  @Test("our writers give the bytes NumPy gave for the same array ('<f4' 2-D, '<i8' 1-D)")
  func sameBytesAsNumPy() throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    let ours = scratch.path("logits.npy"), oursTargets = scratch.path("targets.npy")
    try writeNPY(ours, dtype: .float32, shape: [2, 3], values: [1.5, -0.25, 8, -3, 0, 0.0625])
    try writeNPY(oursTargets, dtype: .int64, shape: [3], integers: [2, 0, 7])
    #expect(try scratch.bytes(ours) == scratch.bytes(fixtures.appendingPathComponent("logits.npy").path))
    #expect(try scratch.bytes(oursTargets) == scratch.bytes(fixtures.appendingPathComponent("targets.npy").path))
  }
}
