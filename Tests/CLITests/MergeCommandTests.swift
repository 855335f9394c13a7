import Foundation
import Testing

@Suite("softmax-lab run --shard and merge, end to end")
struct MergeCommandTests {
  static let run = ["run", "--family", "seed,moderate,special", "--op", "lse,log-softmax", "--format", "float16,float8-e5m2",
                    "--rows", "5", "--n", "6", "--seed", "3"]

  @Test("four parts merged in any order give one process's table, JSON and CSV byte for byte")
  func mergeFour() throws {
    let paths = (0..<4).map { temporaryPath("part-\($0).json") } + ["json", "csv", "merged.json", "merged.csv"].map(temporaryPath)
    defer { for p in paths { try? FileManager.default.removeItem(atPath: p) } }
    let whole = try CLI(MergeCommandTests.run + ["--json", paths[4], "--csv", paths[5]])
    #expect(whole.status == 0)
    for i in 0..<4 {
      let part = try CLI(MergeCommandTests.run + ["--shard", "\(i)/4", "--partial", paths[i], "--threads", "1"])
      #expect(part.status == 0 && part.stdout.isEmpty && part.stderr.contains("shard \(i)/4"))
    }
    let merged = try CLI(["merge", paths[2], paths[0], paths[3], paths[1], "--json", paths[6], "--csv", paths[7]])
    #expect(merged.status == 0 && merged.stdout == whole.stdout && !whole.stdout.isEmpty)
    for (a, b) in [(paths[4], paths[6]), (paths[5], paths[7])] {
      let x = try Data(contentsOf: URL(fileURLWithPath: a)), y = try Data(contentsOf: URL(fileURLWithPath: b))
      #expect(x == y && !x.isEmpty, "\(a) \(b)")
    }
    // A part given twice instead of another, a shard without --partial, --json with --partial.
    try CLI(["merge", paths[0], paths[1], paths[2], paths[2]]).expectInputError("shard 2/4 is given twice")
    try CLI(["merge", paths[0], paths[1], paths[2]]).expectInputError("shard 3/4 is missing")
    try CLI(MergeCommandTests.run + ["--shard", "1/4"]).expectInputError("--shard needs --partial")
    try CLI(MergeCommandTests.run + ["--shard", "4/4", "--partial", paths[0]]).expectInputError("--shard '4/4' is not i/N")
    try CLI(MergeCommandTests.run + ["--partial", paths[0], "--json", "-"]).expectInputError("give them to softmax-lab merge")
    try CLI(["merge", paths[5]]).expectInputError("is not a softmax-lab partial result")
  }
}
