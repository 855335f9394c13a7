import Experiments
import LabSupport
import SoftmaxSpec

/// `softmax-lab search`'s table.
public enum SearchOutput {
  public static func table(_ plan: SearchPlan, _ r: SearchResult) -> String {
    let hex = Format.hexadecimal
    var out = "\(plan.op.rawValue) \(plan.variant.rawValue) \(plan.format.rawValue) \(plan.policy.rawValue)"
    out += plan.exhaustive ? ", every pair" : ", n \(plan.length), seed \(plan.seed)"
    out += ": \(r.evaluated) rows in \(r.restarts) restarts, \(r.failures) with an overflow, underflow or NaN\n\n"
    let header = ["id", "max ULP", "output", "status", "computed", "exact", "target", "logits"]
    let rows = r.worst.map { w in
      [w.id, NumberText.ulp(w.ulp), String(w.index), w.status.rawValue, hex(w.computed), hex(w.exact), String(w.target),
       w.logits.map(hex).joined(separator: " ")]
    }
    out += TextTable.render(header: header, rows: rows)
    if let f = r.firstFailure {
      out += "\nfirst failure: \(f.id), output \(f.index) \(f.status.rawValue): computed \(hex(f.computed)), exact \(hex(f.exact)), "
      out += "target \(f.target), logits \(f.logits.map(hex).joined(separator: " "))\n"
    }
    return out
  }
}
