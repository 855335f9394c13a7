import ArgumentParser
import Experiments
import Foundation
import LabSupport
import Reports
import SoftmaxSpec

extension BenchShape: ExpressibleByArgument {
  public init?(argument: String) { self.init(argument) }
  public var defaultValueDescription: String { description }
}

/// `softmax-lab bench`: throughput of the SIMD kernels, beside a memory copy and the scalar
/// textbook kernel timed in the same run.
struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "Time the SIMD kernels (elements/s, GB/s) beside a plain copy and the scalar textbook kernel.",
    discussion: """
      Each line is the median of --repeats runs after one warm-up, with the spread (max - min) / \
      median. Machines are shared and noisy: compare ratios taken in one run (the copy and textbook \
      lines are there for that). Build for speed as docs/kernels.md ("Speed") says (release, -target-cpu). \
      --page DIR writes the speed page (scripts/bench: every op, variant, format and policy): DIR/speed.md, \
      with the machine, the build and the table, and DIR/plots/speed-accuracy-OP.svg, each kernel's time \
      (x copy) against its max ULP error over every family of --baseline.
      """)

  @Option(name: .customLong("op"), help: "Operations, repeated or comma-separated (default: log-softmax; with --page, every one).")
  var opList: [CommaList<Op>] = []
  @OptionGroup var variantOptions: VariantOptions
  @Option(name: .customLong("format"), help: "Formats, repeated or comma-separated (default: float32; with --page, every one).")
  var formatList: [CommaList<Format>] = []
  @OptionGroup var policyOptions: PolicyOptions

  @Option(name: .customLong("shape"), help: "Shapes ROWSxN, repeated or comma-separated.")
  var shapes: [CommaList<BenchShape>] = [CommaList(BenchShape.standard)]

  @Option(name: .customLong("threads"), help: "Thread counts to time, repeated or comma-separated (default: 1 and every core).")
  var threads: [CommaList<Int>] = []

  @Option(help: "Timed runs per line, after one warm-up.")
  var repeats: Int = 7

  @Flag(help: "Print JSON instead of a table.")
  var json = false

  @Option(help: ArgumentHelp("Also write the speed page: DIR/speed.md and its charts DIR/plots/speed-accuracy-OP.svg.",
                             valueName: "DIR"))
  var page: String?

  @Option(help: "With --page: the baseline whose max ULP errors the charts plot.")
  var baseline: String = "reports/baseline.json"

  @Option(help: ArgumentHelp("With --page: how this binary was built, as the page states it (scripts/bench passes the Swift version and flags).",
                             valueName: "TEXT"))
  var build: String?

  var ops: [Op] { opList.isEmpty ? (page == nil ? [.logSoftmax] : Op.allCases) : opList.values() }
  var formats: [Format] { formatList.isEmpty ? (page == nil ? [.float32] : Format.allCases) : formatList.values() }

  var threadCounts: [Int] {
    threads.isEmpty ? Array(Set([1, ProcessInfo.processInfo.activeProcessorCount])).sorted() : threads.values()
  }

  func validate() throws {
    guard threadCounts.allSatisfy({ $0 >= 1 }) else { throw ValidationError("--threads must be at least 1") }
    guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1 (got \(repeats))") }
  }

  func run() throws {
    // The baseline is read before the (long) timing, so that a wrong path fails at once.
    let accuracy = try page.map { _ in try Baseline.parse(try readTextFile(baseline), name: baseline) }
    let plan = BenchPlan(ops: ops, variants: variantOptions.variants(for: [.simd]), formats: formats,
                         policies: policyOptions.policies, shapes: shapes.values(), threads: threadCounts, repeats: repeats)
    let results = plan.run()
    if let page, let accuracy {
      let machine = SpeedPage.Machine.current(command: BenchCommand.commandLine(), build: build ?? BenchCommand.defaultBuild)
      let files = SpeedPage(results: results, baseline: accuracy, baselineName: baseline, machine: machine,
                            repeats: repeats).files()
      do {
        try Report.write(files, to: page)
      } catch {
        throw InputError("cannot write \(page): \(error.localizedDescription)")
      }
      FileHandle.standardError.write(Data("softmax-lab bench: wrote \(page)/\(SpeedPage.path) and \(files.count - 1) charts\n".utf8))
    }
    let text = json ? BenchOutput.json(results) : BenchOutput.table(results)
    FileHandle.standardOutput.write(Data(text.utf8))
  }

  /// What the page says of the build when --build is not given: only what the compiler tells.
  static var defaultBuild: String {
    #if DEBUG
      return "debug build (not for timing)"
    #else
      return "optimized build (compiler and flags not recorded: scripts/bench passes them with --build)"
    #endif
  }

  /// This command as typed, for the page: "softmax-lab bench --page docs ...", arguments with
  /// blanks quoted, the --build text (the page's build row) as "…".
  static func commandLine() -> String {
    var words = ["softmax-lab"], arguments = CommandLine.arguments.dropFirst()
    while let a = arguments.popFirst() {
      if a == "--build", !arguments.isEmpty {
        arguments.removeFirst()
        words += [a, "…"]
      } else if a.hasPrefix("--build=") {
        words.append("--build=…")
      } else {
        let plain = !a.isEmpty && !a.contains { " \t'\"$`\\|&;<>()*?".contains($0) }
        words.append(plain ? a : "'" + a.replacingOccurrences(of: "'", with: "'\\''") + "'")
      }
    }
    return words.joined(separator: " ")
  }
}
