import Accuracy
import Cases
import Experiments
import Foundation
import Reports
import SoftmaxKernels
import SoftmaxSpec
import TensorFiles
import Testing

/// A tiny data/peers folder written by the test itself: a float32 bundle (seed and confident
/// rows), a made-up library "naive-lib" whose outputs are the lab's own naive kernel, a second one
/// with log-softmax only, and a bug-reports set with JAX 40384's float64 row.
struct PeersFixture {
  static let settings = CaseSettings(seed: 1, rows: 7, length: 8)
  static let families: [CaseFamily] = [.confident, .seed]
  let directory: String

  init() throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("peers-fixture-\(UUID().uuidString)").path
    let set = "\(directory)/float32/families"
    let cases = Self.families.flatMap { Generator.cases($0, format: .float32, settings: Self.settings) }
    try CaseBundle.write(cases, format: .float32, settings: Self.settings, version: "test", to: set)
    var outputs: [String] = []
    func write(_ setName: String, _ library: String, _ op: Op, _ rows: [(id: String, x: [Double], t: Int, f: Format)], _ variant: Variant) throws {
      let tensors = rows.map { r in
        let y = Kernels.run(.simd, op, variant, r.x, r.f, .native, r.t)!
        return TensorContents(name: r.id, dtype: TensorDType(r.f), shape: [y.count], values: y)
      }
      try writeSafeTensors("\(directory)/\(setName)/\(library)-\(op.rawValue).safetensors", tensors: tensors)
      outputs.append("{\"set\": \"\(setName)\", \"library\": \"\(library)\", \"op\": \"\(op.rawValue)\", \"file\": \"\(setName)/\(library)-\(op.rawValue).safetensors\"}")
    }
    let rows = cases.map { (id: $0.id, x: $0.logits, t: $0.target, f: Format.float32) }
    for op in Op.allCases { try write("float32/families", "naive-lib", op, rows, .naive) }
    try write("float32/families", "shifted-lib", .logSoftmax, rows, .shifted)
    let bug = (id: "jax-40384", x: [37.42994775023705, 0.0], t: 0, f: Format.float64)
    try FileManager.default.createDirectory(atPath: "\(directory)/bug-reports", withIntermediateDirectories: true)
    try writeSafeTensors("\(directory)/bug-reports/logits.safetensors",
                         tensors: [TensorContents(name: bug.id, dtype: .float64, shape: [2], values: bug.x)])
    try write("bug-reports", "naive-lib", .ceGradient, [bug], .fused)
    let provenance = """
      {"date": "2026-01-01T00:00:00Z", "command": "test", "softmaxLab": "test", "python": "3", "platform": "Linux",
       "cpu": "a CPU", "cores": 2, "threads": 1, "libraries": {"numpy": "2", "torch": "1"},
       "seed": 1, "rows": 7, "n": 8,
       "calls": {"naive-lib": {"lse": "log(sum(exp(x)))"}},
       "sets": [{"dir": "float32/families", "format": "float32"}, {"dir": "bug-reports", "format": "mixed"}],
       "outputs": [\(outputs.joined(separator: ", "))],
       "skipped": [{"library": "shifted-lib", "format": "float32", "op": "lse", "set": "float32/families", "reason": "no kernel"}],
       "nondeterministic": [{"library": "naive-lib", "format": "float32", "op": "softmax", "set": "float32/families", "rows": ["seed/1"]}],
       "bugReports": [
         {"id": "jax-40384", "report": "JAX 40384", "claim": "a component came back 0", "format": "float64", "op": "ce-gradient",
          "element": 0, "target": 0, "set": "bug-reports", "case": "jax-40384"},
         {"id": "pytorch-113708-b", "report": "PyTorch 113708", "claim": "0", "format": "float32", "op": "log-softmax",
          "element": 0, "target": 0, "set": "float32/families", "case": "seed/6"}]}
      """
    try provenance.write(toFile: "\(directory)/provenance.json", atomically: true, encoding: .utf8)
  }

  func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

@Suite("reports/peers.md from a peers folder")
struct PeersReportTests {
  @Test("a library's groups are run's aggregates of the same kernel; the report shows them beside the lab's variants")
  func report() throws {
    let fixture = try PeersFixture()
    defer { fixture.remove() }
    let study = try PeersStudy.run(fixture.directory, threads: 2)
    #expect(study.names == ["naive-lib", "shifted-lib", "lab fused", "lab accurate"])
    // The made-up library is the lab's naive kernel: run's aggregates, bit for bit.
    let run = try Runner.run(RunPlan(variants: [.naive, .fused], formats: [.float32], policies: [.native],
                                     families: PeersFixture.families, settings: PeersFixture.settings))
    for g in run.groups {
      let name = g.key.variant == .naive ? "naive-lib" : "lab fused"
      let mine = try #require(study.group(.float32, g.key.op, g.key.family.rawValue, name))
      #expect(mine.aggregate == g.aggregate, "\(g.key)")
    }
    let files = PeersReport(study: study).files()
    #expect(files.map(\.path) == ["peers.md", "plots/peers-confident-float32.svg"])
    #expect(files[1].content.hasPrefix("<svg"))
    let md = files[0].content
    for text in ["| naive-lib | shifted-lib | lab fused | lab accurate |", "### log-softmax, float32", "| confident |",
                 "| shifted-lib | float32 | lse | no kernel |", "| a CPU, 2 cores, Linux |", "| numpy | 2 |",
                 "(plots/peers-confident-float32.svg)", "- naive-lib softmax in float32 (`float32/families`): 1 row, `seed/1`."]
    {
      #expect(md.contains(text), "missing: \(text)")
    }
    // JAX 40384: the naive-lib (the lab's fused kernel here) returns 0 where -5.55e-17 is exact; accurate gets it.
    let bug = try #require(md.split(separator: "\n").first { $0.hasPrefix("| JAX 40384 |") })
    #expect(bug.contains("| -5.551115123125776e-17 | 0 (underflow) | - | 0 (underflow) | -5.551115123125776e-17 (correct) |"), "\(bug)")
    #expect(md.contains("| PyTorch 113708 | [16.942385, 0] | float32 | log-softmax[0] | -4.3854666e-08 |"))
    #expect(PeersReport(study: study).finding().contains("naive-lib max"))
  }

  @Test("the same data gives the same bytes, on 1 and 3 threads")
  func deterministic() throws {
    let fixture = try PeersFixture()
    defer { fixture.remove() }
    let one = PeersReport(study: try PeersStudy.run(fixture.directory, threads: 1)).files()
    let three = PeersReport(study: try PeersStudy.run(fixture.directory, threads: 3)).files()
    #expect(one.map(\.content) == three.map(\.content))
  }

  @Test("bad data is a one-line error naming the file")
  func badData() throws {
    let fixture = try PeersFixture()
    defer { fixture.remove() }
    func message(_ body: () throws -> Void) -> String {
      do {
        try body()
        return "no error"
      } catch {
        return "\(error)"
      }
    }
    let missing = message { _ = try PeersStudy.run(fixture.directory + "/nowhere") }
    #expect(missing.contains("cannot read") && missing.contains("provenance.json") && !missing.contains("\n"), "\(missing)")

    // A manifest whose seed no longer makes these rows.
    let manifest = "\(fixture.directory)/float32/families/manifest.json"
    let text = try String(contentsOfFile: manifest, encoding: .utf8)
    try text.replacingOccurrences(of: "\"seed\": 1", with: "\"seed\": 2").write(toFile: manifest, atomically: true, encoding: .utf8)
    let drifted = message { _ = try PeersStudy.run(fixture.directory) }
    #expect(drifted.contains("is not the row softmax-lab makes") && !drifted.contains("\n"), "\(drifted)")
    try text.write(toFile: manifest, atomically: true, encoding: .utf8)

    // A truncated outputs file.
    let outputs = "\(fixture.directory)/float32/families/naive-lib-softmax.safetensors"
    let bytes = try Data(contentsOf: URL(fileURLWithPath: outputs))
    try bytes.prefix(bytes.count - 3).write(to: URL(fileURLWithPath: outputs))
    let truncated = message { _ = try PeersStudy.run(fixture.directory) }
    #expect(truncated.contains("naive-lib-softmax.safetensors") && !truncated.contains("\n"), "\(truncated)")

    // A provenance without its sets.
    try "{\"date\": \"x\"}".write(toFile: "\(fixture.directory)/provenance.json", atomically: true, encoding: .utf8)
    let malformed = message { _ = try PeersStudy.run(fixture.directory) }
    #expect(malformed.contains("provenance.json") && !malformed.contains("\n"), "\(malformed)")
  }
}
