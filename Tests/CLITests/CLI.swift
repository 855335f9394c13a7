import ExactReference
import Foundation
import SoftmaxSpec
import Testing

/// Runs the built `softmax-lab` (in the folder of the test bundle) and captures its output.
struct CLI {
  static let binary: URL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    .appendingPathComponent("softmax-lab")

  let status: Int32
  let stdout: String
  let stderr: String

  init(_ arguments: [String]) throws {
    let process = Process()
    process.executableURL = CLI.binary
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    status = process.terminationStatus
    stdout = String(decoding: outData, as: UTF8.self)
    stderr = String(decoding: errData, as: UTF8.self)
  }

  /// Expects a usage or input error: exit code 2, nothing on stdout, one line on stderr that
  /// starts with "softmax-lab: error: " and contains `message`.
  func expectInputError(_ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(status == 2 && stdout.isEmpty, "exit \(status), stdout \(stdout)", sourceLocation: sourceLocation)
    #expect(stderr.hasPrefix("softmax-lab: error: ") && stderr.filter { $0 == "\n" }.count == 1, "\(stderr)",
            sourceLocation: sourceLocation)
    #expect(stderr.contains(message), "\(stderr)", sourceLocation: sourceLocation)
  }

  var json: [String: Any]? {
    (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any]
  }
}

/// The reference's correctly rounded values as the CLI prints them.
func referenceTexts(_ row: [Double], _ f: Format, _ op: Op, target: Int = 0) throws -> [String] {
  try Reference.evaluate(row, format: f, target: target, operations: [op]).results[op]!
    .map { f.shortestDecimal($0.rounded) }
}
