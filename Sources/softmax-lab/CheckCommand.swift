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
      softmax-lab check --baseline reports/baseline.json
      """)

  @Option(help: "The baseline to hold the kernels to.")
  var baseline: String = "reports/baseline.json"

  @OptionGroup var familyOptions: FamilyOptions
  @OptionGroup var formatOptions: FormatOptions<Every<Format>>
  @OptionGroup var opOptions: OpOptions<Every<Op>>
  @OptionGroup var threadOptions: ThreadOptions

  func run() throws {
    let base = try Baseline.parse(try readTextFile(baseline), name: baseline)
    let plan = base.plan(families: familyOptions.families, formats: formatOptions.formats, ops: opOptions.ops)
    let result = try runWithProgress(plan, threads: threadOptions.threads)
    let (compared, regressions) = Check.compare(base.groups, result.groups.map { GroupSummary($0.key, $0.aggregate) })
    FileHandle.standardOutput.write(Data(CheckOutput.text(compared: compared, regressions: regressions, baseline: baseline).utf8))
    if !regressions.isEmpty { throw ExitCode(1) }
  }
}
