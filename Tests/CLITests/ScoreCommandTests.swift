import Foundation
import SoftmaxKernels
import SoftmaxSpec
import TensorFiles
import Testing

@Suite("softmax-lab score and cases export --bundle, end to end")
struct ScoreCommandTests {
  /// A fresh directory under the temporary folder.
  func directory(_ name: String) throws -> String {
    let path = temporaryPath(name)
    try? FileManager.default.removeItem(atPath: path)
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  /// The groups of a run-shaped JSON, keyed by family, without the fields that name the kernel.
  func measures(_ json: [String: Any]?) -> [String: [String: String]] {
    var out: [String: [String: String]] = [:]
    for g in (json?["groups"] as? [[String: Any]]) ?? [] {
      var fields: [String: String] = [:]
      for k in ["values", "correctlyRounded", "maxULP", "p99ULP", "meanULP", "overflow", "underflow", "nan", "undefined",
                "worstCase", "worstIndex"] {
        fields[k] = g[k].map { "\($0)" } ?? "null"
      }
      out[g["family"] as! String] = fields
    }
    return out
  }

  /// Export a bundle, compute the lab's own SIMD outputs for its rows (as another library would),
  /// write them as safetensors, score them: exactly the aggregates `run` gives that kernel.
  @Test("a bundle round-trips: the lab's own outputs scored give run's aggregates",
        arguments: [(Format.float32, Op.logSoftmax, Variant.fused, Policy.native),
                    (.bfloat16, .softmax, .accurate, .wide), (.float8E4M3, .crossEntropy, .shifted, .native)])
  func bundleRoundTrip(_ f: Format, _ op: Op, _ variant: Variant, _ policy: Policy) throws {
    let dir = try directory("bundle-\(f.rawValue)")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let families = "moderate,confident,masked,seed"
    let sizes = ["--rows", "5", "--n", "9"]
    let export = try CLI(["cases", "export", "--bundle", dir, "--family", families, "--format", f.rawValue] + sizes)
    #expect(export.status == 0 && export.stdout.contains("wrote"), "\(export.stderr)")
    let manifest = try #require(try JSONSerialization.jsonObject(
      with: Data(contentsOf: URL(fileURLWithPath: dir + "/manifest.json"))) as? [String: Any])
    let cases = try #require(manifest["cases"] as? [[String: Any]])
    let logits = Dictionary(try readTensors(dir + "/logits.safetensors").map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    var outputs: [TensorContents] = []
    for c in cases {
      let id = c["id"] as! String
      let row = try logits[id]!.values()
      let out = SIMDKernels.evaluate(op, variant, row: row, format: f, policy: policy, target: c["target"] as! Int)!
      outputs.append(TensorContents(name: id, dtype: TensorDType(f), shape: [out.count], values: out))
    }
    let outputsPath = dir + "/outputs.safetensors"
    try writeSafeTensors(outputsPath, tensors: outputs)
    let score = try CLI(["score", "--bundle", dir, "--outputs", outputsPath, "--op", op.rawValue, "--name", "lab", "--json", "-"])
    #expect(score.status == 0, "\(score.stderr)")
    let run = try CLI(["run", "--family", families, "--format", f.rawValue, "--op", op.rawValue, "--variant", variant.rawValue,
                       "--policy", policy.rawValue, "--json", "-"] + sizes)
    #expect(!measures(run.json).isEmpty && measures(score.json) == measures(run.json))
    #expect((score.json?["groups"] as? [[String: Any]])?.allSatisfy { $0["name"] as? String == "lab" } == true)
  }

  /// Ad-hoc .npy tensors: rows x n logits, outputs of the same shape (one per row for lse and
  /// cross-entropy), targets as integers; the gates exit 1 with one line per violation.
  @Test("ad-hoc .npy tensors, targets and the CI gates")
  func adHoc() throws {
    let dir = try directory("score-adhoc")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    // softmax of [0, 0] and [1, 1] is 1/2 exactly; one output is off by one ulp of float32.
    try writeNPY(dir + "/L.npy", dtype: .float32, shape: [2, 2], values: [0, 0, 1, 1])
    try writeNPY(dir + "/Y.npy", dtype: .float32, shape: [2, 2], values: [0.5, 0.5, 0.5, Double(Float(0.5).nextUp)])
    try writeNPY(dir + "/T.npy", dtype: .int64, shape: [2], integers: [0, 1])
    try writeNPY(dir + "/CE.npy", dtype: .float32, shape: [2], values: [Double(Float(log(2.0))), .nan])
    let ok = try CLI(["score", "--logits", dir + "/L.npy", "--outputs", dir + "/Y.npy", "--op", "softmax", "--json", "-"])
    let g = try #require((ok.json?["groups"] as? [[String: Any]])?.first)
    #expect(ok.status == 0 && g["values"] as? Int == 4 && g["correctlyRounded"] as? Int == 3 && g["maxULP"] as? String == "1.0")
    let gated = try CLI(["score", "--logits", dir + "/L.npy", "--outputs", dir + "/Y.npy", "--op", "softmax", "--max-ulp", "0.5"])
    #expect(gated.status == 1 && gated.stderr.contains("max ULP error 1 > 0.5"))
    let ce = try CLI(["score", "--logits", dir + "/L.npy", "--outputs", dir + "/CE.npy", "--targets", dir + "/T.npy",
                      "--op", "cross-entropy", "--fail-on", "nan,overflow", "--name", "mylib"])
    #expect(ce.status == 1)
    // One line per violation, in the order the flags were given (a NaN for a number is also an overflow).
    #expect(ce.stderr.split(separator: "\n") == ["softmax-lab score: mylib cross-entropy float32 rows: 1 NaN value",
                                                  "softmax-lab score: mylib cross-entropy float32 rows: 1 overflow value"])
  }

  static let badInputs: [([String], String)] = [
    (["score", "--op", "softmax", "--outputs", "/dev/null"], "give either --bundle DIR or --logits FILE"),
    (["score", "--op", "softmax", "--logits", "/nonexistent.npy", "--outputs", "/dev/null"], "/nonexistent.npy"),
    (["score", "--op", "softmax", "--bundle", "/tmp", "--outputs", "/dev/null"], "is /tmp a bundle"),
    (["score", "--op", "softmax", "--logits", "x", "--outputs", "y", "--fail-on", "slow"], "--fail-on 'slow'"),
    (["cases", "export", "--bundle", "/tmp/b", "--csv"], "--bundle writes its own files"),
  ]

  @Test("bad input: one line on stderr, nothing on stdout, exit code 2", arguments: badInputs)
  func badInput(_ arguments: [String], _ message: String) throws {
    try CLI(arguments).expectInputError(message)
  }

  @Test("outputs of the wrong shape, and targets out of range, are one-line errors")
  func mismatches() throws {
    let dir = try directory("score-bad")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try writeNPY(dir + "/L.npy", dtype: .float32, shape: [2, 3], values: [0, 1, 2, 3, 4, 5])
    try writeNPY(dir + "/Y.npy", dtype: .float32, shape: [3, 2], values: [0, 0, 0, 0, 0, 0])
    try writeNPY(dir + "/T.npy", dtype: .int32, shape: [2], integers: [0, 3])
    try writeNPY(dir + "/G.npy", dtype: .float32, shape: [2, 3], values: [0, 0, 0, 0, 0, 0])
    try CLI(["score", "--logits", dir + "/L.npy", "--outputs", dir + "/Y.npy", "--op", "softmax"])
      .expectInputError("needs [2, 3]")
    try CLI(["score", "--logits", dir + "/L.npy", "--outputs", dir + "/G.npy", "--op", "ce-gradient", "--targets", dir + "/T.npy"])
      .expectInputError("target 3 of row 1 is out of range 0..<3")
  }
}
