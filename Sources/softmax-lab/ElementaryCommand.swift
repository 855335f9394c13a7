import Accuracy
import ArgumentParser
import Experiments
import Foundation
import LabSupport
import Reports
import SoftmaxSpec

/// `softmax-lab elementary`: the measured error of the kernels' own SIMD exp, log and log1p.
struct ElementaryCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "elementary",
    abstract: "Measure the ULP error of the SIMD exp, log and log1p in each format.",
    discussion: """
      float16: every bit pattern against MPFR. float32: a sample of every binade, or with \
      --exhaustive all 2^32 bit patterns (about a minute per function on 2 cores), against libm's \
      Double result, the worst input re-checked with MPFR. float64: --count random inputs plus \
      CORE-MATH's hard-to-round inputs, against MPFR. With --shard i/N --partial PATH, only shard i of \
      N is computed (the work items are every bit pattern of the 8- and 16-bit formats, 1024 chunks of \
      float32; float64's random sweep is one item), and `softmax-lab merge` combines the N parts into \
      exactly this command's table or JSON.
      """)

  @Option(name: .customLong("function"), help: "Functions, repeated or comma-separated.")
  var functions: [CommaList<ElementaryFunction>] = [CommaList(ElementaryFunction.allCases)]

  @OptionGroup var formatOptions: FormatOptions<Every<Format>>

  @Flag(help: "float32: every one of the 2^32 bit patterns instead of a sample of each binade.")
  var exhaustive = false

  @Option(help: "float64: random inputs per function.")
  var count: Int = 1_000_000

  @OptionGroup var threadOptions: ThreadOptions
  @OptionGroup var shardOptions: ShardOptions

  @Flag(help: "Print JSON instead of a table.")
  var json = false

  func validate() throws {
    guard count >= 0 else { throw ValidationError("--count must be at least 0 (got \(count))") }
    if json && shardOptions.partial != nil { throw ValidationError("--json describes the whole job: give it to softmax-lab merge, not with --partial") }
  }

  func run() throws {
    let job = ElementaryJob(functions: functions.values(), formats: formatOptions.formats, exhaustive: exhaustive, count: count)
    if let path = shardOptions.partial {
      let part = job.run(shard: try shardOptions.parsedShard(), command: ShardOptions.command, threads: threadOptions.threads)
      try emit(part.text(), to: path)
      FileHandle.standardError.write(Data("softmax-lab elementary: shard \(part.shard), \(part.inputs) inputs, written to \(path)\n".utf8))
      return
    }
    let results = job.run(threads: threadOptions.threads)
    let text = json ? ElementaryOutput.json(results) : ElementaryOutput.table(results)
    FileHandle.standardOutput.write(Data(text.utf8))
  }
}
