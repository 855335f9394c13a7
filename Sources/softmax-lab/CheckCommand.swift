import ArgumentParser
import Experiments
import Foundation
import LabSupport
import Reports
import SoftmaxSpec

/// `softmax-lab check`: runs the baseline's groups again and fails on any regression.
struct CheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Run the groups of a baseline again and fail when any got worse.",
    discussion: """
      Exits 0 when no group got worse than the baseline, 1 with one line per regression otherwise: \
      a max or p99 ULP error above the baseline's by more than 1% + 0.01 ULP, a new overflow, \
      underflow or NaN, a lower correctly-rounded share. Put it in a kernel's CI: \
      softmax-lab check --baseline reports/baseline.json. A library scored with `softmax-lab score \
      --json` is held to a baseline of its own the same way: softmax-lab check --baseline \
      torch-baseline.json --current torch-now.json (both written by score --json; groups are matched \
      by family, format, name and operation).
      """)

  @Option(help: "The baseline to hold the kernels to: a run's (reports/baseline.json, run --json) or a score's (score --json).")
  var baseline: String = "reports/baseline.json"

  @Option(help: ArgumentHelp(
    "Compare this file (run --json or score --json, the same kind as the baseline) instead of running the kernels again; required with a score's baseline.",
    valueName: "file"))
  var current: String?

  @OptionGroup var familyOptions: FamilyOptions
  @OptionGroup var formatOptions: FormatOptions<Every<Format>>
  @OptionGroup var opOptions: OpOptions<Every<Op>>
  @OptionGroup var threadOptions: ThreadOptions

  func run() throws {
    let file = try BaselineFile.parse(try readTextFile(baseline), name: baseline)
    if let current {
      let now = try BaselineFile.parse(try readTextFile(current), name: current)
      let compared: Int, regressions: [any CustomStringConvertible]
      switch (file, now) {
      case let (.run(b), .run(c)): (compared, regressions) = Check.compare(b.groups, c.groups)
      case let (.score(b), .score(c)): (compared, regressions) = Check.compare(b, c)
      default:
        throw InputError("\(baseline) and \(current) are not the same kind: give two score --json files or two run --json files")
      }
      FileHandle.standardOutput.write(Data(CheckOutput.text(compared: compared, regressions: regressions, baseline: baseline).utf8))
      if !regressions.isEmpty { throw ExitCode(1) }
      return
    }
    guard case .run(let base) = file else {
      throw InputError("\(baseline) is a score (score --json): give what is scored now with --current FILE (softmax-lab score ... --json FILE)")
    }
    let plan = base.plan(families: familyOptions.families, formats: formatOptions.formats, ops: opOptions.ops)
    let result = try runWithProgress(plan, threads: threadOptions.threads)
    let (compared, regressions) = Check.compare(base.groups, result.groups.map { GroupSummary($0.key, $0.aggregate) })
    FileHandle.standardOutput.write(Data(CheckOutput.text(compared: compared, regressions: regressions, baseline: baseline).utf8))
    if !regressions.isEmpty { throw ExitCode(1) }
  }
}
