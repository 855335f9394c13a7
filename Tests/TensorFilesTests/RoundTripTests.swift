import Foundation
import SoftmaxSpec
import Testing
import TensorFiles

/// The value dtypes, and the ones NumPy has a descr for.
let valueDTypes = TensorDType.allCases.filter { !$0.isInteger }
let integerDTypes = TensorDType.allCases.filter(\.isInteger)
let npyValueDTypes = valueDTypes.filter { $0.npyTypeCode != nil }

/// Bit patterns to try for a dtype: every one for the 8- and 16-bit dtypes; for float32 and
/// float64 the edges (zeros, subnormals, normals, infinities, quiet and signaling NaNs with
/// payloads) and 2000 seeded random patterns.
func bitPatterns(_ dtype: TensorDType) -> [UInt64] {
  switch dtype.byteWidth {
  case 1, 2: return (0..<(UInt64(1) << UInt64(8 * dtype.byteWidth))).map { $0 }
  default:
    let f = UInt64(dtype.format!.precision - 1), w = UInt64(8 * dtype.byteWidth)
    let sign = UInt64(1) << (w - 1), exponent = ((UInt64(1) << (w - 1 - f)) - 1) << f, top = UInt64(1) << (f - 1)
    var edges: [UInt64] = [0, 1, (1 << f) - 1, 1 << f, exponent - 1, exponent, exponent | top, exponent | 1,
                           exponent | (top - 1), exponent | (top + 5), exponent | ((1 << f) - 1)]
    edges += edges.map { $0 | sign }
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    for _ in 0..<2000 {  // SplitMix64
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      z ^= z >> 31
      edges.append(w == 64 ? z : z & ((1 << w) - 1))
    }
    return edges
  }
}

/// The Double each element should decode to, computed without TensorFiles: NaNs by the documented
/// rule, bfloat16 as the top half of a float32, float8-e5m2 as the top byte of a float16.
func expectedValue(_ bits: UInt64, _ dtype: TensorDType) -> Double {
  let format = dtype.format!
  let f = format.precision - 1, w = 8 * dtype.byteWidth
  if dtype != .float64 {
    let field = (bits >> UInt64(f)) & ((1 << UInt64(w - 1 - f)) - 1), fraction = bits & ((1 << UInt64(f)) - 1)
    let allOnes = (UInt64(1) << UInt64(w - 1 - f)) - 1
    let isNaN = format.overflowsToNaN ? field == allOnes && fraction == (1 << UInt64(f)) - 1 : field == allOnes && fraction != 0
    if isNaN { return Double(bitPattern: expectedNaN(sign: bits >> UInt64(w - 1), fraction: fraction, fractionBits: f)) }
  }
  switch dtype {
  case .float64: return Double(bitPattern: bits)
  case .float32: return Double(Float(bitPattern: UInt32(bits)))
  case .float16: return Double(Float16(bitPattern: UInt16(bits)))
  case .bfloat16: return Double(Float(bitPattern: UInt32(bits) << 16))
  case .float8E5M2: return Double(Float16(bitPattern: UInt16(bits) << 8))
  case .float8E4M3: return Float8E4M3(bitPattern: UInt8(bits)).double
  default: fatalError("not a value dtype")
  }
}

@Suite("TensorFiles: round trips, bit for bit")
struct RoundTripTests {
  @Test("bytes -> safetensors reader -> writer -> the same bytes; each value exact (every pattern of the 8- and 16-bit dtypes)",
        arguments: valueDTypes)
  func safetensorsBitPatterns(dtype: TensorDType) throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    let patterns = bitPatterns(dtype)
    let data = patterns.flatMap { littleEndian($0, width: dtype.byteWidth) }
    let header = "{\"t\":{\"dtype\":\"\(dtype.rawValue)\",\"shape\":[\(patterns.count)],\"data_offsets\":[0,\(data.count)]}}"
    let input = try scratch.file("in.safetensors", safetensorsBytes(header, data: data))

    let values = try SafeTensorsFile(path: input).tensor(named: "t").values()
    #expect(values.count == patterns.count)
    var wrong = 0
    for (bits, v) in zip(patterns, values) where v.bitPattern != expectedValue(bits, dtype).bitPattern { wrong += 1 }
    #expect(wrong == 0, "\(wrong) of \(patterns.count) \(dtype.rawValue) patterns decode to another Double")

    let output = scratch.path("out.safetensors")
    try writeSafeTensors(output, tensors: [TensorContents(name: "t", dtype: dtype, shape: [patterns.count], values: values)])
    #expect(Array(try scratch.bytes(output).suffix(data.count)) == data)
    let again = try SafeTensorsFile(path: output).tensor(named: "t").values()
    #expect(again.map(\.bitPattern) == values.map(\.bitPattern))
  }

  @Test(".npy: both byte orders round trip every pattern; big-endian elements are the little-endian ones reversed",
        arguments: npyValueDTypes)
  func npyBitPatterns(dtype: TensorDType) throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    let values = bitPatterns(dtype).map { expectedValue($0, dtype) }
    let little = scratch.path("little.npy"), big = scratch.path("big.npy")
    try writeNPY(little, dtype: dtype, shape: [values.count], values: values)
    try writeNPY(big, dtype: dtype, shape: [values.count], values: values, byteOrder: .big)

    let readLittle = try NPYFile(path: little), readBig = try NPYFile(path: big)
    #expect(readLittle.byteOrder == .little && readBig.byteOrder == .big)
    #expect(try readLittle.tensor.values().map(\.bitPattern) == values.map(\.bitPattern))
    #expect(try readBig.tensor.values().map(\.bitPattern) == values.map(\.bitPattern))

    let w = dtype.byteWidth, n = values.count * w
    let littleData = Array(try scratch.bytes(little).suffix(n)), bigData = Array(try scratch.bytes(big).suffix(n))
    let swapped = stride(from: 0, to: n, by: w).flatMap { littleData[$0..<$0 + w].reversed() }
    #expect(bigData == swapped)
    #expect(String(decoding: try scratch.bytes(big).prefix(40), as: UTF8.self).contains("'>\(dtype.npyTypeCode!)'"))
  }

  @Test("values written from Doubles: zeros, subnormals, extremes, infinities, NaNs keep sign; Double.nan is the quiet NaN",
        arguments: valueDTypes)
  func specialValues(dtype: TensorDType) throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    let format = dtype.format!
    var values: [Double] = [0, -0.0, 1, -1, 0.5, format.greatestFiniteMagnitude, -format.greatestFiniteMagnitude,
                            format.leastNonzeroMagnitude, -format.leastNonzeroMagnitude, format.leastNormalMagnitude,
                            format.nextDown(format.leastNormalMagnitude), .nan, -.nan]
    if !format.overflowsToNaN { values += [.infinity, -.infinity] }
    let path = scratch.path("special.safetensors")
    try writeSafeTensors(path, tensors: [TensorContents(name: "v", dtype: dtype, shape: [values.count], values: values)],
                         metadata: ["kind": "special values"])
    let file = try SafeTensorsFile(path: path)
    #expect(file.metadata == ["kind": "special values"])
    let read = try file.tensor(named: "v").values()
    for (a, b) in zip(values, read) {
      if a.isNaN {
        #expect(b.isNaN && b.sign == a.sign)
      } else {
        #expect(a.bitPattern == b.bitPattern, "\(a) came back as \(b)")
      }
    }
    // Double.nan (the 12th value) is stored as the dtype's quiet NaN.
    let quiet: [TensorDType: UInt64] = [.float64: Double.nan.bitPattern, .float32: 0x7FC0_0000, .float16: 0x7E00,
                                        .bfloat16: 0x7FC0, .float8E5M2: 0x7E, .float8E4M3: 0x7F]
    let bytes = try scratch.bytes(path), w = dtype.byteWidth
    let dataStart = bytes.count - values.count * w
    let stored = bytes[(dataStart + 11 * w)..<(dataStart + 12 * w)].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    #expect(stored == quiet[dtype])
    // The data region starts 8-byte aligned, as the reference writer pads it.
    #expect(dataStart % 8 == 0)
  }

  @Test("integer targets: extremes round trip through safetensors and both .npy byte orders", arguments: integerDTypes)
  func integers(dtype: TensorDType) throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    let range = dtype.integerRange!
    let values = [range.lowerBound, range.upperBound, 0, 1, 7, range.lowerBound < 0 ? -1 : 2, range.lowerBound < 0 ? -100 : 100]
    let st = scratch.path("t.safetensors")
    try writeSafeTensors(st, tensors: [TensorContents(name: "targets", dtype: dtype, shape: [values.count], integers: values)])
    #expect(try SafeTensorsFile(path: st).tensor(named: "targets").integers() == values)
    for order in [ByteOrder.little, .big] {
      let npy = scratch.path("t-\(order).npy")
      try writeNPY(npy, dtype: dtype, shape: [values.count], integers: values, byteOrder: order)
      let file = try NPYFile(path: npy)
      #expect(file.tensor.dtype == dtype)
      #expect(try file.tensor.integers() == values)
      // 1 (the fourth value) in raw bytes: its low byte first in little-endian, last in big-endian.
      let w = dtype.byteWidth
      let one = Array(try scratch.bytes(npy).suffix(values.count * w)[...].dropFirst(3 * w).prefix(w))
      #expect(one == (order == .little || w == 1 ? [1] + Array(repeating: 0, count: w - 1) : Array(repeating: 0, count: w - 1) + [1]))
    }
  }

  @Test(".npy versions 1.0, 2.0, 3.0: the version bytes, the 2- or 4-byte header length, data 64-byte aligned",
        arguments: NPYVersion.allCases)
  func npyVersions(version: NPYVersion) throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    let path = scratch.path("logits.npy")
    let values: [Double] = [0.5, -2, 3.25, 1024, -0.0, 0.125]
    try writeNPY(path, dtype: .float32, shape: [2, 3], values: values, version: version)
    let bytes = try scratch.bytes(path)
    #expect(bytes[6] == UInt8(version.rawValue) && bytes[7] == 0)
    let width = version == .v1 ? 2 : 4
    let headerLength = bytes[8..<8 + width].reversed().reduce(0) { $0 << 8 | Int($1) }
    #expect((8 + width + headerLength) % 64 == 0)
    #expect(8 + width + headerLength + 24 == bytes.count)
    #expect(bytes[8 + width + headerLength - 1] == 0x0A)
    let file = try NPYFile(path: path)
    #expect(file.version == version)
    #expect(file.tensor.name == "logits" && file.tensor.shape == [2, 3] && file.tensor.dtype == .float32)
    #expect(try file.tensor.row(1) == [1024, -0.0, 0.125])
    #expect(try file.tensor.row(1)[1].sign == .minus)
    #expect(try readTensors(path).first?.values() == values)
  }
}
