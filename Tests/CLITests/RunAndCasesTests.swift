import Foundation
import SoftmaxSpec
import Testing

/// A fresh temporary path for one test.
func temporaryPath(_ name: String) -> String {
  FileManager.default.temporaryDirectory.appendingPathComponent("softmax-lab-\(getpid())-\(UUID().uuidString)-\(name)").path
}

@Suite("softmax-lab run and cases, end to end")
struct RunAndCasesTests {
  @Test("run with filters prints one line per group, and JSON and CSV on request")
  func runFiltered() throws {
    let csv = temporaryPath("run.csv")
    defer { try? FileManager.default.removeItem(atPath: csv) }
    let run = try CLI(["run", "--family", "seed,confident", "--op", "cross-entropy", "--format", "float32",
                       "--variant", "fused", "--policy", "native", "--rows", "8", "--n", "8", "--csv", csv])
    #expect(run.status == 0)
    let lines = run.stdout.split(separator: "\n")
    #expect(lines.count == 2 + 2)  // settings line, header, two groups
    #expect(lines[2].contains("seed") && lines[3].contains("confident") && lines[3].contains("confident/"))
    let csvLines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")
    #expect(csvLines.count == 3 && csvLines[0].hasPrefix("family,format,kernel,op,variant,policy,values"))
    let json = try CLI(["run", "--family", "seed", "--op", "lse", "--format", "float64", "--json", "-"])
    let object = try #require(json.json)
    let groups = try #require(object["groups"] as? [[String: Any]])
    // Every variant that applies to lse (not division-free or chained); float64 runs once, as native.
    #expect(groups.count == Variant.allCases.filter { $0.applies(to: .lse) }.count)
    #expect(groups.allSatisfy { $0["values"] as? Int == 10 && $0["policy"] as? String == "native" })
  }

  @Test("the same run gives the same bytes, whatever the thread count")
  func runDeterministic() throws {
    let args = ["run", "--family", "masked,special", "--rows", "6", "--n", "12", "--json", "-"]
    let a = try CLI(args + ["--threads", "1"]), b = try CLI(args + ["--threads", "3"])
    #expect(a.status == 0 && a.stdout == b.stdout && !a.stdout.isEmpty)
  }

  @Test("run --reference exact (MPFR only) gives the default's aggregates and says how many values needed MPFR")
  func referenceMethods() throws {
    let args = ["run", "--family", "seed,special,confident", "--rows", "6", "--n", "12", "--format", "float32,bfloat16",
                "--variant", "fused,accurate", "--json", "-"]
    let fast = try CLI(args), exact = try CLI(args + ["--reference", "exact"])
    #expect(fast.status == 0 && exact.status == 0)
    #expect(exact.stderr.contains("(100% through MPFR)"), "\(exact.stderr)")
    #expect(!fast.stderr.contains("(100% through MPFR)") && fast.stderr.contains("% through MPFR)"), "\(fast.stderr)")
    let a = try #require(fast.json?["groups"] as? [[String: Any]])
    let b = try #require(exact.json?["groups"] as? [[String: Any]])
    #expect(a.count == b.count && !a.isEmpty)
    for (x, y) in zip(a, b) {
      for key in ["family", "format", "op", "variant", "policy", "worstCase"] {
        #expect(x[key] as? String == y[key] as? String, "\(key): \(x) vs \(y)")
      }
      for key in ["values", "correctlyRounded", "overflow", "underflow", "nan", "undefined"] {
        #expect(x[key] as? Int == y[key] as? Int, "\(key): \(x) vs \(y)")
      }
      for key in ["maxULP", "p99ULP", "meanULP"] {
        let u = (x[key] as? String).flatMap(Double.init), v = (y[key] as? String).flatMap(Double.init)
        #expect((u == nil && v == nil) || abs(u! - v!) <= 1e-9, "\(key): \(x) vs \(y)")
      }
    }
  }

  @Test("cases list names every family with its description")
  func list() throws {
    let run = try CLI(["cases", "list"])
    #expect(run.status == 0)
    for family in ["moderate", "large-positive", "large-negative", "wide-spread", "near-ties", "confident",
                   "temperature", "huge-n", "masked", "special", "seed"] {
      #expect(run.stdout.contains("\n\(family): "), "\(family)")
    }
    #expect(run.stdout.contains("T = 11.09") && run.stdout.contains("T = 88.72") && run.stdout.contains("T = 709.8"))
  }

  @Test("cases show prints the row that eval --case evaluates")
  func show() throws {
    let show = try CLI(["cases", "show", "wide-spread/17", "--format", "float16"])
    #expect(show.status == 0 && show.stdout.contains("logits (64)") && show.stdout.contains("target: 28"))
    let eval = try CLI(["eval", "--case", "wide-spread/17", "--format", "float16", "--op", "lse", "--json"])
    #expect(eval.status == 0 && eval.json?["case"] as? String == "wide-spread/17")
    let logits = try #require(eval.json?["input"] as? [String])
    for (i, x) in logits.enumerated() { #expect(show.stdout.contains("  \(i)  \(x)\n")) }
  }

  @Test("cases export writes JSON and CSV that eval --file reads back to the same results",
        arguments: [false, true])
  func exportRoundTrip(_ csv: Bool) throws {
    let path = temporaryPath(csv ? "cases.csv" : "cases.json")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let export = try CLI(["cases", "export", "--family", "seed,special", "--format", "float64", "-o", path]
                         + (csv ? ["--csv"] : []))
    #expect(export.status == 0 && export.stdout.isEmpty)
    let fromFile = try CLI(["eval", "--file", path, "--json", "--op", "log-softmax,ce-gradient"])
    #expect(fromFile.status == 0, "\(fromFile.stderr)")
    let rows = try #require((try? JSONSerialization.jsonObject(with: Data(fromFile.stdout.utf8))) as? [[String: Any]])
    #expect(rows.count == 10 + 8)
    #expect(rows.allSatisfy { $0["format"] as? String == "float64" })
    // Row by row, the same as evaluating the generated case directly.
    for id in ["seed/3", "special/0", "special/7"] {
      let direct = try CLI(["eval", "--case", id, "--format", "float64", "--json", "--op", "log-softmax,ce-gradient"])
      let row = try #require(rows.first { $0["case"] as? String == id })
      #expect(row["input"] as? [String] == direct.json?["input"] as? [String])
      #expect(row["target"] as? Int == direct.json?["target"] as? Int)
      let a = (row["results"] as! [[String: Any]]).map { $0["output"] as! [String] }
      let b = (direct.json!["results"] as! [[String: Any]]).map { $0["output"] as! [String] }
      #expect(a == b, "\(id)")
    }
  }

  static let badInputs: [([String], String)] = [
    (["run", "--family", "nope"], "The value 'nope' is invalid for '--family <family>'. Please provide one of the following: moderate, large-positive"),
    (["cases", "export", "--family", "nope"], "The value 'nope' is invalid for '--family <family>'. Please provide one of the following: moderate, large-positive"),
    (["run", "--rows=-1"], "--rows must be at least 1"),
    (["run", "--n", "0"], "--n must be at least 2"),
    (["run", "--threads", "0"], "--threads must be at least 1"),
    (["run", "--kernel", "textbook", "--variant", "accurate"], "has no textbook kernel"),
    (["eval", "--case", "wide-spread"], "malformed case id 'wide-spread'"),
    (["eval", "--case", "moderate/x"], "malformed case id"),
    (["eval", "--case", "nosuch/3"], "unknown family 'nosuch'"),
    (["eval", "--case", "moderate/64"], "has 64 rows"),
    (["eval", "--case", "seed/0", "--", "1"], "not both"),
    (["cases", "show", "special/99"], "has 8 rows"),
    (["cases", "show", "moderate/1", "--n=-5"], "--n must be at least 2"),
  ]

  @Test("bad input: one line on stderr, nothing on stdout, exit code 2", arguments: badInputs)
  func badInput(_ arguments: [String], _ message: String) throws {
    try CLI(arguments).expectInputError(message)
  }

  static let brokenFiles: [(String, String)] = [
    ("{\"format\": \"float32\", \"cases\": [{\"logits\": [\"1\", \"x\"]}]}", "'x' is not a number"),
    ("{\"format\": \"float32\", \"cases\": [{\"target\": 0}]}", "no \"logits\" array"),
    ("{\"format\": \"float8\", \"cases\": []}", "unknown format"),
    ("{\"format\": \"float32\", \"cases\": [", "not valid JSON"),
    ("{\"format\": \"float32\", \"cases\": [{\"logits\": []}]}", "the row is empty"),
    ("{\"format\": \"float32\", \"cases\": [{\"logits\": [\"1\"], \"target\": 3}]}", "target 3 is out of range"),
    ("id,format,target,index,logit\nseed/0,float32,0,0,1\nseed/0,float32,0,2,1\n", "logit index 2, expected 1"),
    ("id,format,target,index,logit\nseed/0,float32,zero,0,1\n", "expected id,format,target,index,logit"),
    ("id,format,target,index,logit\na/0,float32,0,0,1\nb/0,float16,0,0,1\n", "mixes formats"),
    ("1 2 three", "'three' is not a number"),
  ]

  @Test("a broken case file gets a one-line error", arguments: brokenFiles)
  func brokenFile(_ content: String, _ message: String) throws {
    let path = temporaryPath("broken")
    try content.write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    try CLI(["eval", "--file", path]).expectInputError(message)
  }
}
