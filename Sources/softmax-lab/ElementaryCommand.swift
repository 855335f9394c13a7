import Accuracy
import ArgumentParser
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
      CORE-MATH's hard-to-round inputs, against MPFR.
      """)

  @Option(name: .customLong("function"), help: "Functions, repeated or comma-separated.")
  var functions: [CommaList<ElementaryFunction>] = [CommaList(ElementaryFunction.allCases)]

  @OptionGroup var formatOptions: FormatOptions<Every<Format>>

  @Flag(help: "float32: every one of the 2^32 bit patterns instead of a sample of each binade.")
  var exhaustive = false

  @Option(help: "float64: random inputs per function.")
  var count: Int = 1_000_000

  @OptionGroup var threadOptions: ThreadOptions

  @Flag(help: "Print JSON instead of a table.")
  var json = false

  func validate() throws {
    guard count >= 0 else { throw ValidationError("--count must be at least 0 (got \(count))") }
  }

  func run() throws {
    let results = formatOptions.formats.flatMap { format in
      functions.values().map { f in
        ElementarySweep.measure(f, format: format, exhaustive: exhaustive, count: count, threads: threadOptions.threads)
      }
    }
    let text = json ? ElementaryOutput.json(results) : ElementaryOutput.table(results)
    FileHandle.standardOutput.write(Data(text.utf8))
  }
}
