import Cases
import Foundation
import SoftmaxSpec
import Testing

@Suite("The worst family: data/worst/ embedded and read back")
struct WorstFamilyTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  static func dataFiles() throws -> [(name: String, text: String)] {
    let dir = root.appendingPathComponent("data/worst")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
    return try names.filter { $0.hasSuffix(".json") }.sorted().map {
      ($0, try String(contentsOf: dir.appendingPathComponent($0), encoding: .utf8))
    }
  }

  @Test("Sources/Cases/WorstData.swift is what data/worst/ generates (rebuild it with search --keep)")
  func embeddedMatchesData() throws {
    let generated = WorstData.swiftSource(try WorstFamilyTests.dataFiles())
    let committed = try String(contentsOf: WorstFamilyTests.root.appendingPathComponent("Sources/Cases/WorstData.swift"),
                               encoding: .utf8)
    #expect(generated == committed)
  }

  @Test("every file round-trips byte for byte, and the family holds every entry")
  func roundTrip() throws {
    var count = 0
    for f in try WorstFamilyTests.dataFiles() {
      let entries = try WorstData.parse(f.text, name: f.name)
      let format = try #require(entries.first?.format)
      #expect("\(format.rawValue).json" == f.name)
      #expect(WorstData.json(entries, format: format) == f.text)
      count += entries.count
    }
    #expect(WorstData.entries.count == count)
    #expect(CaseSettings().rows(.worst) == count && CaseFamily.worst.maximumRows == count)
  }

  @Test("a row in its own format is the kept row, bit for bit; in another, the kept row rounded")
  func rows() throws {
    for (i, e) in WorstData.entries.enumerated() {
      let own = Generator.make(.worst, index: i, format: e.format)
      #expect(own.logits.map(\.bitPattern) == e.logits.map(\.bitPattern) && own.target == e.target)
      #expect(own.id == "worst/\(i)" && own.note.contains(e.variant.rawValue))
      for f in Format.allCases {
        let c = Generator.make(.worst, index: i, format: f)
        #expect(c.logits.allSatisfy(f.contains) && c.logits.count == e.logits.count)
      }
    }
  }

  static let entry = WorstEntry(
    op: .crossEntropy, variant: .fused, format: .float16, policy: .native, kind: .maxULP, logits: [0x1.8p+3, -0x1p-14, 0],
    target: 1, ulp: 2.5, index: 0, status: "inaccurate", computed: 0x1.4p+4, exact: 0x1.48p+4,
    command: "softmax-lab search --op cross-entropy --variant fused --format float16 --policy native", seed: 3, id: "4.17",
    evaluated: 1000)

  @Test("entries written and read back are equal; a larger error supersedes, a failure stays")
  func writeAndKeep() throws {
    let e = WorstFamilyTests.entry
    let text = WorstData.json([e], format: .float16)
    #expect(try WorstData.parse(text, name: "x") == [e])
    let worse = WorstEntry(op: e.op, variant: e.variant, format: e.format, policy: e.policy, kind: .maxULP, logits: e.logits,
                           target: e.target, ulp: 3, index: 0, status: e.status, computed: e.computed, exact: e.exact,
                           command: e.command, seed: 4, id: "1.1", evaluated: 5)
    #expect(WorstData.keeping([worse], in: [e]) == [worse])
    #expect(WorstData.keeping([e], in: [worse]) == [worse])
    let other = WorstEntry(op: .lse, variant: e.variant, format: e.format, policy: e.policy, kind: .failure, logits: e.logits,
                           target: 0, ulp: 0, index: 0, status: "overflow", computed: .infinity, exact: 0x1p+15,
                           command: e.command, seed: 4, id: "1.1", evaluated: 5)
    #expect(WorstData.keeping([other], in: [e]) == [other, e])  // lse before cross-entropy
  }

  @Test("a broken data file is a one-line error naming the file",
        arguments: [
          "not json",
          #"{"format": "float17", "entries": []}"#,
          #"{"format": "float16"}"#,
          #"{"format": "float16", "entries": [{"op": "lse"}]}"#,
        ])
  func broken(_ text: String) {
    #expect { _ = try WorstData.parse(text, name: "data/worst/float16.json") } throws: { e in
      "\(e)".hasPrefix("data/worst/float16.json") && !"\(e)".contains("\n")
    }
  }

  @Test("a logit that is not a value of the format, a target out of range, a duplicate slot: one-line errors")
  func brokenEntries() {
    let good = WorstData.json([WorstFamilyTests.entry], format: .float16)
    for (bad, message) in [
      (good.replacingOccurrences(of: "\"0x1.8p+3\"", with: "\"0x1.0000001p+3\""), "not a float16 value"),
      (good.replacingOccurrences(of: "\"0x1.8p+3\"", with: "\"12\""), "hexadecimal"),
      (good.replacingOccurrences(of: "\"target\": 1", with: "\"target\": 3"), "out of range"),
      (good.replacingOccurrences(of: "\"variant\": \"fused\"", with: "\"variant\": \"chained\""), "does not apply"),
    ] {
      #expect(bad != good)
      #expect { _ = try WorstData.parse(bad, name: "f.json") } throws: { "\($0)".contains(message) && !"\($0)".contains("\n") }
    }
    let twice = good.replacingOccurrences(of: "\"entries\": [\n", with: "\"entries\": [\n" + entryText(good) + ",\n")
    #expect { _ = try WorstData.parse(twice, name: "f.json") } throws: { "\($0)".contains("a second entry") }
  }

  /// The one entry object of a file's text.
  func entryText(_ file: String) -> String {
    let start = file.range(of: "    {")!.lowerBound, end = file.range(of: "    }")!.upperBound
    return String(file[start..<end])
  }
}
