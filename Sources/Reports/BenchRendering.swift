import Experiments
import Foundation
import LabSupport

public enum BenchOutput {
  static func describe(_ s: BenchSubject) -> [String] {
    switch s {
    case let .kernel(op, v, f, p): return ["simd", op.rawValue, v.rawValue, f.rawValue, p.rawValue]
    case .copy(let f): return ["copy", "-", "-", f.rawValue, "-"]
    case let .textbook(op, v, f): return ["textbook", op.rawValue, v.rawValue, f.rawValue, "native"]
    }
  }

  static let header = ["shape", "threads", "kernel", "op", "variant", "format", "policy", "median ms", "spread",
                        "G elements/s", "GB/s", "x copy"]

  /// One row of cells per result, in `header`'s order.
  static func cells(_ results: [BenchResult]) -> [[String]] {
    zip(results, Bench.copyRatios(results)).map { r, copy in
      ["\(r.shape)", String(r.threads)] + describe(r.subject) + [
        String(format: "%.3f", r.median * 1e3), String(format: "%.0f%%", 100 * r.spread),
        String(format: "%.3f", r.elementsPerSecond / 1e9), String(format: "%.2f", r.bytesPerSecond / 1e9),
        copy.map { String(format: "%.2f", $0) } ?? "-",
      ]
    }
  }

  public static func table(_ results: [BenchResult]) -> String {
    TextTable.render(header: header, rows: cells(results))
  }

  public static func json(_ results: [BenchResult]) -> String {
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
