import ExactReference
import Foundation
import SoftmaxSpec
import Testing

@Suite("softmax-lab loss, end to end")
struct LossCommandTests {
  static let seedArgs = ["loss", "--targets", "0,1,2", "--row", "1.1316,-0.7943,0.1328", "--row", "0.2654,0.1978,-0.0265",
                         "--row", "-2.8054,0.2867,-0.1517"]

  @Test("the seed example: the correctly rounded mean and every variant's loss, table and JSON")
  func seedExample() throws {
    let rows = [[1.1316, -0.7943, 0.1328], [0.2654, 0.1978, -0.0265], [-2.8054, 0.2867, -0.1517]]
      .map { $0.map { Format.float32.round($0) } }
    let exact = try BatchReference.evaluate(rows, targets: [0, 1, 2], format: .float32)
    let text = Format.float32.shortestDecimal(exact.loss[0]!.rounded)
    let run = try CLI(LossCommandTests.seedArgs + ["--gradient"])
    #expect(run.status == 0 && run.stderr.isEmpty)
    #expect(run.stdout.contains("reference (correctly rounded): \(text)\n"))
    for v in Variant.batchVariants { #expect(run.stdout.contains(v.rawValue)) }
    let json = try #require(try CLI(LossCommandTests.seedArgs + ["--json"]).json)
    let reference = json["reference"] as? [String: Any]
    #expect(reference?["loss"] as? [String] == [text])
    #expect((json["results"] as? [Any])?.count == Variant.batchVariants.count * 2)
  }

  @Test("rows from a file (target first), weights, smoothing, ignore index and reduction none")
  func file() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("batch-\(UUID().uuidString).txt").path
    try "0 1 2 3\n# a comment\n2 0 0 0   # equal logits\n-100 nan 1 1\n".write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let run = try CLI(["loss", "--file", path, "--format", "float64", "--weights", "1,2,0.5", "--label-smoothing", "0.1",
                       "--reduction", "none", "--json"])
    #expect(run.status == 0)
    let loss = (run.json?["reference"] as? [String: Any])?["loss"] as? [String]
    #expect(loss?.count == 3 && loss?[2] == "0")  // the ignored row (NaN logit and all) contributes 0
  }

  @Test("a negative ignore index is read as a value: the ignored row drops out of the mean")
  func negativeIgnoreIndex() throws {
    let ignored = try CLI(["loss", "--ignore-index", "-1", "--targets", "-1,0", "--row", "1,2", "--row", "3,1", "--json"])
    let alone = try CLI(["loss", "--targets", "0", "--row", "3,1", "--json"])
    #expect(ignored.status == 0)
    let a = (ignored.json?["reference"] as? [String: Any])?["loss"] as? [String]
    #expect(a != nil && a == (alone.json?["reference"] as? [String: Any])?["loss"] as? [String])
  }

  static let badInputs: [([String], String)] = [
    (["loss", "--targets", "0,3", "--row", "1,2,3", "--row", "1,2,3"], "target 3 of row 1 is out of range for 3 classes"),
    (["loss", "--targets", "0,0", "--row", "1,2", "--row", "1,2,3"], "row 1 has 3 logits, row 0 has 2"),
    (["loss", "--targets", "0", "--row", "1,2", "--weights", "1,-1"], "class weight 1 is -1.0"),
    (["loss", "--targets", "0", "--row", "1,2", "--weights", "1"], "1 class weights for 2 classes"),
    (["loss", "--targets", "0", "--row", "1,x"], "'x' in --row is not a number"),
    (["loss", "--row", "1,2"], "--row needs --targets"),
    (["loss", "--targets", "0", "--row", "1,2", "--variant", "chained"], "variant 'chained' has no batch loss"),
    (["loss", "--targets", "0", "--row", "1,2", "--label-smoothing", "1.5"], "label smoothing 1.5 is outside [0, 1]"),
    (["loss", "--targets", "0", "--row", "1,2", "--reduction", "avg"], "avg"),
  ]

  @Test("bad input: one line on stderr, nothing on stdout, exit code 2", arguments: badInputs)
  func badInput(_ args: [String], _ message: String) throws {
    try CLI(args).expectInputError(message)
  }
}
