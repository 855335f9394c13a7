import Foundation
import Testing
import TensorFiles

/// The 1 GiB file test runs only with LONG_TESTS=1 in the environment (it writes 1 GiB to the
/// temporary folder).
let longTests = ProcessInfo.processInfo.environment["LONG_TESTS"] != nil

/// The process's peak resident memory so far, in bytes (VmHWM of /proc/self/status), or nil where
/// there is no /proc (the memory check is then skipped).
func peakResidentBytes() -> Int? {
  guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
    let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
    let kilobytes = Int(line.dropFirst("VmHWM:".count).filter(\.isNumber))
  else { return nil }
  return kilobytes * 1024
}

@Suite("TensorFiles: a 1 GiB file")
struct LargeFileTests {
  @Test("a 1 GiB float32 safetensors file read row by row holds at most 2x its size (LONG_TESTS=1)", .enabled(if: longTests))
  func oneGiBRowByRow() throws {
    let scratch = try Scratch()
    defer { scratch.remove() }
    let rows = 262_144, columns = 1024
    let path = scratch.path("big.safetensors")
    // Written by hand, 1 MiB at a time: our writer takes the values as [Double], 2 GiB here.
    // Element (r, c) is (r mod 4096) + c/1024, exact in float32.
    let header = Array("{\"x\":{\"dtype\":\"F32\",\"shape\":[\(rows),\(columns)],\"data_offsets\":[0,\(rows * columns * 4)]}}".utf8)
    _ = FileManager.default.createFile(atPath: path, contents: Data(littleEndian(UInt64(header.count), width: 8) + header))
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try handle.seekToEnd()
    for chunk in 0..<(rows / 256) {
      var floats = [Float](repeating: 0, count: 256 * columns)
      for i in floats.indices { floats[i] = Float((chunk * 256 + i / columns) % 4096) + Float(i % columns) / 1024 }
      try handle.write(contentsOf: floats.withUnsafeBytes { Data($0) })  // little-endian on every platform Swift runs on here
    }
    try handle.close()

    let before = peakResidentBytes()
    let tensor = try SafeTensorsFile(path: path).tensor(named: "x")
    var wrongRows = 0
    for r in 0..<rows {
      let row = try tensor.row(r)
      if row.count != columns || row[0] != Double(r % 4096) || row[columns - 1] != Double(r % 4096) + 1023 / 1024 { wrongRows += 1 }
    }
    #expect(wrongRows == 0)
    if let before, let after = peakResidentBytes() {
      let grown = after - before
      #expect(grown <= 2 * rows * columns * 4, "peak resident memory grew by \(grown) bytes reading a \(rows * columns * 4)-byte file")
      print("TensorFiles 1 GiB row-by-row read: peak resident memory grew by \(grown / (1 << 20)) MiB")
    }
  }
}
