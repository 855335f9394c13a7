import Foundation
import Testing

@Suite("Options and help, every command")
struct OptionTests {
  static let commands: [[String]] = [
    ["report"], ["check"], ["eval"], ["run"], ["loss"], ["train"], ["cases"], ["cases", "list"], ["cases", "show"],
    ["cases", "export"], ["elementary"], ["bench"], [],
  ]

  @Test("--help exits 0 and reads cleanly: no stray backslash, an overview or usage line", arguments: commands)
  func help(_ command: [String]) throws {
    let run = try CLI(command + ["--help"])
    #expect(run.status == 0 && run.stderr.isEmpty)
    #expect(run.stdout.contains("USAGE: softmax-lab"))
    #expect(!run.stdout.contains("\\"), "\(run.stdout)")
  }

  @Test("list options take repeated values and comma lists alike, each value once")
  func commaLists() throws {
    let repeated = try CLI(["run", "--op", "lse", "--op", "softmax", "--variant", "fused", "--family", "seed",
                            "--format", "float32", "--json", "-"])
    let commas = try CLI(["run", "--op", "lse,softmax", "--variant", "fused,fused", "--family", "seed",
                          "--format", "float32", "--json", "-"])
    #expect(repeated.status == 0 && commas.status == 0)
    #expect(repeated.stdout == commas.stdout)
    let groups = try #require(try JSONSerialization.jsonObject(with: Data(commas.stdout.utf8)) as? [String: Any])["groups"]
    // lse and softmax, fused, float32 native and wide, the seed family: 4 groups.
    #expect((groups as? [Any])?.count == 4)
  }

  @Test("a named value replaces the default list: --kernel textbook runs the textbook kernels only")
  func replacesDefault() throws {
    let run = try CLI(["run", "--kernel", "textbook", "--family", "seed", "--format", "float64", "--op", "lse", "--csv", "-"])
    #expect(run.status == 0)
    let kernels = Set(run.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[2] })
    #expect(kernels == ["textbook"])
  }

  static let badInputs: [([String], String)] = [
    (["run", "--json", "-", "--csv", "-"], "only one of --json and --csv"),
    (["report", "--threads", "0"], "--threads must be at least 1"),
    (["elementary", "--count=-1"], "--count must be at least 0"),
    (["bench", "--repeats", "0"], "--repeats must be at least 1"),
    (["bench", "--shape", "4096by1024"], "The value '4096by1024' is invalid for '--shape <shape>'"),
    (["loss", "--variant", "chained", "--targets", "0", "--row", "1,2"], "variant 'chained' has no batch loss"),
    (["loss", "--targets", "0"], "give the rows one way"),
    (["train", "--epochs", "0"], "--epochs must be at least 1"),
  ]

  @Test("bad input: one line on stderr, nothing on stdout, exit code 2", arguments: badInputs)
  func badInput(_ arguments: [String], _ message: String) throws {
    try CLI(arguments).expectInputError(message)
  }
}
