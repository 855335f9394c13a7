import Accuracy
import Experiments
import LabSupport
import SoftmaxSpec

/// The table of `softmax-lab score`: `run`'s columns, with the name of what produced the outputs.
public enum ScoreOutput {
  public static func table(_ groups: [ScoreGroup], output: ResultFormat?) -> String {
    let header = ["family", "format", "name", "op", "values", "CR", "max ULP", "p99 ULP", "overflow", "underflow", "NaN",
                  "undefined", "worst case"]
    let rows = groups.map { g -> [String] in
      let a = g.aggregate
      return [g.family, g.format.rawValue, g.name, g.op.rawValue, String(a.count), NumberText.percent(a.correctlyRoundedShare),
              NumberText.ulp(a.maxULP), NumberText.ulp(a.p99ULP), String(a.overflow), String(a.underflow), String(a.nan),
              String(a.undefined), RunOutput.worst(a)]
    }
    let delivery = output.map { "results in \($0.description); " } ?? ""
    return "\(delivery)reference: exact, correctly rounded\n" + TextTable.render(header: header, rows: rows)
  }
}
