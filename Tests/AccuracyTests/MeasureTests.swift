import Accuracy
import ExactReference
import SoftmaxSpec
import Testing

/// The kernel result of `op`, `variant`, `policy` in an evaluation.
func result(_ ev: RowEvaluation, _ op: Op, _ variant: Variant, _ policy: Policy = .native) -> KernelResult {
  ev.results.first { $0.op == op && $0.variant == variant && $0.policy == policy }!
}

@Suite("Measures and statuses")
struct MeasureTests {
  @Test("ULP error is |c - v| / ulp_T(v) against the exact v", arguments: Format.allCases)
  func ulpError(_ f: Format) throws {
    // softmax of three equal logits: v = 1/3 exactly; RN(1/3) and its neighbours.
    let row = try Reference.evaluate([0, 0, 0], format: f, operations: [.softmax])
    let v = row.results[.softmax]![0]
    let ulp = Double(sign: .plus, exponent: v.ulpExponent, significand: 1)
    #expect(v.ulpExponent == -2 - f.precision + 1)  // 1/3 is in the binade [1/4, 1/2)
    // 1/3 = 0.010101...b, so |RN(1/3) - 1/3| is exactly ulp/3 in every binary format; one ulp
    // further from 1/3 the error is 4/3, one ulp toward it (and past it) 2/3.
    let rn = v.rounded
    #expect(abs(Measures.ulpError(computed: rn, exact: v) - 1.0 / 3) < 1e-9)
    let away = rn > 1.0 / 3 ? rn + ulp : rn - ulp
    let toward = rn > 1.0 / 3 ? rn - ulp : rn + ulp
    #expect(abs(Measures.ulpError(computed: away, exact: v) - 4.0 / 3) < 1e-9)
    #expect(abs(Measures.ulpError(computed: toward, exact: v) - 2.0 / 3) < 1e-9)
    let next = away
    #expect(Measures.measure(computed: rn, exact: v).status == .correct)
    #expect(Measures.measure(computed: next, exact: v).status == .inaccurate)
    #expect(Measures.measure(computed: -0.0, exact: try Reference.evaluate([f.maskValue, 0], format: f,
                                                                            operations: [.softmax]).results[.softmax]![0]).status == .inaccurate)
  }

  @Test("statuses: overflow, underflow, NaN, an exact infinity, undefined",
        arguments: Format.allCases.filter { !$0.overflowsToNaN })
  func statuses(_ f: Format) throws {
    let row = try Reference.evaluate([-.infinity, 0, 1], format: f, target: 1)
    let p1 = row.results[.softmax]![1]
    let overflow = Measures.measure(computed: .infinity, exact: p1)
    #expect(overflow.status == .overflow && overflow.overflow && overflow.ulpError == .infinity)
    let underflow = Measures.measure(computed: 0, exact: p1)
    #expect(underflow.status == .underflow && underflow.underflow && !underflow.overflow)
    let logUnderflow = Measures.measure(computed: -.infinity, exact: row.results[.logSoftmax]![1])
    #expect(logUnderflow.status == .underflow && !logUnderflow.overflow)
    let nan = Measures.measure(computed: .nan, exact: p1)
    #expect(nan.status == .nan && nan.nan && nan.overflow)
    let masked = Measures.measure(computed: -.infinity, exact: row.results[.logSoftmax]![0])
    #expect(masked.status == .correct && masked.ulpError == 0)
    let wrongMasked = Measures.measure(computed: -5, exact: row.results[.logSoftmax]![0])
    #expect(wrongMasked.status == .inaccurate && wrongMasked.ulpError == .infinity)
    let undefined = try Evaluation.evaluate(row: [1, .nan], format: f, target: 0, ops: [.softmax],
                                            variants: [.fused], policies: [.native])
    #expect(undefined.results[0].measures.allSatisfy { $0.status == .undefined })
  }
  /// float8-e4m3 has no infinity: a result beyond 464 rounds to NaN, and a NaN there is correct
  /// (SPEC: "RN_T(v) NaN by overflow means v itself is out of range").
  @Test("float8-e4m3: NaN is the correct rounding beyond its range, an overflow below it")
  func e4m3Statuses() throws {
    let f = Format.float8E4M3
    // log-softmax of [448, -448]: -896 for the second, beyond the range; -0 (rounded) for the first.
    let row = try Reference.evaluate([448, -448], format: f, target: 1)
    let beyond = row.results[.logSoftmax]![1]
    #expect(beyond.rounded.isNaN)
    let nanThere = Measures.measure(computed: .nan, exact: beyond)
    #expect(nanThere.status == .correct && nanThere.ulpError == 0 && !nanThere.nan && !nanThere.overflow)
    let clamped = Measures.measure(computed: -448, exact: beyond)
    #expect(clamped.status == .inaccurate && clamped.ulpError! > 10)
    let inside = row.results[.logSoftmax]![0]
    let nanInside = Measures.measure(computed: .nan, exact: inside)
    #expect(nanInside.status == .nan && nanInside.nan && nanInside.overflow)
  }


  /// docs/definitions.md: naive float16 softmax overflows for logits near 12.
  @Test("naive float16 softmax overflows near 12; wide does not")
  func naiveFloat16Overflow() throws {
    let ev = try Evaluation.evaluate(row: [12, 0, 1], format: .float16, target: 0, ops: [.softmax],
                                     variants: [.naive, .fused], policies: [.native, .wide])
    let naive = result(ev, .softmax, .naive)
    #expect(naive.measures[0].overflow)
    #expect(naive.measures.contains { $0.status == .nan || $0.status == .overflow })
    #expect(result(ev, .softmax, .naive, .wide).measures.allSatisfy { !$0.overflow && !$0.underflow })
    #expect(result(ev, .softmax, .fused).measures.allSatisfy { !$0.overflow && !$0.underflow })
  }

  /// shifted float32 log-softmax returns -inf (underflow) for a log-prob below about -104.
  @Test("shifted float32 log-softmax underflows to -inf below about -104; fused does not")
  func shiftedFloat32Underflow() throws {
    let ev = try Evaluation.evaluate(row: [0, -105], format: .float32, target: 1, ops: [.logSoftmax, .crossEntropy],
                                     variants: [.shifted, .fused], policies: [.native])
    let shifted = result(ev, .logSoftmax, .shifted)
    #expect(shifted.output[1] == -.infinity && shifted.measures[1].status == .underflow)
    #expect(result(ev, .crossEntropy, .shifted).output == [.infinity])
    let fused = result(ev, .logSoftmax, .fused)
    #expect(fused.output[1] == -105 && fused.measures[1].status == .correct)
    let above = try Evaluation.evaluate(row: [0, -100], format: .float32, target: 1, ops: [.logSoftmax],
                                        variants: [.shifted], policies: [.native])
    #expect(above.results[0].output[1].isFinite)
  }
}
