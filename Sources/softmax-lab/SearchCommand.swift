import ArgumentParser
import Cases
import Experiments
import Foundation
import LabSupport
import Reports
import SoftmaxSpec

/// `softmax-lab search`: rows on which a SIMD kernel is worst against the reference.
struct SearchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "search",
    abstract: "Search for the rows on which a SIMD kernel's ULP error is largest, or where it overflows, underflows or gives NaN.",
    discussion: """
      Random restarts plus local moves on the format's grid (a logit moved by k ulps, the gap \
      between the top two logits changed, a cluster near the maximum added, a scale or a shift \
      applied, another target), each move kept when the row's worst ULP error does not decrease. \
      Restart k is seeded from (seed, k) and evaluates --restart-rows rows; --budget counts the rows \
      of all restarts. --exhaustive instead evaluates every pair of finite logits of float8-e4m3, \
      float8-e5m2 (seconds) or float16 (4e9 pairs: hours; shard it). The result does not depend \
      on --threads; --shard i/N runs the restarts k with k mod N = i, and their --partial files \
      merge into what one process finds.
      """)

  @Option(help: "The operation.") var op: Op
  @Option(help: "The SIMD kernel variant.") var variant: Variant
  @Option(help: "The logits' format.") var format: Format
  @Option(help: "The precision policy.") var policy: Policy
  @Option(help: "Logits per row (random search).") var n: Int = SearchPlan.defaultLength
  @Option(help: "Rows to evaluate, all restarts together (random search).") var budget: Int = SearchPlan.defaultBudget
  @Option(help: "The seed of the restarts.") var seed: UInt64 = 1
  @Option(name: .customLong("restart-rows"), help: "Rows evaluated per restart.")
  var restartRows: Int = SearchPlan.defaultRowsPerRestart
  @Flag(help: "Every pair of finite logits (n = 2, target 0) instead of a random search: float8 and float16 only.")
  var exhaustive = false
  @Option(help: ArgumentHelp("Run only this shard of the restarts.", valueName: "i/N")) var shard: String?
  @Option(help: "Write this shard's partial result (JSON) to PATH, for a later merge.") var partial: String?
  @Flag(help: "Add the worst row and the first failure to data/worst/ (and Sources/Cases/WorstData.swift) of the repository around the current directory.")
  var keep = false
  @OptionGroup var threadOptions: ThreadOptions
  @Flag(help: "Print JSON instead of a table.") var json = false

  func plan() throws -> SearchPlan {
    do {
      return try SearchPlan(op: op, variant: variant, format: format, policy: policy, length: n, budget: budget, seed: seed,
                            rowsPerRestart: restartRows, exhaustive: exhaustive).validated()
    } catch {
      throw ValidationError("\(error)")
    }
  }

  func validate() throws {
    _ = try plan()
    if let shard, Shard(shard) == nil { throw ValidationError("--shard must be i/N with 0 <= i < N (got '\(shard)')") }
    if keep && shard.map({ Shard($0)?.isWhole != true }) == true {
      throw ValidationError("--keep needs the whole search: merge the shards' --partial files first")
    }
  }

  func run() throws {
    let plan = try plan()
    let shard = shard.flatMap(Shard.init) ?? .whole
    let reported = Locked(-1)
    let start = Date()
    let result = try Search.run(plan, shard: shard, threads: threadOptions.threads, progress: { done, total in
      let tenth = done * 10 / max(total, 1)
      let report = reported.withLock { last -> Bool in
        defer { last = max(last, tenth) }
        return tenth > last
      }
      if report {
        let seconds = String(format: "%.0f", Date().timeIntervalSince(start))
        FileHandle.standardError.write(Data("search: \(done)/\(total) restarts, \(seconds) s\n".utf8))
      }
    })
    if let partial {
      do { try writeAtomically(SearchFiles.part(plan, result, shard: shard), to: partial) } catch { throw InputError("cannot write \(partial): \(error)") }
    }
    if keep { try keepEntries(plan, result) }
    let text = json ? SearchFiles.json(plan, result, shard: shard.isWhole ? nil : shard) : SearchOutput.table(plan, result)
    FileHandle.standardOutput.write(Data(text.utf8))
  }

  /// Adds the result's entries to data/worst/FORMAT.json and regenerates Sources/Cases/WorstData.swift.
  func keepEntries(_ plan: SearchPlan, _ result: SearchResult) throws {
    let fm = FileManager.default
    var dir = URL(fileURLWithPath: fm.currentDirectoryPath)
    while !fm.fileExists(atPath: dir.appendingPathComponent("Sources/Cases/WorstData.swift").path) {
      guard dir.path != "/" else { throw InputError("--keep: run it inside the softmax-lab repository (no Sources/Cases/WorstData.swift above \(fm.currentDirectoryPath))") }
      dir.deleteLastPathComponent()
    }
    let data = dir.appendingPathComponent("data/worst")
    try fm.createDirectory(at: data, withIntermediateDirectories: true)
    var files: [(name: String, text: String)] = []
    for name in try fm.contentsOfDirectory(atPath: data.path).sorted() where name.hasSuffix(".json") {
      let text = try String(contentsOf: data.appendingPathComponent(name), encoding: .utf8)
      files.append((name, text))
    }
    let name = "\(plan.format.rawValue).json"
    let old = try files.first { $0.name == name }.map { try WorstData.parse($0.text, name: "data/worst/\(name)") } ?? []
    let text = WorstData.json(WorstData.keeping(SearchFiles.entries(plan, result), in: old), format: plan.format)
    files.removeAll { $0.name == name }
    files.append((name, text))
    // Every file checked, and written back in the writer's form.
    files = try files.map { f in
      guard f.name != name else { return f }
      let entries = try WorstData.parse(f.text, name: "data/worst/\(f.name)")
      return (f.name, entries.first.map { WorstData.json(entries, format: $0.format) } ?? f.text)
    }
    for f in files { try writeAtomically(f.text, to: data.appendingPathComponent(f.name).path) }
    try writeAtomically(WorstData.swiftSource(files), to: dir.appendingPathComponent("Sources/Cases/WorstData.swift").path)
    FileHandle.standardError.write(Data("search: kept in data/worst/\(name); rebuild softmax-lab to use it\n".utf8))
  }
}
