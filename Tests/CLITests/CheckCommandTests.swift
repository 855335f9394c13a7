import Foundation
import Testing

@Suite("softmax-lab check, end to end")
struct CheckCommandTests {
  static let baseline = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("reports/baseline.json").path

  @Test("check passes on the committed baseline (a subset), exit 0")
  func passes() throws {
    let run = try CLI(["check", "--baseline", CheckCommandTests.baseline, "--family", "seed", "--format", "float32"])
    #expect(run.status == 0, "\(run.stdout) \(run.stderr)")
    #expect(run.stdout.contains("nothing got worse"))
  }

  @Test("check fails with a readable list when a baseline promises more than the kernels give")
  func fails() throws {
    // A baseline edited to claim max ULP 0 and no overflow everywhere: every group with an error is worse.
    var text = try String(contentsOfFile: CheckCommandTests.baseline, encoding: .utf8)
    text = text.replacingOccurrences(of: #""maxULP": "[0-9.e+-]+""#, with: "\"maxULP\": \"0.0\"", options: .regularExpression)
    let path = temporaryPath("baseline.json")
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let run = try CLI(["check", "--baseline", path, "--family", "seed", "--format", "float32", "--op", "lse"])
    #expect(run.status == 1)
    #expect(run.stdout.contains("regression") && run.stdout.contains("max ULP error"))
  }

  @Test("a malformed baseline is a one-line error")
  func malformed() throws {
    let path = temporaryPath("bad.json")
    try "{\"seed\": 1}".write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let run = try CLI(["check", "--baseline", path])
    #expect(run.status == 2 && run.stdout.isEmpty && run.stderr.contains("not a softmax-lab baseline"))
  }

  @Test("a run with --output-format writes it into its JSON, and check reruns that baseline the same way")
  func mixedFormatBaseline() throws {
    let path = temporaryPath("mixed.json")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let run = try CLI(["run", "--format", "float32", "--output-format", "float8-e4m3", "--output-scale", "256",
                       "--family", "moderate", "--rows", "4", "--n", "16", "--op", "softmax", "--variant", "fused,accurate",
                       "--json", path])
    #expect(run.status == 0 && run.stdout.contains("results in float8-e4m3 x 2^8"))
    let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    #expect(json["outputFormat"] as? String == "float8-e4m3" && json["outputScaleExponent"] as? Int == 8)
    let check = try CLI(["check", "--baseline", path])
    #expect(check.status == 0 && check.stdout.contains("nothing got worse"), "\(check.stdout) \(check.stderr)")
  }

}
