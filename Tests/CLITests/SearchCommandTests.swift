import Foundation
import Testing

@Suite("softmax-lab search, end to end")
struct SearchCommandTests {
  static let args = ["search", "--op", "lse", "--variant", "naive", "--format", "float16", "--policy", "native",
                     "--n", "6", "--budget", "60", "--restart-rows", "20", "--seed", "3"]

  @Test("a table of the worst rows, JSON with --json, the same whatever --threads; progress on stderr")
  func tableAndJSON() throws {
    let table = try CLI(SearchCommandTests.args)
    #expect(table.status == 0 && table.stdout.contains("60 rows in 3 restarts") && table.stdout.contains("first failure"))
    #expect(table.stderr.contains("search: 3/3 restarts"))
    let one = try CLI(SearchCommandTests.args + ["--json", "--threads", "1"])
    let two = try CLI(SearchCommandTests.args + ["--json", "--threads", "2"])
    #expect(one.stdout == two.stdout)
    let json = try #require(one.json)
    #expect(json["evaluated"] as? Int == 60 && (json["worst"] as? [Any])?.count == 3)
    #expect((json["command"] as? String)?.contains("--seed 3") == true)
  }

  @Test("bad options are one-line errors")
  func badOptions() throws {
    try CLI(["search", "--op", "lse", "--variant", "chained", "--format", "float16", "--policy", "native"])
      .expectInputError("does not apply")
    try CLI(Array(SearchCommandTests.args.prefix(9)) + ["--shard", "3/3"]).expectInputError("--shard must be i/N")
    try CLI(["search", "--op", "lse", "--variant", "naive", "--format", "float32", "--policy", "native", "--exhaustive"])
      .expectInputError("--exhaustive takes")
    try CLI(Array(SearchCommandTests.args.prefix(9)) + ["--budget", "0"]).expectInputError("--budget must be at least 1")
  }

  /// Runs the CLI in `directory`.
  func run(_ arguments: [String], in directory: URL) throws -> (Int32, String) {
    let process = Process()
    process.executableURL = CLI.binary
    process.arguments = arguments
    process.currentDirectoryURL = directory
    let err = Pipe()
    process.standardOutput = FileHandle.nullDevice
    process.standardError = err
    try process.run()
    let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, text)
  }

  @Test("--keep adds the rows to data/worst/ and regenerates WorstData.swift; a broken file there is a one-line error")
  func keep() throws {
    let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("keep-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    let fm = FileManager.default
    try fm.createDirectory(at: root.appendingPathComponent("Sources/Cases"), withIntermediateDirectories: true)
    try fm.createDirectory(at: root.appendingPathComponent("data/worst"), withIntermediateDirectories: true)
    try "".write(to: root.appendingPathComponent("Sources/Cases/WorstData.swift"), atomically: true, encoding: .utf8)
    let (status, _) = try run(SearchCommandTests.args + ["--keep"], in: root.appendingPathComponent("data"))
    #expect(status == 0)
    let kept = try String(contentsOf: root.appendingPathComponent("data/worst/float16.json"), encoding: .utf8)
    #expect(kept.contains("\"kind\": \"max-ulp\"") && kept.contains("\"kind\": \"failure\"") && kept.contains("--seed 3"))
    let swift = try String(contentsOf: root.appendingPathComponent("Sources/Cases/WorstData.swift"), encoding: .utf8)
    #expect(swift.contains("(\"float16.json\", #\"\"\"\n" + kept + "\n\"\"\"#)"))
    try "{\"format\": 1}".write(to: root.appendingPathComponent("data/worst/float16.json"), atomically: true, encoding: .utf8)
    let (bad, stderr) = try run(SearchCommandTests.args + ["--keep"], in: root)
    // The progress lines, then the one line of the error.
    let errors = stderr.split(separator: "\n").filter { !$0.hasPrefix("search: ") }
    #expect(bad == 2 && errors.count == 1 && errors[0].hasPrefix("softmax-lab: error: data/worst/float16.json: missing"))
  }
}
