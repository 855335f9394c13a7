import Foundation
import SoftmaxKernels
import SoftmaxSpec
import TensorFiles
import Testing

@Suite("check on a score JSON and report --only peers, end to end")
struct PeersCommandTests {
  @Test("score --json twice, check --baseline --current: the same outputs pass (exit 0), worse ones fail (exit 1)")
  func checkScore() throws {
    let bundle = temporaryPath("check-bundle")
    defer { try? FileManager.default.removeItem(atPath: bundle) }
    #expect(try CLI(["cases", "export", "--bundle", bundle, "--family", "confident", "--rows", "6", "--n", "8"]).status == 0)
    // Two versions of a library: the lab's accurate log-softmax, then its naive one.
    let base = temporaryPath("base.json"), now = temporaryPath("now.json"), bad = temporaryPath("other.json")
    defer { for p in [base, now, bad] { try? FileManager.default.removeItem(atPath: p) } }
    let good = try CLI(["score", "--op", "log-softmax", "--bundle", bundle, "--outputs", try Self.outputs(bundle, variant: .accurate),
                        "--name", "mylib", "--json", base])
    #expect(good.status == 0, "\(good.stderr)")
    #expect(try CLI(["check", "--baseline", base, "--current", base]).stdout.contains("nothing got worse"))
    let worse = try CLI(["score", "--op", "log-softmax", "--bundle", bundle, "--outputs", try Self.outputs(bundle, variant: .naive),
                         "--name", "mylib", "--json", now])
    #expect(worse.status == 0, "\(worse.stderr)")
    let check = try CLI(["check", "--baseline", base, "--current", now])
    #expect(check.status == 1 && check.stdout.contains("confident float32 mylib log-softmax: "), "\(check.stdout)")
    try CLI(["check", "--baseline", base]).expectInputError("is a score (score --json): give what is scored now with --current FILE")
    try CLI(["check", "--baseline", CheckCommandTests.baseline, "--current", base]).expectInputError("are not the same kind")
  }

  /// The bundle's rows' log-softmax by the lab's `variant`, as a library would return them: a
  /// safetensors file with the bundle's tensor names.
  static func outputs(_ bundle: String, variant: Variant) throws -> String {
    let path = "\(bundle)/\(variant.rawValue).safetensors"
    let tensors = try readTensors("\(bundle)/logits.safetensors").map { x in
      let y = SIMDKernels.evaluate(.logSoftmax, variant, row: try x.values(), format: .float32, policy: .native, target: 0)!
      return TensorContents(name: x.name, dtype: .float32, shape: [y.count], values: y)
    }
    try writeSafeTensors(path, tensors: tensors)
    return path
  }

  @Test("report --only peers without the folder is a one-line error")
  func missingPeers() throws {
    try CLI(["report", "--only", "peers", "--peers", "/nonexistent/peers", "--output", temporaryPath("out")])
      .expectInputError("--peers /nonexistent/peers: no such folder")
  }
}
