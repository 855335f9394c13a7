import Foundation
import Testing
import TensorFiles

/// A malformed safetensors file and what its error must say.
struct MalformedSafeTensors: CustomTestStringConvertible, Sendable {
  let label: String
  let bytes: [UInt8]
  let fragments: [String]
  var testDescription: String { label }

  init(_ label: String, _ bytes: [UInt8], _ fragments: String...) {
    self.label = label
    self.bytes = bytes
    self.fragments = fragments
  }

  /// A one-tensor header: `{"a": {...}}` with `info` as the tensor's object.
  init(_ label: String, info: String, data: [UInt8] = [UInt8](repeating: 0, count: 24), _ fragments: String...) {
    self.label = label
    self.bytes = safetensorsBytes("{\"a\":\(info)}", data: data)
    self.fragments = fragments
  }
}

let f32x6 = "{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}"

let malformedSafeTensors: [MalformedSafeTensors] = [
  .init("shorter than the length field", [1, 2, 3], "truncated", "3 bytes"),
  .init("header length over 100 MB", safetensorsBytes("{}", declaredLength: 1 << 40), "header length 1099511627776", "limit"),
  .init("header length past the end", safetensorsBytes("{}", declaredLength: 500), "header length 500", "runs past the end"),
  .init("header not UTF-8", Array(safetensorsBytes("{}").dropLast(2)) + [0x7B, 0xFF], "not valid UTF-8"),
  .init("empty header", safetensorsBytes(""), "not a JSON object", "empty header"),
  .init("JSON array, not an object", safetensorsBytes("[1, 2]"), "not a JSON object", "begins with '['"),
  .init("bad JSON: unterminated", safetensorsBytes("{\"a\": {\"dtype\": \"F32\""), "not valid JSON", "at byte"),
  .init("bad JSON: trailing comma", safetensorsBytes("{\"a\": 1,}"), "not valid JSON"),
  .init("bad JSON: garbage after the object", safetensorsBytes("{} x"), "not valid JSON", "after the JSON value"),
  .init("bad JSON: deep nesting", safetensorsBytes("{\"a\":" + String(repeating: "[", count: 100)), "not valid JSON", "nesting"),
  .init("unknown dtype", info: "{\"dtype\":\"C64\",\"shape\":[3],\"data_offsets\":[0,24]}", "\"C64\"", "not supported"),
  .init("dtype not a string", info: "{\"dtype\":4,\"shape\":[6],\"data_offsets\":[0,24]}", "dtype is an integer"),
  .init("shape x dtype size != end - begin", info: "{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}", data: [UInt8](repeating: 0, count: 20),
        "needs 24 bytes", "[0, 20] hold 20"),
  .init("negative dimension", info: "{\"dtype\":\"F32\",\"shape\":[-2,3],\"data_offsets\":[0,24]}", "shape has -2 where a non-negative integer belongs"),
  .init("fractional dimension", info: "{\"dtype\":\"F32\",\"shape\":[2.0,3],\"data_offsets\":[0,24]}", "shape has 2.0 where"),
  .init("element count overflows", info: "{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,24]}", "more elements than Int"),
  .init("byte count overflows", info: "{\"dtype\":\"F64\",\"shape\":[4611686018427387904],\"data_offsets\":[0,24]}", "more bytes than Int"),
  .init("offsets beyond 2^64", info: "{\"dtype\":\"F32\",\"shape\":[6],\"data_offsets\":[0,100000000000000000000]}", "data_offsets must be"),
  .init("offsets reversed", info: "{\"dtype\":\"F32\",\"shape\":[6],\"data_offsets\":[24,0]}", "data_offsets must be", "begin <= end"),
  .init("three offsets", info: "{\"dtype\":\"F32\",\"shape\":[6],\"data_offsets\":[0,12,24]}", "data_offsets must be"),
  .init("offsets past the data", info: f32x6, data: [UInt8](repeating: 0, count: 16), "[0, 24] run past the end of the data region (16 bytes)", "truncated"),
  .init("missing shape", info: "{\"dtype\":\"F32\",\"data_offsets\":[0,24]}", "tensor \"a\" has no \"shape\""),
  .init("missing data_offsets", info: "{\"dtype\":\"F32\",\"shape\":[6]}", "has no \"data_offsets\""),
  .init("unknown key", info: "{\"dtype\":\"F32\",\"shape\":[6],\"data_offsets\":[0,24],\"offsets\":[0,24]}", "unknown key \"offsets\""),
  .init("tensor entry not an object", info: "[0, 24]", "tensor \"a\" is an array"),
  .init("duplicate tensor name", safetensorsBytes("{\"a\":\(f32x6),\"a\":\(f32x6)}", data: [UInt8](repeating: 0, count: 24)), "tensor \"a\" appears twice"),
  .init("metadata value not a string", safetensorsBytes("{\"__metadata__\":{\"epoch\":3},\"a\":\(f32x6)}", data: [UInt8](repeating: 0, count: 24)),
        "\"epoch\" is an integer, not a string"),
  .init("metadata not an object", safetensorsBytes("{\"__metadata__\":\"x\",\"a\":\(f32x6)}", data: [UInt8](repeating: 0, count: 24)),
        "\"__metadata__\" is a string"),
  .init("overlapping offsets",
        safetensorsBytes("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}",
                         data: [UInt8](repeating: 0, count: 24)),
        "tensors \"a\" [0, 16] and \"b\" [8, 24] overlap"),
  .init("the same range twice",
        safetensorsBytes("{\"a\":{\"dtype\":\"F32\",\"shape\":[6],\"data_offsets\":[0,24]},\"b\":{\"dtype\":\"I32\",\"shape\":[6],\"data_offsets\":[0,24]}}",
                         data: [UInt8](repeating: 0, count: 24)),
        "overlap"),
  .init("a hole between tensors",
        safetensorsBytes("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[16,24]}}",
                         data: [UInt8](repeating: 0, count: 24)),
        "bytes [8, 16) of the data region belong to no tensor"),
  .init("data not starting at 0", info: "{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}", "bytes [0, 8)", "no tensor"),
  .init("bytes after the last tensor", info: f32x6, data: [UInt8](repeating: 0, count: 32), "8 bytes after the last tensor's data belong to no tensor"),
]

@Suite("TensorFiles: safetensors validation")
struct SafeTensorsValidationTests {
  @Test("each malformed file is a one-line error naming the file and the problem", arguments: malformedSafeTensors)
  func malformed(_ file: MalformedSafeTensors) throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    let path = try scratch.file("bad.safetensors", file.bytes)
    expectFileError(path, fragments: file.fragments) { _ = try SafeTensorsFile(path: path) }
  }

  @Test("a valid file truncated at any of several points is an error that says truncated")
  func truncation() throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    let full = scratch.path("full.safetensors")
    try writeSafeTensors(full, tensors: [
      TensorContents(name: "logits", dtype: .float32, shape: [2, 3], values: [0.5, -2, 3.25, 1024, -0.0, 0.125]),
      TensorContents(name: "targets", dtype: .int64, shape: [2], integers: [2, 0]),
    ])
    let bytes = try scratch.bytes(full)
    let headerEnd = 8 + Int(bytes[0])
    for length in [0, 5, 8, 9, headerEnd / 2, headerEnd - 1, headerEnd, headerEnd + 4, bytes.count - 1] {
      let path = try scratch.file("cut-\(length).safetensors", Array(bytes.prefix(length)))
      expectFileError(path, "truncated") { _ = try SafeTensorsFile(path: path) }
    }
    #expect(try SafeTensorsFile(path: full).tensors.map(\.name) == ["logits", "targets"])
  }

  @Test("accepted: padding spaces after the header, tensors listed out of data order, empty and 0-D tensors, null metadata, escapes in names")
  func acceptedEdges() throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    let header = "{\"__metadata__\":null,\"b\\u00e9\\n\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[8,16]},"
      + "\"empty\":{\"dtype\":\"F16\",\"shape\":[0,4],\"data_offsets\":[8,8]},"
      + "\"a\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}    "
    let data = littleEndian(0.25.bitPattern, width: 8) + littleEndian(UInt64(bitPattern: -7), width: 8)
    let path = try scratch.file("edges.safetensors", safetensorsBytes(header, data: data))
    let file = try SafeTensorsFile(path: path)
    #expect(file.tensors.map(\.name) == ["b\u{e9}\n", "empty", "a"])
    #expect(file.metadata.isEmpty)
    #expect(try file.tensor(named: "a").values() == [0.25])
    #expect(try file.tensor(named: "b\u{e9}\n").integers() == [-7])
    #expect(try file.tensor(named: "b\u{e9}\n").count == 1)
    #expect(try file.tensor(named: "empty").values().isEmpty)
    #expect(try file.tensor(named: "empty").rowCount == 0)
    // A name with a line break is still printed on one line.
    expectFileError(path, "\"b\u{e9}\\n\"", "integers") { _ = try file.tensor(named: "b\u{e9}\n").values() }
  }
}
