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

  public static func table(_ results: [BenchResult]) -> String {
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
    return TextTable.render(header: header, rows: rows)
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
