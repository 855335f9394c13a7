import Accuracy
import Cases
import Experiments
import Foundation
import LabSupport
import SoftmaxSpec

/// One file of reports/: its path below reports/ and its content.
public struct ReportFile: Sendable {
  public let path: String
  public let content: String
}

/// `softmax-lab report`: every file under reports/, computed from a fixed seed. Nothing in them
/// depends on the machine, the thread count or the time (timings belong to `bench`).
public enum Report {
  public static let command = "softmax-lab report"

  /// The experiment behind the reports: both kernel kinds, every op, variant, format, policy and
  /// family, the default sizes.
  public static func plan(settings: CaseSettings = .init()) -> RunPlan {
    RunPlan(kernels: KernelKind.allCases, settings: settings)
  }

  /// Computes every report file. `peers`: the folder of the other libraries' outputs
  /// (`data/peers`), for peers.md; nil leaves peers.md out. `exhaustive`: the float32 elementary sweep over all 2^32 inputs
  /// (7 minutes here); otherwise a sample of every binade (the tests use that).
  public static func generate(settings: CaseSettings = .init(), exhaustive: Bool = true, elementaryCount: Int = 10_000_000,
                              threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                              peers: String? = nil, progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> [ReportFile]
  {
    let plan = plan(settings: settings)
    let result = try Runner.run(plan, threads: threads, progress: progress)
    let elementary = Format.allCases.flatMap { format in
      ElementaryFunction.allCases.map { f in
        ElementarySweep.measure(f, format: format, exhaustive: exhaustive, count: elementaryCount, threads: threads)
      }
    }
    let training = try TrainingExperiment.run(threads: threads)
    let literature = try LiteratureStudy.run(settings: settings, threads: threads)
    let lowPrecision = try LowPrecisionStudy.run(threads: threads)
    let peerStudy = try peers.map { try PeersStudy.run($0, threads: threads) }
    return files(result, plan: plan, elementary: elementary, exhaustive: exhaustive, elementaryCount: elementaryCount,
                 training: training, literature: literature, lowPrecision: lowPrecision, peers: peerStudy)
  }

  /// Writes `files` under `folder`, each through a temporary file and a rename (an interrupted
  /// run leaves the old file in place, never half a file).
  public static func write(_ files: [ReportFile], to folder: String) throws {
    let root = URL(fileURLWithPath: folder)
    for file in files {
      let url = root.appendingPathComponent(file.path)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try writeAtomically(file.content, to: url.path)
    }
  }

  /// The files, from a run and the elementary measurements.
  public static func files(_ result: RunResult, plan: RunPlan, elementary: [ElementaryAccuracy], exhaustive: Bool,
                           elementaryCount: Int, training: TrainingExperiment? = nil,
                           literature: LiteratureStudy? = nil, lowPrecision: LowPrecisionStudy? = nil,
                           peers: PeersStudy? = nil) -> [ReportFile]
  {
    let groups = Dictionary(result.groups.map { ($0.key, $0.aggregate) }, uniquingKeysWith: { a, _ in a })
    var files: [ReportFile] = []
    files.append(ReportFile(path: "baseline.json", content: Baseline(result, settings: plan.settings).json()))
    for op in Op.allCases { files.append(ReportFile(path: "\(op.rawValue).md", content: opReport(op, result, plan))) }
    files.append(ReportFile(path: "worst.md", content: WorstReport.markdown(WorstData.entries)))
    files.append(ReportFile(path: "elementary.md", content: elementaryReport(elementary, exhaustive: exhaustive, count: elementaryCount)))
    let plots = Plots(result: result)
    files += plots.files
    files += training?.files() ?? []
    files += literature.map { LiteratureReport(study: $0, result: result, groups: groups).files() } ?? []
    files += lowPrecision?.files() ?? []
    let peersReport = peers.map(PeersReport.init)
    files += peersReport?.files() ?? []
    files.append(ReportFile(path: "README.md", content: Findings(groups: groups, result: result, plan: plan, plots: plots,
                                                                training: training != nil, literature: literature != nil,
                                                                lowPrecision: lowPrecision != nil,
                                                                peers: peersReport?.finding()).markdown()))
    return files
  }

  static func share(_ a: Aggregate) -> String { NumberText.percent(a.correctlyRoundedShare) }

  /// reports/OP.md: per format and policy, a table of kernel x variant x family.
  static func opReport(_ op: Op, _ result: RunResult, _ plan: RunPlan) -> String {
    var out = "# \(op.rawValue)\n\nGenerated by `\(command)` (seed \(plan.settings.seed)); never edited by hand. "
    out += "Each row is one group: every value of every row of the family, against the correctly rounded MPFR reference. "
    out += "ULP errors are over finite outputs; a worst case `ID[i]` re-runs alone with `softmax-lab eval --case ID --format F --kernel K --variant V`. "
    out += "The families are described in [docs/definitions.md](../docs/definitions.md#case-families) (`softmax-lab cases list`).\n"
    for format in plan.formats {
      for policy in plan.policies(for: format) {
        out += "\n## \(format.rawValue), \(policy.rawValue)\n\n"
        out += "| kernel | variant | family | values | correctly rounded | max ULP | p99 ULP | overflow | underflow | NaN | undefined | worst case |\n"
        out += "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
        for g in result.groups where g.key.op == op && g.key.format == format && g.key.policy == policy {
          let a = g.aggregate
          out += "| \(g.key.kernel.rawValue) | \(g.key.variant.rawValue) | \(g.key.family.rawValue) | \(a.count) | \(share(a)) | \(NumberText.ulp(a.maxULP)) | \(NumberText.ulp(a.p99ULP)) | \(a.overflow) | \(a.underflow) | \(a.nan) | \(a.undefined) | \(a.worst.map { "\($0.caseID)[\($0.index)]" } ?? "-") |\n"
        }
      }
    }
    return out
  }

  static func elementaryReport(_ results: [ElementaryAccuracy], exhaustive: Bool, count: Int) -> String {
    var out = "# The SIMD exp, log and log1p\n\nGenerated by `\(command)`; never edited by hand. "
    out += "The kernels' own vectorized elementary functions (minimax polynomials, no division in exp and log, no libm, no FMA), "
    out += "against the correctly rounded result: float16 over every bit pattern (MPFR); float32 "
    out += exhaustive ? "over all 2^32 bit patterns " : "over a sample of every binade (this report was made without the exhaustive sweep) "
    out += "(libm's Double result, the worst input re-checked with MPFR); float64 over \(count) random inputs, the special values and CORE-MATH's hard-to-round inputs (MPFR).\n\n"
    out += "| function | format | inputs | max ULP | worst input | not correctly rounded | wrong special values |\n| --- | --- | --- | --- | --- | --- | --- | \n"
    for r in results {
      out += "| \(r.function.rawValue) | \(r.format.rawValue) | \(r.inputs) | \(NumberText.ulp(r.maxULP, decimals: 4)) | \(r.worstInput.isNaN ? "-" : Format.hexadecimal(r.worstInput)) | \(r.notCorrectlyRounded) (\(String(format: "%.3f", 100 * Double(r.notCorrectlyRounded) / Double(max(r.inputs, 1))))%) | \(r.wrongSpecials) |\n"
    }
    out += "\nMethods: \(Set(results.map(\.method)).sorted().joined(separator: "; ")).\n"
    return out
  }
}
