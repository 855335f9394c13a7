import Cases
import ExactReference
import Foundation
import SoftmaxKernels
import SoftmaxSpec
import Testing

@Suite("Case families produce what they claim")
struct CaseFamilyTests {
  @Test("every row: values of the format, the documented count, a target in range",
        arguments: CaseFamily.allCases, Format.allCases)
  func wellFormed(_ family: CaseFamily, _ f: Format) {
    let settings = CaseSettings(rows: family == .hugeN ? 1 : nil)
    let cases = Generator.cases(family, format: f, settings: settings)
    #expect(cases.count == settings.rows(family))
    for c in cases {
      #expect(c.logits.allSatisfy(f.contains))
      #expect(c.logits.indices.contains(c.target))
      #expect(c.id == "\(family.rawValue)/\(c.index)")
      if let n = family.defaultLength { #expect(c.logits.count == n) }
    }
  }

  @Test("large-positive rows overflow naive exp exactly when their largest logit passes T", arguments: Format.allCases)
  func largePositive(_ f: Format) throws {
    let t = Thresholds(f).overflow
    for c in Generator.cases(.largePositive, format: f) {
      #expect(c.parameter == c.logits.max())
      let naive = try #require(Textbook.evaluate(.lse, .naive, row: c.logits, format: f, policy: .native, target: 0))[0]
      // float8-e4m3 has no infinity: its overflow is NaN.
      if c.logits.max()! > t { #expect(naive == .infinity || (f.overflowsToNaN && naive.isNaN), "\(c.id)") }
      if c.logits.max()! < t - 5 { #expect(naive.isFinite, "\(c.id)") }  // e^(T-5) * 64 < max
    }
    let peaks = Generator.cases(.largePositive, format: f).compactMap(\.parameter)
    #expect(peaks.first! < t && peaks.last! > t)
  }

  @Test("large-negative rows underflow naive exp to a zero sum below U", arguments: Format.allCases)
  func largeNegative(_ f: Format) throws {
    let u = Thresholds(f).underflow
    for c in Generator.cases(.largeNegative, format: f) where c.logits.max()! < u - 1 {
      let naive = try #require(Textbook.evaluate(.lse, .naive, row: c.logits, format: f, policy: .native, target: 0))[0]
      // log(0): -inf, NaN in float8-e4m3 (no infinity).
      #expect(naive == -.infinity || (f.overflowsToNaN && naive.isNaN), "\(c.id)")
    }
    #expect(Generator.cases(.largeNegative, format: f).last!.logits.max()! < u)
  }

  @Test("confident rows: the top log-prob lies in [-(n-1) e^-d, 0] and the last row's underflows",
        arguments: Format.allCases)
  func confident(_ f: Format) throws {
    let cases = Generator.cases(.confident, format: f, settings: CaseSettings(rows: 16))
    for c in cases {
      let d = try #require(c.parameter)
      #expect(c.logits[c.target] == c.logits.max())
      let reference = try Reference.evaluate(c.logits, format: f, target: c.target, operations: [.logSoftmax])
      let logp = reference.results[.logSoftmax]![c.target].value.double(.nearestEven)
      #expect(logp <= 0 && logp >= -Double(c.logits.count - 1) * Foundation.exp(-d) * (1 + 1e-6), "\(c.id)")
    }
    let last = try Reference.evaluate(cases.last!.logits, format: f, target: cases.last!.target, operations: [.logSoftmax])
    let top = last.results[.logSoftmax]![cases.last!.target].rounded
    #expect(top == 0 && top.sign == .minus)
  }

  @Test("masked rows hold -inf entries; row 0 is all -inf; the target is never masked")
  func masked() {
    let cases = Generator.cases(.masked, format: .float32)
    #expect(cases[0].logits.allSatisfy { $0 == -.infinity })
    for c in cases.dropFirst() { #expect(c.logits[c.target] > -.infinity) }
    #expect(cases.last!.logits.filter { $0 == -.infinity }.count > 32)
    // float8-e4m3 has no -inf: its mask is its most negative value.
    let e4m3 = Generator.cases(.masked, format: .float8E4M3)
    #expect(e4m3[0].logits.allSatisfy { $0 == -448 })
    #expect(e4m3.last!.logits.filter { $0 == -448 }.count > 32)
    #expect(e4m3.allSatisfy { $0.logits.allSatisfy(Format.float8E4M3.contains) })
  }

  @Test("special rows hold subnormals, signed zeros, inf and NaN (float8-e4m3: -448 and NaN)", arguments: Format.allCases)
  func special(_ f: Format) {
    let all = Generator.cases(.special, format: f).flatMap(\.logits)
    #expect(all.contains { $0 != 0 && abs($0) < Double(sign: .plus, exponent: f.minExponent, significand: 1) })
    #expect(all.contains { $0 == 0 && $0.sign == .minus } && all.contains { $0 == 0 && $0.sign == .plus })
    #expect(all.contains { $0.isNaN } && all.contains(f.maskValue))
    #expect(all.contains(.infinity) == !f.overflowsToNaN)
    #expect(all.contains(f.greatestFiniteMagnitude))
  }

  @Test("huge-n, temperature, near-ties, wide-spread and seed rows have their stated parameters")
  func parameters() throws {
    #expect(Generator.cases(.hugeN, format: .float32).map(\.logits.count) == [32768, 65536, 131072, 262144])
    let taus = Generator.cases(.temperature, format: .float32).compactMap(\.parameter)
    #expect(abs(taus.first! - 1e-3) < 1e-12 && abs(taus.last! - 1e4) < 1e-6)
    for c in Generator.cases(.nearTies, format: .float32) {
      let base = try #require(c.parameter)
      let ulp = Double(sign: .plus, exponent: Int(base.exponent) - 23, significand: 1)
      #expect(c.logits.max()! - c.logits.min()! <= 2 * ulp, "\(c.id)")
    }
    let widest = try #require(Generator.cases(.wideSpread, format: .float32).last)
    let p = try Reference.evaluate(widest.logits, format: .float32, operations: [.softmax]).results[.softmax]!
    #expect(p.filter { $0.rounded == 0 }.count > widest.logits.count / 2)  // most probabilities underflow
    #expect(Generator.make(.seed, index: 0, format: .float32).logits == [2, 1, Double(Float(0.1))])
  }

  @Test("case ids: parsed, checked, and refused with a clear reason")
  func ids() throws {
    let s = CaseSettings()
    #expect(try s.parse(id: "wide-spread/17") == (.wideSpread, 17))
    #expect(throws: CaseError.malformedID("wide-spread")) { try s.parse(id: "wide-spread") }
    #expect(throws: CaseError.malformedID("moderate/x")) { try s.parse(id: "moderate/x") }
    #expect(throws: CaseError.malformedID("moderate/-1")) { try s.parse(id: "moderate/-1") }
    #expect(throws: CaseError.unknownFamily("nosuch")) { try s.parse(id: "nosuch/3") }
    #expect(throws: CaseError.indexOutOfRange(id: "moderate/64", rows: 64)) { try s.parse(id: "moderate/64") }
    #expect(throws: CaseError.indexOutOfRange(id: "seed/10", rows: 10)) { try s.parse(id: "seed/10") }
    #expect(throws: (any Error).self) { try CaseSettings(rows: 0).validated() }
    #expect(throws: (any Error).self) { try CaseSettings(length: 1).validated() }
  }
}
