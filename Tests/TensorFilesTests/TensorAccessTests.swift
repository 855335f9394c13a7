import Foundation
import SoftmaxSpec
import Testing
import TensorFiles

@Suite("TensorFiles: rows, values, integers, and the writers' checks")
struct TensorAccessTests {
  @Test("rows of a 2-D tensor, a 1-D tensor as one row; the errors of each accessor")
  func rows() throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    let path = scratch.path("t.safetensors")
    let grid = (0..<12).map { Double($0) - 5.5 }
    try writeSafeTensors(path, tensors: [
      TensorContents(name: "grid", dtype: .bfloat16, shape: [3, 4], values: grid),
      TensorContents(name: "line", dtype: .float8E5M2, shape: [3], values: [-0.0, 0.25, 57344]),
      TensorContents(name: "cube", dtype: .float32, shape: [2, 1, 2], values: [1, 2, 3, 4]),
      TensorContents(name: "targets", dtype: .int32, shape: [3], integers: [0, 3, -100]),
    ])
    let file = try SafeTensorsFile(path: path)
    let g = try file.tensor(named: "grid")
    #expect(g.dtype.format == .bfloat16 && g.rowCount == 3 && g.rowLength == 4 && g.count == 12)
    for r in 0..<3 { #expect(try g.row(r) == Array(grid[(4 * r)..<(4 * r + 4)])) }
    expectFileError(path, "tensor \"grid\"", "has no row 3", "0..<3") { _ = try g.row(3) }
    expectFileError(path, "has no row -1") { _ = try g.row(-1) }
    #expect(try file.tensor(named: "line").row(0).map(\.bitPattern) == [-0.0, 0.25, 57344].map(\.bitPattern))
    expectFileError(path, "has no row 1") { _ = try file.tensor(named: "line").row(1) }
    let cube = try file.tensor(named: "cube")
    #expect(try cube.values() == [1, 2, 3, 4] && cube.rowCount == nil)
    expectFileError(path, "shape [2, 1, 2]", "1-D or 2-D") { _ = try cube.row(0) }
    let targets = try file.tensor(named: "targets")
    #expect(try targets.integers() == [0, 3, -100] && targets.dtype.format == nil)
    expectFileError(path, "I32 integers", "integers()") { _ = try targets.values() }
    expectFileError(path, "I32 integers") { _ = try targets.row(0) }
    expectFileError(path, "BF16 values", "not integers") { _ = try g.integers() }
    expectFileError(path, "no tensor named \"logits\"", "\"grid\"") { _ = try file.tensor(named: "logits") }
    #expect(try readTensors(path).map(\.name) == ["grid", "line", "cube", "targets"])
  }

  @Test("the writers reject what they cannot write exactly, and write nothing then")
  func writerErrors() throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    let st = scratch.path("w.safetensors"), npy = scratch.path("w.npy")
    expectFileError(st, "element 1, 0.1, is not a float16 value") {
      try writeSafeTensors(st, tensors: [TensorContents(name: "x", dtype: .float16, shape: [2], values: [0.5, 0.1])])
    }
    expectFileError(st, "inf, is not a float8-e4m3 value") {
      try writeSafeTensors(st, tensors: [TensorContents(name: "x", dtype: .float8E4M3, shape: [1], values: [.infinity])])
    }
    expectFileError(st, "464.0, is not a float8-e4m3 value") {
      try writeSafeTensors(st, tensors: [TensorContents(name: "x", dtype: .float8E4M3, shape: [1], values: [464])])
    }
    expectFileError(st, "shape [2, 3] has 6 elements, but 5 values") {
      try writeSafeTensors(st, tensors: [TensorContents(name: "x", dtype: .float32, shape: [2, 3], values: [1, 2, 3, 4, 5])])
    }
    expectFileError(st, "128, is outside I8's range -128...127") {
      try writeSafeTensors(st, tensors: [TensorContents(name: "t", dtype: .int8, shape: [1], integers: [128])])
    }
    expectFileError(st, "-1, is outside U8's range") {
      try writeSafeTensors(st, tensors: [TensorContents(name: "t", dtype: .uint8, shape: [1], integers: [-1])])
    }
    expectFileError(st, "I64 holds integers, but values were given") {
      try writeSafeTensors(st, tensors: [TensorContents(name: "t", dtype: .int64, shape: [1], values: [1])])
    }
    expectFileError(st, "F32 holds values, but integers were given") {
      try writeSafeTensors(st, tensors: [TensorContents(name: "t", dtype: .float32, shape: [1], integers: [1])])
    }
    expectFileError(st, "tensor \"x\" is given twice") {
      let x = TensorContents(name: "x", dtype: .float32, shape: [1], values: [1])
      try writeSafeTensors(st, tensors: [x, x])
    }
    expectFileError(st, "cannot be named \"__metadata__\"") {
      try writeSafeTensors(st, tensors: [TensorContents(name: "__metadata__", dtype: .float32, shape: [1], values: [1])])
    }
    expectFileError(npy, "BF16 has no .npy descr", ".safetensors") {
      try writeNPY(npy, dtype: .bfloat16, shape: [1], values: [1])
    }
    expectFileError(npy, "1-D or 2-D") { try writeNPY(npy, dtype: .float32, shape: [1, 1, 1], values: [1]) }
    expectFileError(npy, "negative dimension") { try writeNPY(npy, dtype: .float32, shape: [-1], values: []) }
    let missing = scratch.path("no/such/folder/w.npy")
    expectFileError(missing, "cannot be written") { try writeNPY(missing, dtype: .float32, shape: [1], values: [1]) }
    #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.folder.path).isEmpty)
  }

  @Test("a missing file, a directory and an empty file are one-line errors")
  func unreadable() throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    let missing = scratch.path("missing.safetensors")
    expectFileError(missing, "no such file") { _ = try SafeTensorsFile(path: missing) }
    expectFileError(scratch.folder.path, "directory") { _ = try NPYFile(path: scratch.folder.path) }
    let empty = try scratch.file("empty.npy", [])
    expectFileError(empty, "not a .npy file") { _ = try NPYFile(path: empty) }
    expectFileError(empty, "truncated: 0 bytes") { _ = try readTensors(empty) }
  }
}
