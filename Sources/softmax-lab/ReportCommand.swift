import ArgumentParser
import Foundation
import Experiments
import Reports

/// `softmax-lab report`: regenerates reports/ (the main job).
struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "Regenerate the precision reports, plots and baseline under reports/.",
    discussion: """
      Runs every operation, variant, format, policy and case family (seed 1, default sizes) and \
      the elementary-function sweeps (float32 over all 2^32 inputs: about 7 minutes on 2 cores), \
      then writes every file through a temporary file and a rename, so an interrupted run leaves \
      the old reports intact. The same code gives the same bytes.
      """)

  @Option(help: "The folder to write.")
  var output: String = "reports"

  @Flag(help: "float32 elementary functions on a sample of every binade instead of all 2^32 inputs (faster; not the committed reports).")
  var quick = false

  @Option(help: "Regenerate only this report and its plots (low-precision: reports/low-precision.md), leaving the other files as they are.")
  var only: ReportPart?

  @OptionGroup var threadOptions: ThreadOptions

  func run() throws {
    let bar = ProgressBar()
    let files: [ReportFile]
    if only == .lowPrecision {
      files = try LowPrecisionStudy.run(threads: threadOptions.threads).files()
    } else {
      defer { bar.finish() }
      files = try Report.generate(exhaustive: !quick, threads: threadOptions.threads,
                                  progress: bar.isActive ? bar.update : nil)
    }
    do {
      try Report.write(files, to: output)
    } catch {
      throw InputError("cannot write \(output): \(error.localizedDescription)")
    }
    FileHandle.standardError.write(Data("softmax-lab report: wrote \(files.count) files to \(output)/\n".utf8))
  }
}

/// A report that `--only` regenerates alone.
enum ReportPart: String, CaseIterable, ExpressibleByArgument {
  case lowPrecision = "low-precision"
}
