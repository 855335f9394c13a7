import ArgumentParser
import Foundation
import PrecisionLab
import SoftmaxSpec

/// `softmax-lab run`: an experiment over the case families, one line of aggregates per group.
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Evaluate operations x variants x formats x policies x case families against the reference.",
    discussion: """
      Prints one line per group: values, correctly-rounded share, max and p99 ULP error over finite \\
      outputs, overflow, underflow and NaN counts, and the worst case (re-run it with \\
      `softmax-lab eval --case ID --format F`, with the same --seed, --rows and --n). \\
      The numbers do not depend on the thread count. A progress bar is drawn on stderr when it is a terminal.
      """)

  @Option(name: .customLong("kernel"), help: "Kernels: simd and/or textbook; default simd.")
  var kernels: [String] = []

  @Option(name: .customLong("op"), help: "Operations, repeated or comma-separated (\(names(Op.self))); default all.")
  var ops: [String] = []

  @Option(name: .customLong("variant"), help: "Variants (\(names(Variant.self))); default every implemented one.")
  var variants: [String] = []

  @Option(name: .customLong("format"), help: "Formats (\(names(Format.self))); default all.")
  var formats: [String] = []

  @Option(name: .customLong("policy"), help: "Policies (native, wide); default both (float64 runs once, as native).")
  var policies: [String] = []

  @Option(name: .customLong("family"), help: "Case families (\(names(CaseFamily.self))); default all.")
  var families: [String] = []

  @OptionGroup var caseOptions: CaseOptions

  @Option(help: "Worker threads (default: every core). The results do not depend on it.")
  var threads: Int = ProcessInfo.processInfo.activeProcessorCount

  @Option(help: "Also write the groups as JSON (the baseline format) to this file ('-': standard output instead of the table).")
  var json: String?

  @Option(help: "Also write the groups as CSV to this file ('-': standard output instead of the table).")
  var csv: String?

  func run() throws {
    guard threads >= 1 else { throw InputError("--threads must be at least 1 (got \(threads))") }
    let kernels: [KernelKind] = kernels.isEmpty ? [.simd] : try parseList(kernels, option: "kernel")
    let plan = RunPlan(
      kernels: kernels,
      ops: ops.isEmpty ? Op.allCases : try parseList(ops, option: "operation"),
      variants: variants.isEmpty
        ? Variant.allCases.filter { v in kernels.contains { Kernels.variants($0).contains(v) } }
        : try parseList(variants, option: "variant"),
      formats: formats.isEmpty ? Format.allCases : try parseList(formats, option: "format"),
      policies: policies.isEmpty ? Policy.allCases : try parseList(policies, option: "policy"),
      families: families.isEmpty ? CaseFamily.allCases : try parseList(families, option: "family"),
      settings: try caseOptions.settings())
    if json == "-" && csv == "-" { throw InputError("only one of --json and --csv can go to standard output") }
    let start = Date()
    let result = try runWithProgress(plan, threads: threads)
    let seconds = Date().timeIntervalSince(start)
    if let json {
      try emit(RunOutput.json(result, plan), to: json)
    }
    if let csv {
      try emit(RunOutput.csv(result), to: csv)
    }
    if json != "-" && csv != "-" {
      FileHandle.standardOutput.write(Data(RunOutput.table(result, plan).utf8))
    }
    let note = String(format: "softmax-lab run: %d rows, %d reference values, %d threads, %.1f s\n",
                      result.rows, result.referenceValues, threads, seconds)
    FileHandle.standardError.write(Data(note.utf8))
  }

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
}

/// Runs `plan` with a progress bar on stderr (when it is a terminal); a run error becomes a
/// one-line input error.
func runWithProgress(_ plan: RunPlan, threads: Int) throws -> RunResult {
  let bar = ProgressBar()
  defer { bar.finish() }
  do {
    return try Runner.run(plan, threads: threads, progress: bar.isActive ? bar.update : nil)
  } catch let e as RunError {
    throw InputError(e.description)
  }
}

/// A progress bar on stderr, drawn only when stderr is a terminal.
final class ProgressBar: @unchecked Sendable {
  let isActive = isatty(STDERR_FILENO) != 0
  private let lock = NSLock()
  private var lastDraw = Date.distantPast

  func update(_ done: Int, _ total: Int) {
    lock.lock()
    defer { lock.unlock() }
    guard done == total || Date().timeIntervalSince(lastDraw) > 0.1 else { return }
    lastDraw = Date()
    let width = 30, filled = total == 0 ? width : width * done / total
    let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
    FileHandle.standardError.write(Data("\r[\(bar)] \(done)/\(total) rows".utf8))
  }

  func finish() {
    guard isActive else { return }
    FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
  }
}

/// The renderings of a run.
enum RunOutput {
  static func ulp(_ x: Double?) -> String {
    guard let x else { return "-" }
    return String(format: "%.3g", x)
  }

  static func share(_ x: Double?) -> String {
    guard let x else { return "-" }
    return String(format: "%.1f%%", 100 * x)
  }

  static func worst(_ a: Aggregate) -> String {
    a.worst.map { "\($0.caseID)[\($0.index)]" } ?? "-"
  }

  static func table(_ result: RunResult, _ plan: RunPlan) -> String {
    let header = ["family", "format", "kernel", "op", "variant", "policy", "values", "CR", "max ULP", "p99 ULP",
                  "overflow", "underflow", "NaN", "undefined", "worst case"]
    let rows = result.groups.map { g -> [String] in
      let a = g.aggregate
      return [g.key.family.rawValue, g.key.format.rawValue, g.key.kernel.rawValue, g.key.op.rawValue, g.key.variant.rawValue,
              g.key.policy.rawValue, String(a.count), share(a.correctlyRoundedShare), ulp(a.maxULP), ulp(a.p99ULP),
              String(a.overflow), String(a.underflow), String(a.nan), String(a.undefined), worst(a)]
    }
    let s = plan.settings
    return "seed \(s.seed), rows \(s.rows.map(String.init) ?? "default"), n \(s.length.map(String.init) ?? "default")\n"
      + EvalOutput.table(header: header, rows: rows)
  }

  /// The groups in the baseline format (`reports/baseline.json`), so a run's JSON is also a
  /// baseline `softmax-lab check` can hold the kernels to.
  static func json(_ result: RunResult, _ plan: RunPlan) -> String {
    Baseline(result, settings: plan.settings).json()
  }

  static func csv(_ result: RunResult) -> String {
    var out = "family,format,kernel,op,variant,policy,values,correctlyRounded,maxULP,p99ULP,meanULP,overflow,underflow,nan,undefined,worstCase,worstIndex\n"
    for g in result.groups {
      let a = g.aggregate
      let fields: [String] = [
        g.key.family.rawValue, g.key.format.rawValue, g.key.kernel.rawValue, g.key.op.rawValue, g.key.variant.rawValue, g.key.policy.rawValue,
        String(a.count), String(a.correctlyRounded), a.maxULP.map { $0.description } ?? "",
        a.p99ULP.map { $0.description } ?? "", a.meanULP.map { $0.description } ?? "",
        String(a.overflow), String(a.underflow), String(a.nan), String(a.undefined),
        a.worst?.caseID ?? "", a.worst.map { String($0.index) } ?? "",
      ]
      out += fields.joined(separator: ",") + "\n"
    }
    return out
  }
}
