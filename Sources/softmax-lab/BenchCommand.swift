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

/// `bench` times log-softmax unless told otherwise.
enum LogSoftmaxOnly: ListDefault {
  static let elements: [Op] = [.logSoftmax]
}

/// `bench` times float32 unless told otherwise.
enum Float32Only: ListDefault {
  static let elements: [Format] = [.float32]
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
      lines are there for that). Build for speed as docs/kernels.md ("Speed") says (release, -target-cpu).
      """)

  @OptionGroup var opOptions: OpOptions<LogSoftmaxOnly>
  @OptionGroup var variantOptions: VariantOptions
  @OptionGroup var formatOptions: FormatOptions<Float32Only>
  @OptionGroup var policyOptions: PolicyOptions

  @Option(name: .customLong("shape"), help: "Shapes ROWSxN, repeated or comma-separated.")
  var shapes: [CommaList<BenchShape>] = [CommaList(BenchShape.standard)]

  @Option(name: .customLong("threads"), help: "Thread counts to time, repeated or comma-separated (default: 1 and every core).")
  var threads: [CommaList<Int>] = []

  @Option(help: "Timed runs per line, after one warm-up.")
  var repeats: Int = 7

  @Flag(help: "Print JSON instead of a table.")
  var json = false

  var threadCounts: [Int] {
    threads.isEmpty ? Array(Set([1, ProcessInfo.processInfo.activeProcessorCount])).sorted() : threads.values()
  }

  func validate() throws {
    guard threadCounts.allSatisfy({ $0 >= 1 }) else { throw ValidationError("--threads must be at least 1") }
    guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1 (got \(repeats))") }
  }

  func run() throws {
    let plan = BenchPlan(ops: opOptions.ops, variants: variantOptions.variants(for: [.simd]), formats: formatOptions.formats,
                         policies: policyOptions.policies, shapes: shapes.values(), threads: threadCounts, repeats: repeats)
    let results = plan.run()
    let text = json ? BenchOutput.json(results) : BenchOutput.table(results)
    FileHandle.standardOutput.write(Data(text.utf8))
  }
}
