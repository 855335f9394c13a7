import ArgumentParser
import Foundation
import PrecisionLab
import SoftmaxSpec

/// `softmax-lab elementary`: the measured error of the kernels' own SIMD exp, log and log1p.
struct ElementaryCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "elementary",
    abstract: "Measure the ULP error of the SIMD exp, log and log1p in each format.",
    discussion: """
      float16: every bit pattern against MPFR. float32: a sample of every binade, or with \\
      --exhaustive all 2^32 bit patterns (about a minute per function on 2 cores), against libm's \\
      Double result, the worst input re-checked with MPFR. float64: --count random inputs plus \\
      CORE-MATH's hard-to-round inputs, against MPFR.
      """)

  @Option(name: .customLong("function"), help: "Functions (exp, log, log1p); default all.")
  var functions: [String] = []

  @Option(name: .customLong("format"), help: "Formats (\(names(Format.self))); default all.")
  var formats: [String] = []

  @Flag(help: "float32: every one of the 2^32 bit patterns instead of a sample of each binade.")
  var exhaustive = false

  @Option(help: "float64: random inputs per function.")
  var count: Int = 1_000_000

  @Flag(help: "Print JSON instead of a table.")
  var json = false

  func run() throws {
    guard count >= 0 else { throw InputError("--count must not be negative (got \(count))") }
    let functions: [ElementaryFunction] = functions.isEmpty ? ElementaryFunction.allCases : try parseList(functions, option: "function")
    let formats: [Format] = formats.isEmpty ? Format.allCases : try parseList(formats, option: "format")
    var results: [ElementaryError] = []
    for format in formats {
      for f in functions {
        switch format {
        case .float16: results.append(ElementaryErrors.float16(f))
        case .float32: results.append(ElementaryErrors.float32(f, exhaustive: exhaustive))
        case .float64: results.append(ElementaryErrors.float64(f, count: count))
        }
      }
    }
    let text = json ? ElementaryOutput.json(results) : ElementaryOutput.table(results)
    FileHandle.standardOutput.write(Data(text.utf8))
  }
}

enum ElementaryOutput {
  static func table(_ results: [ElementaryError]) -> String {
    let header = ["function", "format", "inputs", "not CR", "max ULP", "worst input", "wrong specials", "method"]
    let rows = results.map { r in
      [r.function.rawValue, r.format.rawValue, String(r.inputs), String(r.notCorrectlyRounded),
       String(format: "%.4f", r.maxULP), r.worstInput.isNaN ? "-" : Format.hexadecimal(r.worstInput),
       String(r.wrongSpecials), r.method]
    }
    return EvalOutput.table(header: header, rows: rows)
  }

  static func json(_ results: [ElementaryError]) -> String {
    JSON.array(results.map { r in
      .object([
        ("function", .string(r.function.rawValue)), ("format", .string(r.format.rawValue)),
        ("method", .string(r.method)), ("inputs", .int(r.inputs)),
        ("notCorrectlyRounded", .int(r.notCorrectlyRounded)), ("maxULP", .number(r.maxULP)),
        ("worstInput", r.worstInput.isNaN ? .null : .string(Format.hexadecimal(r.worstInput))),
        ("wrongSpecials", .int(r.wrongSpecials)),
        ("wrongSpecialInput", r.wrongSpecialInput.map { .string(Format.hexadecimal($0)) } ?? .null),
      ])
    }).text() + "\n"
  }
}
