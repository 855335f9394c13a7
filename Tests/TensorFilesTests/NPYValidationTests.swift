import Foundation
import Testing
import TensorFiles

/// A malformed .npy file and what its error must say.
struct MalformedNPY: CustomTestStringConvertible, Sendable {
  let label: String
  let bytes: [UInt8]
  let fragments: [String]
  var testDescription: String { label }

  init(_ label: String, _ bytes: [UInt8], _ fragments: String...) {
    self.label = label
    self.bytes = bytes
    self.fragments = fragments
  }

  /// A version 1.0 file with `header` and `dataBytes` zero bytes.
  init(_ label: String, header: String, dataBytes: Int = 24, _ fragments: String...) {
    self.label = label
    self.bytes = npyBytes(header, data: [UInt8](repeating: 0, count: dataBytes))
    self.fragments = fragments
  }
}

let malformedNPY: [MalformedNPY] = [
  .init("bad magic", Array("\u{7F}ELF and more bytes".utf8), "not a .npy file", "magic"),
  .init("magic without the 0x93 byte", Array("NUMPY\u{1}\u{0}".utf8), "not a .npy file"),
  .init("version 4.0", npyBytes("{}", major: 4), "unsupported .npy version 4.0"),
  .init("version 1.1", [0x93] + Array("NUMPY".utf8) + [1, 1, 2, 0] + Array("{}".utf8), "unsupported .npy version 1.1"),
  .init("header length past the end", [0x93] + Array("NUMPY".utf8) + [1, 0, 200, 0] + Array("{'descr'".utf8), "truncated", "header length 200"),
  .init("v3 header not UTF-8", npyBytes([0x7B, 0xFF, 0x7D], major: 3), "not valid UTF-8"),
  .init("dict literal unterminated", header: "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)", "not a Python dict literal", "at character"),
  .init("dict literal with a name", header: "{'descr': np.float32, 'fortran_order': False, 'shape': (6,)}", "not a Python dict literal", "'np'"),
  .init("header a tuple, not a dict", header: "(2, 3)", "not a dict"),
  .init("missing shape", header: "{'descr': '<f4', 'fortran_order': False}", "no 'shape' key"),
  .init("missing descr", header: "{'fortran_order': False, 'shape': (6,)}", "no 'descr' key"),
  .init("unexpected key", header: "{'descr': '<f4', 'fortran_order': False, 'shape': (6,), 'align': 8}", "unexpected key 'align'"),
  .init("key twice", header: "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (6,)}", "'descr' twice"),
  .init("unknown descr", header: "{'descr': '<c8', 'fortran_order': False, 'shape': (3,)}", "descr '<c8' is not supported", "'<f4'"),
  .init("bool descr", header: "{'descr': '|b1', 'fortran_order': False, 'shape': (24,)}", "descr '|b1' is not supported"),
  .init("bfloat16 saved by ml_dtypes", header: "{'descr': '<V2', 'fortran_order': False, 'shape': (12,)}", "'<V2'", "bfloat16", "safetensors"),
  .init("float8 saved by ml_dtypes", header: "{'descr': '|V1', 'fortran_order': False, 'shape': (24,)}", "'|V1'", "float8", "safetensors"),
  .init("structured descr", header: "{'descr': [('x', '<f4')], 'fortran_order': False, 'shape': (6,)}", "structured dtype"),
  .init("no byte order", header: "{'descr': 'f4', 'fortran_order': False, 'shape': (6,)}", "does not begin with a byte order"),
  .init("'|' on a 4-byte type", header: "{'descr': '|f4', 'fortran_order': False, 'shape': (6,)}", "no byte order ('|') for a 4-byte type"),
  .init("fortran_order True, 2-D", header: "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3)}", "fortran_order is True", "C order required"),
  .init("fortran_order not a bool", header: "{'descr': '<f4', 'fortran_order': 0, 'shape': (6,)}", "fortran_order is 0"),
  .init("0-D", header: "{'descr': '<f8', 'fortran_order': False, 'shape': ()}", dataBytes: 8, "0-D array (a scalar)", "1-D or 2-D"),
  .init("3-D", header: "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 3)}", "shape (1, 2, 3) is a 3-D array"),
  .init("shape a list", header: "{'descr': '<f4', 'fortran_order': False, 'shape': [6]}", "shape is [6], not a tuple"),
  .init("negative dimension", header: "{'descr': '<f4', 'fortran_order': False, 'shape': (-6,)}", "-6 where a non-negative integer belongs"),
  .init("element count overflows", header: "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4)}", "more elements than Int"),
  .init("too few data bytes", header: "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}", dataBytes: 20, "truncated", "needs 24 data bytes", "holds 20"),
  .init("trailing bytes", header: "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}", dataBytes: 28, "4 trailing bytes"),
]

@Suite("TensorFiles: .npy validation")
struct NPYValidationTests {
  @Test("each malformed file is a one-line error naming the file and the problem", arguments: malformedNPY)
  func malformed(_ file: MalformedNPY) throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    let path = try scratch.file("bad.npy", file.bytes)
    expectFileError(path, fragments: file.fragments) { _ = try NPYFile(path: path) }
  }

  @Test("a valid file truncated at any of several points is an error")
  func truncation() throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    let full = scratch.path("full.npy")
    try writeNPY(full, dtype: .float64, shape: [3], values: [1, 2, 3], version: .v2)
    let bytes = try scratch.bytes(full)
    let cases: [(Int, String)] = [(0, "magic"), (4, "magic"), (7, "truncated"), (10, "truncated"), (20, "truncated"),
                                  (bytes.count - 24, "truncated"), (bytes.count - 1, "truncated")]
    for (length, fragment) in cases {
      let path = try scratch.file("cut-\(length).npy", Array(bytes.prefix(length)))
      expectFileError(path, fragment) { _ = try NPYFile(path: path) }
    }
    #expect(try NPYFile(path: full).tensor.values() == [1, 2, 3])
  }

  @Test("accepted: NumPy's headers without padding, double quotes, Python 2 longs, '=' and '|' orders, fortran_order True in 1-D")
  func acceptedEdges() throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    let data = [UInt8]([0, 0, 0x80, 0x3F, 0, 0, 0, 0xC0])  // 1.0, -2.0 as '<f4'
    let headers = [
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }",
      "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (2L,)}      \n",
      "{'shape': (1, 2), 'fortran_order': False, 'descr': '=f4'}",
      "{'descr': '<f4', 'fortran_order': True, 'shape': (2,)}",
    ]
    for (i, header) in headers.enumerated() {
      let path = try scratch.file("ok-\(i).npy", npyBytes(header, data: data))
      #expect(try NPYFile(path: path).tensor.values() == [1, -2], "\(header)")
    }
    let bytesPath = try scratch.file("u8.npy", npyBytes("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2)}", data: [0, 255, 7, 128]))
    #expect(try NPYFile(path: bytesPath).tensor.integers() == [0, 255, 7, 128])
    let bigPath = try scratch.file("big.npy", npyBytes("{'descr': '>i2', 'fortran_order': False, 'shape': (2,)}", data: [0xFF, 0x9C, 0x01, 0x00]))
    #expect(try NPYFile(path: bigPath).tensor.integers() == [-100, 256])
  }
}
