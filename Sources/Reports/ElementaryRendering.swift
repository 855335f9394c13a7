import Accuracy
import Foundation
import LabSupport
import SoftmaxSpec

public enum ElementaryOutput {
  public static func table(_ results: [ElementaryAccuracy]) -> String {
    let header = ["function", "format", "inputs", "not CR", "max ULP", "worst input", "wrong specials", "method"]
    let rows = results.map { r in
      [r.function.rawValue, r.format.rawValue, String(r.inputs), String(r.notCorrectlyRounded),
       NumberText.ulp(r.maxULP, decimals: 4), r.worstInput.isNaN ? "-" : Format.hexadecimal(r.worstInput),
       String(r.wrongSpecials), r.method]
    }
    return TextTable.render(header: header, rows: rows)
  }

  public static func json(_ results: [ElementaryAccuracy]) -> String {
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
