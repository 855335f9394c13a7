import ArgumentParser
import Foundation
import PrecisionLab
import SoftmaxSpec

/// `softmax-lab bench`: throughput of the SIMD kernels, beside a memory copy and the scalar
/// textbook kernel timed in the same run.
struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "Time the SIMD kernels (elements/s, GB/s) beside a plain copy and the scalar textbook kernel.",
    discussion: """
      Each line is the median of --repeats runs after one warm-up, with the spread (max - min) / \\
      median. Machines are shared and noisy: compare ratios taken in one run (the copy and textbook \\
      lines are there for that). Build for speed as the README says (release, -target-cpu).
      """)

  @Option(name: .customLong("op"), help: "Operations (\(names(Op.self))); default log-softmax.")
  var ops: [String] = []

  @Option(name: .customLong("variant"), help: "Variants; default every one that applies.")
  var variants: [String] = []

  @Option(name: .customLong("format"), help: "Formats; default float32.")
  var formats: [String] = []

  @Option(name: .customLong("policy"), help: "Policies; default both (float64: native).")
  var policies: [String] = []

  @Option(name: .customLong("shape"), help: "Shapes ROWSxN; default 4096x1024, 64x65536, 8x262144.")
  var shapes: [String] = []

  @Option(name: .customLong("threads"), help: "Thread counts; default 1 and every core.")
  var threads: [Int] = []

  @Option(help: "Timed runs per line, after one warm-up.")
  var repeats: Int = 7

  @Flag(help: "Print JSON instead of a table.")
  var json = false

  func run() throws {
    let ops: [Op] = ops.isEmpty ? [.logSoftmax] : try parseList(ops, option: "operation")
    let formats: [Format] = formats.isEmpty ? [.float32] : try parseList(formats, option: "format")
    let requested: [Variant] = variants.isEmpty ? Variant.allCases : try parseList(variants, option: "variant")
    let policies: [Policy] = policies.isEmpty ? Policy.allCases : try parseList(policies, option: "policy")
    var shapeList: [BenchShape] = []
    for s in shapes.flatMap({ $0.split(separator: ",").map(String.init) }) {
      guard let shape = BenchShape(s) else { throw InputError("malformed shape '\(s)': write ROWSxN, e.g. 4096x1024") }
      shapeList.append(shape)
    }
    if shapeList.isEmpty { shapeList = BenchShape.standard }
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let threadList = threads.isEmpty ? Array(Set([1, cores])).sorted() : threads
    guard threadList.allSatisfy({ $0 >= 1 }) else { throw InputError("--threads must be at least 1") }
    guard repeats >= 1 else { throw InputError("--repeats must be at least 1 (got \(repeats))") }

    var results: [BenchResult] = []
    for shape in shapeList {
      for threads in threadList {
        var subjects: [BenchSubject] = formats.map { .copy($0) }
        for format in formats {
          if threads == 1 { subjects += ops.map { .textbook($0, .fused, format) } }
          for op in ops {
            for variant in requested where variant.applies(to: op) {
              for policy in policies where format != .float64 || policy == .native {
                subjects.append(.kernel(op, variant, format, policy))
              }
            }
          }
        }
        results += Bench.run(subjects, shape: shape, threads: threads, repeats: repeats)
      }
    }
    let text = json ? BenchOutput.json(results) : BenchOutput.table(results)
    FileHandle.standardOutput.write(Data(text.utf8))
  }
}

enum BenchOutput {
  static func describe(_ s: BenchSubject) -> [String] {
    switch s {
    case let .kernel(op, v, f, p): return ["simd", op.rawValue, v.rawValue, f.rawValue, p.rawValue]
    case .copy(let f): return ["copy", "-", "-", f.rawValue, "-"]
    case let .textbook(op, v, f): return ["textbook", op.rawValue, v.rawValue, f.rawValue, "native"]
    }
  }

  static func table(_ results: [BenchResult]) -> String {
    let header = ["shape", "threads", "kernel", "op", "variant", "format", "policy", "median ms", "spread",
                  "G elements/s", "GB/s", "x copy"]
    var copies: [String: Double] = [:]
    for r in results { if case .copy(let f) = r.subject { copies["\(r.shape) \(r.threads) \(f)"] = r.median } }
    let rows = results.map { r -> [String] in
      let format = describe(r.subject)[3]
      let copy = copies["\(r.shape) \(r.threads) \(format)"]
      return ["\(r.shape)", String(r.threads)] + describe(r.subject) + [
        String(format: "%.3f", r.median * 1e3), String(format: "%.0f%%", 100 * r.spread),
        String(format: "%.3f", r.elementsPerSecond / 1e9), String(format: "%.2f", r.bytesPerSecond / 1e9),
        copy.map { String(format: "%.2f", r.median / $0) } ?? "-",
      ]
    }
    return EvalOutput.table(header: header, rows: rows)
  }

  static func json(_ results: [BenchResult]) -> String {
    JSON.array(results.map { r in
      let d = describe(r.subject)
      return .object([
        ("shape", .string("\(r.shape)")), ("threads", .int(r.threads)), ("kernel", .string(d[0])),
        ("op", .string(d[1])), ("variant", .string(d[2])), ("format", .string(d[3])), ("policy", .string(d[4])),
        ("seconds", .array(r.seconds.map { .number($0) })), ("medianSeconds", .number(r.median)),
        ("spread", .number(r.spread)), ("elementsPerSecond", .number(r.elementsPerSecond)),
        ("bytesPerSecond", .number(r.bytesPerSecond)),
      ])
    }).text() + "\n"
  }
}
