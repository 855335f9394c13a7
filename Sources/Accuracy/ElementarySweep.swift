import Cases
import Dispatch
import ExactReference
import Foundation
import LabSupport
import SoftmaxKernels
import SoftmaxSpec

/// The measured error of one SIMD elementary function in one format.
public struct ElementaryAccuracy: Sendable {
  public let function: ElementaryFunction
  public let format: Format
  /// How the inputs were chosen ("every finite Float16", "all 2^32 Float bit patterns", ...).
  public let method: String
  /// Inputs evaluated (NaN results of NaN inputs included).
  public let inputs: Int
  /// Outputs that are not the correctly rounded value.
  public let notCorrectlyRounded: Int
  /// The largest ULP error, re-checked with MPFR at its input, and that input.
  public let maxULP: Double
  public let worstInput: Double
  /// Outputs that are inf, NaN or a zero of the wrong sign where the correctly rounded result is
  /// not that value (a finite result off by some ULPs, zero included, counts in maxULP instead).
  public let wrongSpecials: Int
  /// The first such input, if any.
  public let wrongSpecialInput: Double?
}

/// Measures the SIMD exp, log and log1p of `Elementary` against references:
/// - float16, bfloat16, float8-e4m3, float8-e5m2: every bit pattern against MPFR, correctly
///   rounded (bfloat16 and float8 computed in Float lanes and rounded once to the format);
/// - float32: all 2^32 bit patterns (`exhaustive`) or a sample of every binade, against the
///   Double result of the platform's libm (its error, below 2^-52 relative, moves a float32 ULP
///   error by less than 2^-28), the worst input re-checked with MPFR;
/// - float64: random inputs spread over every binade of the domain plus CORE-MATH's hard-to-round
///   inputs, against MPFR.
public enum ElementarySweep {
  /// The sweep of `f` in `format`: every float16; all 2^32 floats (`exhaustive`) or a sample of
  /// every binade; `count` random float64 inputs plus the hard-to-round ones.
  public static func measure(_ f: ElementaryFunction, format: Format, exhaustive: Bool, count: Int,
                             threads: Int = ProcessInfo.processInfo.activeProcessorCount) -> ElementaryAccuracy
  {
    switch format {
    case .float16: return float16(f)
    case .float32: return float32(f, exhaustive: exhaustive, threads: threads)
    case .float64: return float64(f, count: count, threads: threads)
    case .bfloat16: return emulated(f, BFloat16.self)
    case .float8E4M3: return emulated(f, Float8E4M3.self)
    case .float8E5M2: return emulated(f, Float8E5M2.self)
    }
  }

  /// The SIMD function on a buffer of Floats (SIMD16 lanes, the tail padded).
  public static func evaluate(_ f: ElementaryFunction, _ x: [Float]) -> [Float] {
    var out = [Float](repeating: 0, count: x.count)
    var i = 0
    while i < x.count {
      var v = SIMD16<Float>(repeating: 1)
      let n = min(16, x.count - i)
      for j in 0..<n { v[j] = x[i + j] }
      let r: SIMD16<Float>
      switch f {
      case .exp: r = Elementary.exp(v)
      case .log: r = Elementary.log(v)
      case .log1p: r = Elementary.log1p(v)
      }
      for j in 0..<n { out[i + j] = r[j] }
      i += 16
    }
    return out
  }

  public static func evaluate(_ f: ElementaryFunction, _ x: [Double]) -> [Double] {
    var out = [Double](repeating: 0, count: x.count)
    var i = 0
    while i < x.count {
      var v = SIMD8<Double>(repeating: 1)
      let n = min(8, x.count - i)
      for j in 0..<n { v[j] = x[i + j] }
      let r: SIMD8<Double>
      switch f {
      case .exp: r = Elementary.exp(v)
      case .log: r = Elementary.log(v)
      case .log1p: r = Elementary.log1p(v)
      }
      for j in 0..<n { out[i + j] = r[j] }
      i += 8
    }
    return out
  }

  public static func evaluate(_ f: ElementaryFunction, _ x: [Float16]) -> [Float16] {
    evaluate(f, x.map { Float($0) }).map { Float16($0) }
  }

  /// Accumulates errors against the MPFR reference.
  struct Tally {
    var inputs = 0, notCR = 0, wrongSpecials = 0
    var maxULP = 0.0, worst = Double.nan
    var specialInput: Double? = nil

    mutating func add(_ c: Double, input x: Double, _ f: ElementaryFunction, _ format: Format) {
      inputs += 1
      guard let v = ElementaryReference.evaluate(f, x, format: format) else {
        if !c.isNaN {
          wrongSpecials += 1
          notCR += 1
          specialInput = specialInput ?? x
        }
        return
      }
      let m = Measures.measure(computed: c, exact: v)
      if !m.correctlyRounded { notCR += 1 }
      if !c.isFinite || !v.rounded.isFinite || (c == 0 && v.rounded == 0 && c.sign != v.rounded.sign) {
        if !m.correctlyRounded {
          wrongSpecials += 1
          specialInput = specialInput ?? x
        }
        return
      }
      if let e = m.ulpError, e > maxULP {
        maxULP = e
        worst = x
      }
    }
  }

  /// Every Float16 bit pattern.
  public static func float16(_ f: ElementaryFunction) -> ElementaryAccuracy {
    let inputs = (0...UInt16.max).map { Float16(bitPattern: $0) }
    let outputs = evaluate(f, inputs)
    var t = Tally()
    for (x, c) in zip(inputs, outputs) { t.add(Double(c), input: Double(x), f, .float16) }
    return ElementaryAccuracy(function: f, format: .float16, method: "every one of the 65536 Float16 bit patterns, against MPFR",
                           inputs: t.inputs, notCorrectlyRounded: t.notCR, maxULP: t.maxULP, worstInput: t.worst,
                           wrongSpecials: t.wrongSpecials, wrongSpecialInput: t.specialInput)
  }

  /// Every bit pattern of an emulated format (bfloat16, float8): computed in Float lanes, rounded
  /// once to the format, as the kernels do, against MPFR.
  public static func emulated<S: EmulatedFormat>(_ f: ElementaryFunction, _: S.Type) -> ElementaryAccuracy {
    let inputs = (0...Int(S.Bits.max)).map { S(bitPattern: S.Bits($0)).double }
    let outputs = evaluate(f, inputs.map { Float($0) }).map { S.format.round(Double($0)) }
    var t = Tally()
    for (x, c) in zip(inputs, outputs) { t.add(c, input: x, f, S.format) }
    return ElementaryAccuracy(function: f, format: S.format,
                              method: "every one of the \(inputs.count) \(S.format.rawValue) bit patterns, against MPFR",
                              inputs: t.inputs, notCorrectlyRounded: t.notCR, maxULP: t.maxULP, worstInput: t.worst,
                              wrongSpecials: t.wrongSpecials, wrongSpecialInput: t.specialInput)
  }

  /// The ULP error of a float32 result against a Double reference value.
  @inline(__always)
  static func float32Error(_ c: Float, _ reference: Double) -> Double {
    let rounded = Float(reference)
    if !c.isFinite || !rounded.isFinite { return c == rounded || (c.isNaN && rounded.isNaN) ? 0 : .infinity }
    let e = reference == 0 ? -126 : max(Int(reference.exponent), -126)
    return abs(Double(c) - reference) / Double(sign: .plus, exponent: e - 23, significand: 1)
  }

  @inline(__always)
  static func libm(_ f: ElementaryFunction, _ x: Double) -> Double {
    switch f {
    case .exp: return Foundation.exp(x)
    case .log: return Foundation.log(x)
    case .log1p: return Foundation.log1p(x)
    }
  }

  /// Float inputs: all 2^32 bit patterns when `exhaustive`, otherwise `perBinade` inputs from each
  /// binade of each sign (plus the special values), on `threads` threads.
  public static func float32(_ f: ElementaryFunction, exhaustive: Bool, perBinade: Int = 2000,
                             threads: Int = ProcessInfo.processInfo.activeProcessorCount) -> ElementaryAccuracy
  {
    let chunks = 1024
    typealias Partial = (inputs: Int, notCR: Int, specials: Int, max: Double, worst: Float, special: Float?)
    let shared = Locked<Partial>((0, 0, 0, 0, .nan, nil))
    /// Measures the inputs of one chunk and merges its tally (the merge is order-independent:
    /// sums, and the worst input chosen by (error, then smallest bit pattern)).
    @Sendable func measure(chunk: Int) {
      var inputs: [Float] = []
      if exhaustive {
        let start = UInt32(chunk) << 22
        inputs = (0..<(1 << 22)).map { Float(bitPattern: start &+ UInt32($0)) }
      } else {
        // chunk -> (sign, binade): 2 x 256 exponents fill 512 chunks; the rest stay empty.
        guard chunk < 512 else { return }
        let sign = UInt32(chunk / 256) << 31, exponent = UInt32(chunk % 256) << 23
        var state = UInt64(chunk) &* 0x9E37_79B9_7F4A_7C15 &+ 1
        inputs = (0..<perBinade).map { i in
          state = state &* 6364136223846793005 &+ 1442695040888963407
          let mantissa = i < 2 ? UInt32(i) * 0x7f_ffff : UInt32(truncatingIfNeeded: state >> 41) & 0x7f_ffff
          return Float(bitPattern: sign | exponent | mantissa)
        }
      }
      let outputs = evaluate(f, inputs)
      var local: Partial = (0, 0, 0, 0, .nan, nil)
      for (x, c) in zip(inputs, outputs) {
        local.inputs += 1
        let reference = libm(f, Double(x))
        let rounded = Float(reference)
        if c.bitPattern != rounded.bitPattern && !(c.isNaN && rounded.isNaN) {
          local.notCR += 1
          if !c.isFinite || !rounded.isFinite || (c == 0 && rounded == 0) {
            local.specials += 1  // inf, NaN or the sign of zero
            local.special = local.special ?? x
            continue
          }
        }
        let e = float32Error(c, reference)
        if e > local.max {
          local.max = e
          local.worst = x
        }
      }
      shared.withLock { total in
        total.inputs += local.inputs
        total.notCR += local.notCR
        total.specials += local.specials
        if let x = local.special, total.special.map({ x.bitPattern < $0.bitPattern }) ?? true { total.special = x }
        if local.max > total.max || (local.max == total.max && local.worst.bitPattern < total.worst.bitPattern) {
          total.max = local.max
          total.worst = local.worst
        }
      }
    }
    let workers = max(1, min(threads, chunks))
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
      for chunk in stride(from: worker, to: chunks, by: workers) { measure(chunk: chunk) }
    }
    let total = shared.withLock { $0 }
    // Re-check the worst input with MPFR.
    var maxULP = total.max
    if !total.worst.isNaN, let v = ElementaryReference.evaluate(f, Double(total.worst), format: .float32) {
      let c = evaluate(f, [total.worst])[0]
      maxULP = Measures.ulpError(computed: Double(c), exact: v)
    }
    return ElementaryAccuracy(
      function: f, format: .float32,
      method: exhaustive ? "all 2^32 Float bit patterns against libm's Double result; the worst re-checked with MPFR"
        : "\(perBinade) inputs from every binade of each sign against libm's Double result; the worst re-checked with MPFR",
      inputs: total.inputs, notCorrectlyRounded: total.notCR, maxULP: maxULP, worstInput: Double(total.worst),
      wrongSpecials: total.specials, wrongSpecialInput: total.special.map(Double.init))
  }

  /// Double inputs: `count` random inputs spread over every binade of the domain, the special
  /// values, and CORE-MATH's hard-to-round inputs, against MPFR.
  public static func float64(_ f: ElementaryFunction, count: Int, seed: UInt64 = 1,
                             threads: Int = ProcessInfo.processInfo.activeProcessorCount) -> ElementaryAccuracy
  {
    var rng = Xoshiro256StarStar(seed: seed)
    var inputs: [Double] = HardToRoundInputs.inputs(f)
    inputs += [0, -0.0, 1, -1, .infinity, -.infinity, .nan, .leastNonzeroMagnitude, .leastNormalMagnitude,
               .greatestFiniteMagnitude, 709.782712893383973096, 709.79, -745.13321910194110842, -745.2, -708.4]
    for _ in 0..<count {
      let x: Double
      switch f {
      case .exp:  // the interesting range, then any binade
        x = rng.uniform() < 0.8 ? rng.uniform(-746, 710)
          : Double(sign: rng.uniform() < 0.5 ? .minus : .plus, exponent: rng.index(below: 70) - 60, significand: 1 + rng.uniform())
      case .log:
        x = Double(bitPattern: UInt64(rng.index(below: 0x7fef_ffff_ffff_ffff)) + 1)
      case .log1p:
        x = rng.uniform() < 0.3 ? rng.uniform(-1, 1)
          : Double(sign: .plus, exponent: rng.index(below: 2046) - 1022, significand: 1 + rng.uniform()) * (rng.uniform() < 0.1 ? -1 : 1)
      }
      inputs.append(x)
    }
    let all = inputs
    let outputs = evaluate(f, all)
    let parts = max(1, threads)
    let shared = Locked<[Tally]>([])
    DispatchQueue.concurrentPerform(iterations: parts) { part in
      var t = Tally()
      var i = part
      while i < all.count {
        t.add(outputs[i], input: all[i], f, .float64)
        i += parts
      }
      shared.withLock { $0.append(t) }
    }
    var total = Tally()
    for t in shared.withLock({ $0 }) {
      total.inputs += t.inputs
      total.notCR += t.notCR
      total.wrongSpecials += t.wrongSpecials
      if let x = t.specialInput, total.specialInput.map({ x < $0 }) ?? true { total.specialInput = x }
      if t.maxULP > total.maxULP || (t.maxULP == total.maxULP && t.worst < total.worst) {
        total.maxULP = t.maxULP
        total.worst = t.worst
      }
    }
    return ElementaryAccuracy(function: f, format: .float64,
                           method: "\(count) random inputs over the domain, special values and \(HardToRoundInputs.inputs(f).count) CORE-MATH hard-to-round inputs, against MPFR",
                           inputs: total.inputs, notCorrectlyRounded: total.notCR, maxULP: total.maxULP,
                           worstInput: total.worst, wrongSpecials: total.wrongSpecials,
                           wrongSpecialInput: total.specialInput)
  }
}
