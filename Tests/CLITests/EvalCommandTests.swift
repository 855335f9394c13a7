import ExactReference
import Foundation
import SoftmaxSpec
import Testing

@Suite("softmax-lab eval, end to end")
struct EvalCommandTests {
  @Test("the seed example prints every variant and policy with the correctly rounded reference")
  func seedExample() throws {
    let run = try CLI(["eval", "--format", "float32", "--op", "softmax", "--", "2.0", "1.0", "0.1"])
    #expect(run.status == 0 && run.stderr.isEmpty)
    let reference = try referenceTexts([2, 1, Double(Float(0.1))], .float32, .softmax)
    #expect(reference == ["0.6590011", "0.24243297", "0.09856589"])  // RN of 0.65900114, ... (docs/definitions.md)
    for text in reference { #expect(run.stdout.contains(text)) }
    for variant in ["naive", "shifted", "fused"] { #expect(run.stdout.contains(variant)) }
    #expect(run.stdout.contains("0x1.99999ap-4"))  // the exact float32 value of 0.1 is shown
    #expect(run.stdout.contains("0.1 rounded to float32"))
  }

  @Test("--json has the documented shape and the reference's values")
  func json() throws {
    let run = try CLI(["eval", "--format", "float32", "--op", "softmax", "--op", "log-softmax", "--json",
                       "--", "2.0", "1.0", "0.1"])
    #expect(run.status == 0)
    let json = try #require(run.json)
    #expect(json["format"] as? String == "float32")
    #expect(json["input"] as? [String] == ["2", "1", "0.1"])
    #expect(json["undefined"] as? Bool == false)
    let results = try #require(json["results"] as? [[String: Any]])
    // Every SIMD variant that applies (division-free for softmax only), in each policy.
    let applying = [Op.softmax, .logSoftmax].map { op in Variant.allCases.filter { $0.applies(to: op) }.count }
    #expect(results.count == (applying[0] + applying[1]) * 2)
    let row = [2, 1, Double(Float(0.1))]
    for r in results {
      let op = try #require(Op(rawValue: r["op"] as! String))
      #expect(r["kernel"] as? String == "simd")
      #expect(Variant(rawValue: r["variant"] as! String)!.applies(to: op))
      #expect(["native", "wide"].contains(r["policy"] as! String))
      #expect(r["reference"] as? [String] == (try referenceTexts(row, .float32, op)))
      for key in ["output", "ulpError", "status"] { #expect((r[key] as? [String])?.count == 3) }
      #expect((r["status"] as! [String]).allSatisfy { ["correct", "inaccurate"].contains($0) })
      #expect((r["ulpError"] as! [String]).allSatisfy { Double($0)! < 3 })
    }
  }

  @Test("a file gives the same results as the command line")
  func file() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("softmax-lab-eval-\(getpid()).txt")
    try "# the seed example\n2.0, 1.0\n0.1  # last\n".write(to: url, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: url) }
    let fromFile = try CLI(["eval", "--json", "--file", url.path])
    let fromArguments = try CLI(["eval", "--json", "--", "2.0", "1.0", "0.1"])
    #expect(fromFile.status == 0 && fromFile.stdout == fromArguments.stdout)
  }

  @Test("masked, hexadecimal and undefined rows", arguments: Format.allCases)
  func specialRows(_ f: Format) throws {
    let undefined = try CLI(["eval", "--format", f.rawValue, "--json", "--", "1", "nan"])
    #expect(undefined.status == 0 && undefined.json?["undefined"] as? Bool == true)
    let statuses = (undefined.json?["results"] as? [[String: Any]])?.flatMap { $0["status"] as! [String] } ?? []
    #expect(!statuses.isEmpty && statuses.allSatisfy { $0 == "undefined" })
    let masked = try CLI(["eval", "--format", f.rawValue, "--json", "--target", "2", "--", "-inf", "0x0p+0", "1", "-inf"])
    if f.overflowsToNaN {
      // float8-e4m3 has no infinity: -inf is refused, in one line.
      #expect(masked.status != 0 && masked.stderr.contains("not a float8-e4m3 value") && masked.stdout.isEmpty)
      return
    }
    let results = try #require(masked.json?["results"] as? [[String: Any]])
    let logSoftmax = try #require(results.first { $0["op"] as? String == "log-softmax" })
    #expect((logSoftmax["reference"] as! [String])[0] == "-inf")
    #expect((logSoftmax["status"] as! [String])[0] == "correct")
  }

  static let badInputs: [([String], String)] = [
    (["eval", "--", "1", "abc"], "'abc' is not a number"),
    (["eval", "--"], "no logits"),
    (["eval"], "no logits"),
    (["eval", "--format", "float8", "--", "1"], "float8"),
    (["eval", "--target", "3", "--", "1", "2", "3"], "target 3 is out of range"),
    (["eval", "--target=-1", "--", "1", "2"], "out of range"),
    (["eval", "--op", "softmin", "--", "1"], "The value 'softmin' is invalid for '--op <op>'. Please provide one of 'lse', 'softmax'"),
    (["eval", "--variant", "fast", "--", "1"], "The value 'fast' is invalid for '--variant <variant>'. Please provide one of the following: naive, shifted, fused"),
    (["eval", "--kernel", "textbook", "--variant", "online", "--", "1"], "has no textbook kernel"),
    (["eval", "--kernel", "gpu", "--", "1"], "The value 'gpu' is invalid for '--kernel <kernel>'. Please provide one of 'simd' and 'textbook'"),
    (["eval", "--file", "/nonexistent/row.txt"], "cannot read /nonexistent/row.txt: no such file"),
    (["eval", "--file", "/tmp"], "it is a directory"),
    (["eval", "--file", "/dev/null"], "the row is empty"),
    (["eval", "--file", "/dev/null", "--", "1"], "not both"),
    (["frobnicate"], "frobnicate"),
    (["eval", "--output-scale", "3", "--", "1", "2"], "--output-scale '3' is not a power of two"),
    (["eval", "--output-scale", "0", "--", "1", "2"], "is not a power of two"),
    (["eval", "--output-format", "float9", "--", "1", "2"], "float9"),
    (["eval", "--format", "float8-e4m3", "--", "inf", "1"], "not a float8-e4m3 value"),
  ]

  @Test("bad input: one line on stderr, nothing on stdout, exit code 2", arguments: badInputs)
  func badInput(_ arguments: [String], _ message: String) throws {
    try CLI(arguments).expectInputError(message)
  }

  @Test("--help prints usage and exits 0")
  func help() throws {
    let run = try CLI(["eval", "--help"])
    #expect(run.status == 0 && run.stdout.contains("--format"))
  }

  @Test("--output-format and --output-scale: float32 softmax quantized to float8-e4m3 x 2^8, float8 logits in float32")
  func mixedFormats() throws {
    let quantized = try CLI(["eval", "--json", "--op", "softmax", "--variant", "fused", "--policy", "wide",
                             "--output-format", "float8-e4m3", "--output-scale", "256", "--", "0", "0"])
    #expect(quantized.status == 0)
    let json = try #require(quantized.json)
    #expect(json["format"] as? String == "float32" && json["outputFormat"] as? String == "float8-e4m3")
    #expect(json["outputScale"] as? String == "256")
    let r = try #require((json["results"] as? [[String: Any]])?.first)
    // softmax of two equal logits is 1/2; times 2^8 is 128, a float8-e4m3 value, printed as the
    // shortest decimal that reads back to it: "130" (its neighbours are 112 and 144).
    #expect(r["reference"] as? [String] == ["130", "130"] && r["output"] as? [String] == ["130", "130"])
    #expect(FormatRounding.parse("130", .float8E4M3) == 128)
    let widened = try CLI(["eval", "--json", "--format", "float8-e4m3", "--output-format", "float32", "--op", "softmax",
                           "--variant", "accurate", "--policy", "native", "--", "0.5", "0.5", "0.5"])
    let w = try #require((widened.json?["results"] as? [[String: Any]])?.first)
    // 1/3 in float32, not in float8-e4m3 (0.34375).
    #expect(w["reference"] as? [String] == ["0.33333334", "0.33333334", "0.33333334"])
  }

}
