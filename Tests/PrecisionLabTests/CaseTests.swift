import ExactReference
import Foundation
import PrecisionLab
import SoftmaxKernels
import SoftmaxSpec
import Testing

@Suite("The seeded generator")
struct GeneratorTests {
  /// First outputs of Vigna's reference C code (splitmix64.c, xoshiro256starstar.c), compiled here.
  @Test("SplitMix64 and xoshiro256** match the reference implementation")
  func referenceOutputs() {
    var sm = SplitMix64(state: 0)
    #expect([sm.next(), sm.next(), sm.next()] == [0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, 0x06c45d188009454f])
    var x = Xoshiro256StarStar(seed: 42)
    #expect([x.next(), x.next(), x.next(), x.next()]
            == [0x15780b2e0c2ec716, 0x6104d9866d113a7e, 0xae17533239e499a1, 0xecb8ad4703b360a1])
  }

  /// Regression anchors: these values were produced by this generator; a change to the generator
  /// or to DeterministicMath changes every case, the reports and the baseline, and must be deliberate.
  @Test("fixed seeds give fixed first values")
  func anchors() {
    var g = Xoshiro256StarStar(seed: 42)
    #expect((0..<4).map { _ in g.gaussian().bitPattern }
            == [13828088456880829303, 13820149228043321244, 4597152819617802830, 4602883928301632081])
    let c = Generator.make(.moderate, index: 0, format: .float32)
    #expect(c.logits.prefix(3).map(Format.hexadecimal) == ["0x1.993d44p+0", "-0x1.f1b2cp-1", "-0x1.77aa12p-3"])
    #expect(c.target == 28)
    let d = Generator.make(.moderate, index: 0, format: .float64)
    #expect(d.logits[0] == 0x1.993d44af780e8p+0)
    let w = Generator.make(.wideSpread, index: 17, format: .float16)
    #expect(w.logits.prefix(3).map(Format.hexadecimal) == ["-0x1.cp+0", "0x1.2cp-5", "0x1.5ecp+1"])
  }

  @Test("the same row on any thread, in any order")
  func threadIndependent() async {
    let expected = (0..<16).map { Generator.make(.temperature, index: $0, format: .float32).logits }
    let got = await withTaskGroup(of: (Int, [Double]).self) { group in
      for i in (0..<16).reversed() { group.addTask { (i, Generator.make(.temperature, index: i, format: .float32).logits) } }
      var rows = [[Double]](repeating: [], count: 16)
      for await (i, row) in group { rows[i] = row }
      return rows
    }
    #expect(got.map { $0.map(\.bitPattern) } == expected.map { $0.map(\.bitPattern) })
  }

  @Test("gaussian draws have mean 0 and variance 1; uniform draws lie in [0, 1)")
  func distributions() {
    var g = Xoshiro256StarStar(seed: 7)
    let n = 200_000
    let z = (0..<n).map { _ in g.gaussian() }
    let mean = z.reduce(0, +) / Double(n)
    let variance = z.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)
    #expect(abs(mean) < 0.01 && abs(variance - 1) < 0.01)
    let u = (0..<n).map { _ in g.uniform() }
    #expect(u.allSatisfy { $0 >= 0 && $0 < 1 })
    #expect((0..<1000).map { _ in g.index(below: 3) }.allSatisfy { (0..<3).contains($0) })
  }

  @Test("DeterministicMath.log is within 2 ulp of the platform's log")
  func deterministicLog() {
    for x in [1e-300, .leastNonzeroMagnitude, 0.1, 0.5, 1 - 0x1p-53, 1, 1.5, 2, 10, 1e10, 1.7976931348623157e308] {
      let ours = DeterministicMath.log(x), theirs = Foundation.log(x)
      #expect(abs(ours - theirs) <= 2 * max(theirs.ulp, Double.leastNormalMagnitude), "log(\(x))")
    }
    #expect(DeterministicMath.log(0) == -.infinity && DeterministicMath.log(-1).isNaN)
  }
}

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
      if c.logits.max()! > t { #expect(naive == .infinity, "\(c.id)") }
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
      #expect(naive == -.infinity, "\(c.id)")
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
  }

  @Test("special rows hold subnormals, signed zeros, inf and NaN", arguments: Format.allCases)
  func special(_ f: Format) {
    let all = Generator.cases(.special, format: f).flatMap(\.logits)
    #expect(all.contains { $0 != 0 && abs($0) < Double(sign: .plus, exponent: f.minExponent, significand: 1) })
    #expect(all.contains { $0 == 0 && $0.sign == .minus } && all.contains { $0 == 0 && $0.sign == .plus })
    #expect(all.contains(.infinity) && all.contains(-.infinity) && all.contains { $0.isNaN })
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

@Suite("The runner")
struct RunnerTests {
  /// The group computed the long way: each case evaluated and measured in order, by hand.
  @Test("aggregates equal the case-by-case evaluation of the same rows")
  func handChecked() throws {
    let plan = RunPlan(ops: [.lse, .softmax], variants: [.naive, .fused], formats: [.float16],
                       policies: [.native], families: [.seed, .largePositive], settings: CaseSettings(rows: 6, length: 5))
    let result = try Runner.run(plan, threads: 2)
    #expect(result.groups.count == 2 * 2 * 2)
    for (key, aggregate) in result.groups {
      var expected = Aggregate()
      for c in Generator.cases(key.family, format: key.format, settings: plan.settings) {
        let ev = try Evaluation.evaluate(row: c.logits, format: c.format, target: c.target, ops: [key.op],
                                         variants: [key.variant], policies: [key.policy])
        for (i, m) in ev.results[0].measures.enumerated() {
          expected.add(m, caseID: c.id, index: i, computed: ev.results[0].output[i])
        }
      }
      #expect(aggregate == expected, "\(key)")
    }
    // By hand: the 6 seed rows, lse, fused: 6 values; large-positive naive lse overflows on the rows
    // whose largest logit passes 11.09, fused never does.
    let seedLSE = result.groups.first { $0.key.family == .seed && $0.key.op == .lse && $0.key.variant == .fused }!
    #expect(seedLSE.aggregate.count == 6 && seedLSE.aggregate.overflow == 0)
    let cliff = result.groups.first { $0.key.family == .largePositive && $0.key.op == .lse && $0.key.variant == .naive }!
    let above = Generator.cases(.largePositive, format: .float16, settings: plan.settings)
      .filter { $0.logits.max()! > Thresholds(.float16).overflow }.count
    #expect(cliff.aggregate.overflow == above && above > 0)
  }

  @Test("the same aggregates with 1, 2 and 3 threads")
  func deterministic() throws {
    let plan = RunPlan(families: [.moderate, .confident, .masked, .special, .seed], settings: CaseSettings(rows: 8, length: 16))
    let one = try Runner.run(plan, threads: 1)
    for threads in [2, 3] {
      let other = try Runner.run(plan, threads: threads)
      #expect(other.groups.count == one.groups.count)
      #expect(zip(one.groups, other.groups).allSatisfy { $0.key == $1.key && $0.aggregate == $1.aggregate })
    }
  }

  @Test("a variant with no kernel of the requested kind is refused")
  func refused() {
    #expect(throws: RunError.self) { try Runner.run(RunPlan(kernels: [.textbook], variants: [.online], families: [.seed])) }
  }
}
