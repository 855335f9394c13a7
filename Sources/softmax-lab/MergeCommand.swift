import ArgumentParser
import Experiments
import Foundation
import LabSupport
import Reports

/// --shard i/N and --partial PATH: compute one shard of a job's work and write it as a part for
/// `softmax-lab merge`.
struct ShardOptions: ParsableArguments {
  @Option(help: ArgumentHelp(
    "Compute only shard i of N (0 <= i < N): the work items whose number is i modulo N. Needs --partial.",
    valueName: "i/N"))
  var shard: String?

  @Option(help: ArgumentHelp(
    "Write this shard's partial result to PATH (a JSON file for softmax-lab merge) instead of the results.",
    valueName: "PATH"))
  var partial: String?

  func validate() throws {
    _ = try parsedShard()
    if shard != nil && partial == nil { throw ValidationError("--shard needs --partial PATH (where the part is written)") }
  }

  /// The shard (the whole job without --shard).
  func parsedShard() throws -> Shard {
    guard let shard else { return .whole }
    guard let s = Shard(shard) else { throw ValidationError("--shard '\(shard)' is not i/N with 0 <= i < N") }
    return s
  }

  /// This process's command line, kept in each part as its provenance.
  static var command: String { (["softmax-lab"] + CommandLine.arguments.dropFirst()).joined(separator: " ") }
}

/// `softmax-lab merge`: the partial results of `run`, `elementary` or `search --shard i/N --partial PATH`,
/// combined into what one process would have written.
struct MergeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "merge",
    abstract: "Combine the partial results of sharded run, elementary or search jobs into what one process writes.",
    discussion: """
      Give every part of one job (shards 0/N to N-1/N, in any order). The output is byte for byte \
      what the job writes in one process: run's table, --json and --csv; elementary's and search's \
      table, or their JSON with --json. Parts of different plans, a missing or repeated shard, or a file \
      that is not a part are refused with one line on stderr.
      """)

  @Argument(help: ArgumentHelp("The partial results (--partial files).", valueName: "part"))
  var parts: [String]

  @Option(help: "Also write the results as JSON (run: the baseline format) to this file ('-': standard output instead of the table).")
  var json: String?

  @Option(help: "Also write a run's groups as CSV to this file ('-': standard output instead of the table).")
  var csv: String?

  func validate() throws {
    if parts.isEmpty { throw ValidationError("give the partial results to merge") }
    if json == "-" && csv == "-" { throw ValidationError("only one of --json and --csv can go to standard output") }
  }

  func run() throws {
    let files = try parts.map { path -> (name: String, text: String) in
      guard let data = FileManager.default.contents(atPath: path) else { throw InputError("cannot read \(path)") }
      return (path, String(decoding: data, as: UTF8.self))
    }
    let merged: MergedResult
    do {
      merged = try Merge.merge(files)
    } catch let error as PartialResultError {
      throw InputError(error.description)
    }
    let table: String
    switch merged {
    case .run(let result, let plan):
      if let json { try emit(RunOutput.json(result, plan), to: json) }
      if let csv { try emit(RunOutput.csv(result), to: csv) }
      table = RunOutput.table(result, plan)
    case .elementary(let results):
      if csv != nil { throw InputError("--csv: elementary results have a table and JSON only") }
      if let json { try emit(ElementaryOutput.json(results), to: json) }
      table = ElementaryOutput.table(results)    case .search(let plan, let result):
      if csv != nil { throw InputError("--csv: search results have a table and JSON only") }
      if let json { try emit(SearchFiles.json(plan, result), to: json) }
      table = SearchOutput.table(plan, result)
    }
    if json != "-" && csv != "-" { FileHandle.standardOutput.write(Data(table.utf8)) }
    FileHandle.standardError.write(Data("softmax-lab merge: \(parts.count) part\(parts.count == 1 ? "" : "s") merged\n".utf8))
  }
}
