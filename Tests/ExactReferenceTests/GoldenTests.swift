import ExactReference
import Foundation
import SoftmaxSpec
import Testing

/// One golden row: logits, format, operation, target and the expected correctly rounded values.
struct GoldenCase: CustomTestStringConvertible, Sendable {
  let id: String
  let format: Format
  let operation: Op
  let input: [Double]
  let target: Int
  let reference: [Double]?  // nil when undefined

  var testDescription: String { id }

  static func parse(_ text: String) -> Double {
    switch text {
    case "inf": return .infinity
    case "-inf": return -.infinity
    case "nan": return .nan
    default: return Double(text)!  // Swift reads hexadecimal floats exactly
    }
  }

  static let all: [GoldenCase] = {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("Fixtures/reference.json")
    let json = try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    return (json["cases"] as! [[String: Any]]).map { c in
      GoldenCase(
        id: c["id"] as! String,
        format: Format(rawValue: c["format"] as! String)!,
        operation: Op(rawValue: c["op"] as! String)!,
        input: (c["input"] as! [String]).map(parse),
        target: c["target"] as? Int ?? 0,
        reference: (c["undefined"] as? Bool ?? false) ? nil : (c["reference"] as! [String]).map(parse))
    }
  }()
}

@Suite("Golden values (Fixtures/reference.json: exact results computed independently)")
struct GoldenTests {
  @Test("the fixture holds the 530 golden cases, in every format")
  func fixtureSize() {
    #expect(GoldenCase.all.count == 530)
    #expect(Set(GoldenCase.all.map(\.format)) == Set(Format.allCases))
  }

  @Test("the reference agrees bit for bit, sign of zero included", arguments: GoldenCase.all)
  func agrees(_ golden: GoldenCase) throws {
    let row = try Reference.evaluate(golden.input, format: golden.format, target: golden.target,
                                     operations: [golden.operation])
    guard let expected = golden.reference else {
      #expect(row.undefined)
      return
    }
    #expect(!row.undefined)
    let got = try #require(row.results[golden.operation]).map { $0.rounded }
    #expect(got.count == expected.count)
    for (i, (g, e)) in zip(got, expected).enumerated() {
      #expect(g.bitPattern == e.bitPattern || (g.isNaN && e.isNaN), "element \(i): got \(g), golden \(e)")
    }
  }
}
