import ArgumentParser
import Foundation
import PrecisionLab
import SoftmaxSpec

/// `softmax-lab report`: regenerates reports/ (the main job).
struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "Regenerate the precision reports, plots and baseline under reports/.",
    discussion: """
      Runs every operation, variant, format, policy and case family (seed 1, default sizes) and \\
      the elementary-function sweeps (float32 over all 2^32 inputs: about 7 minutes on 2 cores), \\
      then writes every file through a temporary file and a rename, so an interrupted run leaves \\
      the old reports intact. The same code gives the same bytes.
      """)

  @Option(help: "The folder to write.")
  var output: String = "reports"

  @Flag(help: "float32 elementary functions on a sample of every binade instead of all 2^32 inputs (faster; not the committed reports).")
  var quick = false

  @Option(help: "Worker threads (default: every core). The reports do not depend on it.")
  var threads: Int = ProcessInfo.processInfo.activeProcessorCount

  func run() throws {
    guard threads >= 1 else { throw InputError("--threads must be at least 1 (got \(threads))") }
    let bar = ProgressBar()
    let files: [ReportFile]
    do {
      files = try Report.generate(exhaustive: !quick, threads: threads, progress: bar.isActive ? bar.update : nil)
    } catch let e as RunError {
      bar.finish()
      throw InputError(e.description)
    }
    bar.finish()
    let root = URL(fileURLWithPath: output)
    do {
      for file in files {
        let url = root.appendingPathComponent(file.path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try writeAtomically(file.content, to: url.path)
      }
    } catch {
      throw InputError("cannot write \(output): \(error.localizedDescription)")
    }
    FileHandle.standardError.write(Data("softmax-lab report: wrote \(files.count) files to \(output)/\n".utf8))
  }
}

/// `softmax-lab check`: runs the baseline's groups again and fails on any regression.
struct CheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Run the groups of a baseline again and fail when any got worse.",
    discussion: """
      Exits 0 when no group got worse than the baseline, 1 with one line per regression otherwise: \\
      a max or p99 ULP error above the baseline's by more than 1% + 0.01 ULP, a new overflow, \\
      underflow or NaN, a lower correctly-rounded share. Put it in a kernel's CI: \\
      softmax-lab check --baseline reports/baseline.json
      """)

  @Option(help: "The baseline to hold the kernels to.")
  var baseline: String = "reports/baseline.json"

  @Option(name: .customLong("family"), help: "Check only these families.")
  var families: [String] = []

  @Option(name: .customLong("format"), help: "Check only these formats.")
  var formats: [String] = []

  @Option(name: .customLong("op"), help: "Check only these operations.")
  var ops: [String] = []

  @Option(help: "Worker threads (default: every core).")
  var threads: Int = ProcessInfo.processInfo.activeProcessorCount

  func run() throws {
    guard threads >= 1 else { throw InputError("--threads must be at least 1 (got \(threads))") }
    let base: Baseline
    do {
      base = try Baseline.parse(try readText(baseline), name: baseline)
    } catch let e as CaseFileError {
      throw InputError(e.description)
    }
    let plan = base.plan(
      families: families.isEmpty ? nil : try parseList(families, option: "family"),
      formats: formats.isEmpty ? nil : try parseList(formats, option: "format"),
      ops: ops.isEmpty ? nil : try parseList(ops, option: "operation"))
    let result = try runWithProgress(plan, threads: threads)
    let (compared, regressions) = Check.compare(base.groups, result.groups.map { GroupSummary($0.key, $0.aggregate) })
    if regressions.isEmpty {
      print("check: \(compared) groups compared with \(baseline): nothing got worse")
      return
    }
    var out = "check: \(regressions.count) regression(s) in \(compared) groups compared with \(baseline):\n"
    for r in regressions { out += "  \(r)\n" }
    FileHandle.standardOutput.write(Data(out.utf8))
    throw ExitCode(1)
  }
}
