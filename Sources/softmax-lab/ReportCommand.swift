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

  @Option(help: "Regenerate only this report and its plots (low-precision: reports/low-precision.md; peers: reports/peers.md), leaving the other files as they are.")
  var only: ReportPart?

  @Option(help: ArgumentHelp(
    "The other libraries' outputs (written by scripts/peers/run) that reports/peers.md is made from; left out when the folder does not exist (except with --only peers).",
    valueName: "dir"))
  var peers: String = "data/peers"

  @OptionGroup var threadOptions: ThreadOptions

  func run() throws {
    let bar = ProgressBar()
    let files: [ReportFile]
    var isDirectory: ObjCBool = false
    let hasPeers = FileManager.default.fileExists(atPath: peers, isDirectory: &isDirectory) && isDirectory.boolValue
    do {
      switch only {
      case .lowPrecision:
        files = try LowPrecisionStudy.run(threads: threadOptions.threads).files()
      case .peers:
        guard hasPeers else { throw InputError("--peers \(peers): no such folder (scripts/peers/run writes it)") }
        files = PeersReport(study: try PeersStudy.run(peers, threads: threadOptions.threads)).files()
      case nil:
        if !hasPeers { FileHandle.standardError.write(Data("softmax-lab report: no \(peers)/, so no peers.md\n".utf8)) }
        defer { bar.finish() }
        files = try Report.generate(exhaustive: !quick, threads: threadOptions.threads, peers: hasPeers ? peers : nil,
                                    progress: bar.isActive ? bar.update : nil)
      }
    } catch let e as PeersError {
      throw InputError(e.description)
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
  case peers
}
