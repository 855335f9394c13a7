import ArgumentParser
import Experiments
import Foundation
import LabSupport
import Reports
import SoftmaxSpec

/// `softmax-lab run`: an experiment over the case families, one line of aggregates per group.
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Evaluate operations x variants x formats x policies x case families against the reference.",
    discussion: """
      Prints one line per group: values, correctly-rounded share, max and p99 ULP error over finite \
      outputs, overflow, underflow and NaN counts, and the worst case (re-run it with \
      `softmax-lab eval --case ID --format F`, with the same --seed, --rows and --n). \
      The numbers do not depend on the thread count. A progress bar is drawn on stderr when it is a terminal. \
      With --shard i/N --partial PATH, only the rows of shard i of N are evaluated and written to PATH; \
      `softmax-lab merge` combines the N parts into exactly the table, --json and --csv of one process.
      """)

  @OptionGroup var kernelOptions: KernelOptions
  @OptionGroup var opOptions: OpOptions<Every<Op>>
  @OptionGroup var variantOptions: VariantOptions
  @OptionGroup var formatOptions: FormatOptions<Every<Format>>
  @OptionGroup var policyOptions: PolicyOptions
  @OptionGroup var familyOptions: FamilyOptions
  @OptionGroup var caseOptions: CaseOptions
  @OptionGroup var threadOptions: ThreadOptions
  @OptionGroup var outputOptions: OutputOptions
  @OptionGroup var referenceOptions: ReferenceOptions
  @OptionGroup var shardOptions: ShardOptions

  @Option(help: "Also write the groups as JSON (the baseline format) to this file ('-': standard output instead of the table).")
  var json: String?

  @Option(help: "Also write the groups as CSV to this file ('-': standard output instead of the table).")
  var csv: String?

  func validate() throws {
    if json == "-" && csv == "-" { throw ValidationError("only one of --json and --csv can go to standard output") }
    if shardOptions.partial != nil && (json != nil || csv != nil) {
      throw ValidationError("--json and --csv describe the whole run: give them to softmax-lab merge, not with --partial")
    }
  }

  func makePlan() throws -> RunPlan {
    var plan = RunPlan(kernels: kernelOptions.kernels, ops: opOptions.ops,
                       variants: variantOptions.variants(for: kernelOptions.kernels), formats: formatOptions.formats,
                       policies: policyOptions.policies, families: familyOptions.families, settings: caseOptions.settings)
    plan.outputFormat = outputOptions.outputFormat
    plan.outputScaleExponent = try outputOptions.scaleExponent()
    plan.reference = referenceOptions.reference
    return plan
  }

  func run() throws {
    let plan = try makePlan()
    let start = Date()
    if let path = shardOptions.partial {
      let bar = ProgressBar()
      let part = try Runner.run(plan, shard: try shardOptions.parsedShard(), command: ShardOptions.command,
                                threads: threadOptions.threads, progress: bar.isActive ? bar.update : nil)
      bar.finish()
      try emit(part.text(), to: path)
      let seconds = String(format: "%.1f", Date().timeIntervalSince(start))
      let note = "softmax-lab run: shard \(part.shard), \(part.rowCount) of \(part.items) rows, \(part.referenceValues) reference values, "
        + "\(threadOptions.threads) threads, \(seconds) s, written to \(path)\n"
      FileHandle.standardError.write(Data(note.utf8))
      return
    }
    let result = try runWithProgress(plan, threads: threadOptions.threads)
    let seconds = Date().timeIntervalSince(start)
    if let json { try emit(RunOutput.json(result, plan), to: json) }
    if let csv { try emit(RunOutput.csv(result), to: csv) }
    if json != "-" && csv != "-" {
      FileHandle.standardOutput.write(Data(RunOutput.table(result, plan).utf8))
    }
    let threads = threadOptions.threads == 1 ? "1 thread" : "\(threadOptions.threads) threads"
    let note = String(format: "softmax-lab run: %d rows, %d reference values (%.4g%% through MPFR), ", result.rows,
                      result.referenceValues, 100 * result.mpfrShare) + threads + String(format: ", %.1f s\n", seconds)
    FileHandle.standardError.write(Data(note.utf8))
  }
}

/// Writes `text` to `path` atomically, or to standard output for "-".
func emit(_ text: String, to path: String) throws {
  if path == "-" {
    FileHandle.standardOutput.write(Data(text.utf8))
    return
  }
  do {
    try writeAtomically(text, to: path)
  } catch {
    throw InputError("cannot write \(path): \(error.localizedDescription)")
  }
}

/// Runs `plan` with a progress bar on stderr (when it is a terminal).
func runWithProgress(_ plan: RunPlan, threads: Int) throws -> RunResult {
  let bar = ProgressBar()
  defer { bar.finish() }
  return try Runner.run(plan, threads: threads, progress: bar.isActive ? bar.update : nil)
}
