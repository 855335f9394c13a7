import Accuracy
import Experiments
import Foundation
import LabSupport
import SoftmaxSpec

/// The renderings of a run.
public enum RunOutput {
  static func worst(_ a: Aggregate) -> String {
    a.worst.map { "\($0.caseID)[\($0.index)]" } ?? "-"
  }

  public static func table(_ result: RunResult, _ plan: RunPlan) -> String {
    let header = ["family", "format", "kernel", "op", "variant", "policy", "values", "CR", "max ULP", "p99 ULP",
                  "overflow", "underflow", "NaN", "undefined", "worst case"]
    let rows = result.groups.map { g -> [String] in
      let a = g.aggregate
      return [g.key.family.rawValue, g.key.format.rawValue, g.key.kernel.rawValue, g.key.op.rawValue, g.key.variant.rawValue,
              g.key.policy.rawValue, String(a.count), NumberText.percent(a.correctlyRoundedShare), NumberText.ulp(a.maxULP), NumberText.ulp(a.p99ULP),
              String(a.overflow), String(a.underflow), String(a.nan), String(a.undefined), worst(a)]
    }
    let s = plan.settings
    let delivery = plan.isMixed ? ", results in \(ResultFormat(plan.outputFormat ?? .float32, scaleExponent: plan.outputScaleExponent).description)" : ""
    return "seed \(s.seed), rows \(s.rows.map(String.init) ?? "default"), n \(s.length.map(String.init) ?? "default")\(delivery)\n"
      + TextTable.render(header: header, rows: rows)
  }

  /// The groups in the baseline format (`reports/baseline.json`), so a run's JSON is also a
  /// baseline `softmax-lab check` can hold the kernels to.
  public static func json(_ result: RunResult, _ plan: RunPlan) -> String {
    Baseline(result, settings: plan.settings, outputFormat: plan.isMixed ? plan.outputFormat : nil,
             outputScaleExponent: plan.outputScaleExponent).json()
  }

  public static func csv(_ result: RunResult) -> String {
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

/// The rendering of `check`.
public enum CheckOutput {
  public static func text(compared: Int, regressions: [any CustomStringConvertible], baseline: String) -> String {
    if regressions.isEmpty { return "check: \(compared) groups compared with \(baseline): nothing got worse\n" }
    var out = "check: \(regressions.count) regression(s) in \(compared) groups compared with \(baseline):\n"
    for r in regressions { out += "  \(r)\n" }
    return out
  }
}
