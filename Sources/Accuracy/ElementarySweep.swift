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

/// A sweep's tally over some of its work items. Tallies of disjoint items merge exactly and in
/// any order into the tally of all of them: sums, and the worst and first special inputs chosen by
/// (largest error, then smallest key) and smallest key, a key being the input's place in the sweep.
public struct ElementaryTally: Sendable, Equatable {
  /// An input and its key (its bit pattern; 0 in the float64 sweep, which is one work item).
  public struct Input: Sendable, Equatable {
    public let key: UInt64
    public let value: Double

    public init(key: UInt64, value: Double) {
      self.key = key
      self.value = value
    }
  }

  public var inputs = 0
  public var notCorrectlyRounded = 0
  public var wrongSpecials = 0
  /// The largest ULP error (0 when none is above 0) and its input (float32: against libm, before
  /// the MPFR re-check of `ElementarySweep.result`).
  public var maxULP = 0.0
  public var worst: Input? = nil
  /// The first input whose output is a wrong inf, NaN or signed zero.
  public var special: Input? = nil

  public init(inputs: Int = 0, notCorrectlyRounded: Int = 0, wrongSpecials: Int = 0, maxULP: Double = 0,
              worst: Input? = nil, special: Input? = nil)
  {
    self.inputs = inputs
    self.notCorrectlyRounded = notCorrectlyRounded
    self.wrongSpecials = wrongSpecials
    self.maxULP = maxULP
    self.worst = worst
    self.special = special
  }

  /// Adds the tally of other items.
  public mutating func merge(_ other: ElementaryTally) {
    inputs += other.inputs
    notCorrectlyRounded += other.notCorrectlyRounded
    wrongSpecials += other.wrongSpecials
    if let s = other.special, special.map({ s.key < $0.key }) ?? true { special = s }
    if let w = other.worst, other.maxULP > maxULP || (other.maxULP == maxULP && worst.map { w.key < $0.key } ?? true) {
      maxULP = other.maxULP
      worst = w
    }
  }
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
    result(f, format: format, exhaustive: exhaustive, count: count,
           tally: tally(f, format: format, exhaustive: exhaustive, count: count, threads: threads))
  }

  /// The work items of a sweep, what `--shard` divides: each bit pattern of float16, bfloat16 and
  /// float8; each of the 1024 chunks of float32; float64's random sweep is one item.
  public static func items(_ format: Format) -> Int {
    switch format {
    case .float16, .bfloat16: return 1 << 16
    case .float8E4M3, .float8E5M2: return 1 << 8
    case .float32: return float32Chunks
    case .float64: return 1
    }
  }

  /// The tally of the sweep's work items that `shard` takes, the sweep's items numbered from
  /// `firstItem` (so that several sweeps share one numbering).
  public static func tally(_ f: ElementaryFunction, format: Format, exhaustive: Bool, count: Int,
                           threads: Int = ProcessInfo.processInfo.activeProcessorCount, shard: Shard = .whole,
                           firstItem: Int = 0) -> ElementaryTally
  {
    let take: @Sendable (Int) -> Bool = { shard.contains(firstItem + $0) }
    switch format {
    case .float16: return float16Tally(f, take)
    case .float32: return float32Tally(f, exhaustive: exhaustive, perBinade: float32PerBinade, threads: threads, take)
    case .float64: return take(0) ? float64Tally(f, count: count, seed: float64Seed, threads: threads) : ElementaryTally()
    case .bfloat16: return emulatedTally(f, BFloat16.self, take)
    case .float8E4M3: return emulatedTally(f, Float8E4M3.self, take)
    case .float8E5M2: return emulatedTally(f, Float8E5M2.self, take)
    }
  }

  /// The sweep's result from the tally of all its items (float32: the worst input re-checked with MPFR).
  public static func result(_ f: ElementaryFunction, format: Format, exhaustive: Bool, count: Int,
                            tally t: ElementaryTally, perBinade: Int = float32PerBinade) -> ElementaryAccuracy
  {
    let method: String
    var maxULP = t.maxULP
    switch format {
    case .float16: method = "every one of the 65536 Float16 bit patterns, against MPFR"
    case .bfloat16, .float8E4M3, .float8E5M2:
      method = "every one of the \(items(format)) \(format.rawValue) bit patterns, against MPFR"
    case .float32:
      method = exhaustive ? "all 2^32 Float bit patterns against libm's Double result; the worst re-checked with MPFR"
        : "\(perBinade) inputs from every binade of each sign against libm's Double result; the worst re-checked with MPFR"
      if let w = t.worst, let v = ElementaryReference.evaluate(f, w.value, format: .float32) {
        let c = evaluate(f, [Float(w.value)])[0]
        maxULP = Measures.ulpError(computed: Double(c), exact: v)
      }
    case .float64:
      method = "\(count) random inputs over the domain, special values and \(HardToRoundInputs.inputs(f).count) CORE-MATH hard-to-round inputs, against MPFR"
    }
    return ElementaryAccuracy(function: f, format: format, method: method, inputs: t.inputs,
                              notCorrectlyRounded: t.notCorrectlyRounded, maxULP: maxULP, worstInput: t.worst?.value ?? .nan,
                              wrongSpecials: t.wrongSpecials, wrongSpecialInput: t.special?.value)
  }

  static let float32Chunks = 1024
  /// Inputs per binade and sign of the float32 sample (without --exhaustive).
  public static let float32PerBinade = 2000
  static let float64Seed: UInt64 = 1

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

  /// Accumulates errors against the MPFR reference, inputs in increasing `key` order.
  struct Tally {
    var inputs = 0, notCR = 0, wrongSpecials = 0
    var maxULP = 0.0, worst = Double.nan, worstKey: UInt64 = 0
    var specialInput: Double? = nil, specialKey: UInt64 = 0

    mutating func add(_ c: Double, input x: Double, key: UInt64 = 0, _ f: ElementaryFunction, _ format: Format) {
      inputs += 1
      guard let v = ElementaryReference.evaluate(f, x, format: format) else {
        if !c.isNaN {
          wrongSpecials += 1
          notCR += 1
          noteSpecial(x, key)
        }
        return
      }
      let m = Measures.measure(computed: c, exact: v)
      if !m.correctlyRounded { notCR += 1 }
      if !c.isFinite || !v.rounded.isFinite || (c == 0 && v.rounded == 0 && c.sign != v.rounded.sign) {
        if !m.correctlyRounded {
          wrongSpecials += 1
          noteSpecial(x, key)
        }
        return
      }
      if let e = m.ulpError, e > maxULP {
        maxULP = e
        worst = x
        worstKey = key
      }
    }

    private mutating func noteSpecial(_ x: Double, _ key: UInt64) {
      if specialInput == nil {
        specialInput = x
        specialKey = key
      }
    }

    var tally: ElementaryTally {
      ElementaryTally(inputs: inputs, notCorrectlyRounded: notCR, wrongSpecials: wrongSpecials, maxULP: maxULP,
                      worst: worst.isNaN ? nil : .init(key: worstKey, value: worst),
                      special: specialInput.map { .init(key: specialKey, value: $0) })
    }
  }

  /// Every Float16 bit pattern.
  public static func float16(_ f: ElementaryFunction) -> ElementaryAccuracy {
    result(f, format: .float16, exhaustive: true, count: 0, tally: float16Tally(f) { _ in true })
  }

  /// The Float16 bit patterns `take` keeps.
  static func float16Tally(_ f: ElementaryFunction, _ take: (Int) -> Bool) -> ElementaryTally {
    let inputs = (0...UInt16.max).filter { take(Int($0)) }.map { Float16(bitPattern: $0) }
    let outputs = evaluate(f, inputs)
    var t = Tally()
    for (x, c) in zip(inputs, outputs) { t.add(Double(c), input: Double(x), key: UInt64(x.bitPattern), f, .float16) }
    return t.tally
  }

  /// Every bit pattern of an emulated format (bfloat16, float8): computed in Float lanes, rounded
  /// once to the format, as the kernels do, against MPFR.
  public static func emulated<S: EmulatedFormat>(_ f: ElementaryFunction, _: S.Type) -> ElementaryAccuracy {
    result(f, format: S.format, exhaustive: true, count: 0, tally: emulatedTally(f, S.self) { _ in true })
  }

  /// The bit patterns of an emulated format that `take` keeps.
  static func emulatedTally<S: EmulatedFormat>(_ f: ElementaryFunction, _: S.Type, _ take: (Int) -> Bool) -> ElementaryTally {
    let patterns = (0...Int(S.Bits.max)).filter(take)
    let inputs = patterns.map { S(bitPattern: S.Bits($0)).double }
    let outputs = evaluate(f, inputs.map { Float($0) }).map { S.format.round(Double($0)) }
    var t = Tally()
    for (i, (x, c)) in zip(inputs, outputs).enumerated() { t.add(c, input: x, key: UInt64(patterns[i]), f, S.format) }
    return t.tally
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
    result(f, format: .float32, exhaustive: exhaustive, count: 0,
           tally: float32Tally(f, exhaustive: exhaustive, perBinade: perBinade, threads: threads) { _ in true },
           perBinade: perBinade)
  }

  /// The float32 chunks that `take` keeps (chunk k: the 2^22 bit patterns from k << 22, or when
  /// not `exhaustive`, k < 512, a sample of one binade of one sign).
  static func float32Tally(_ f: ElementaryFunction, exhaustive: Bool, perBinade: Int, threads: Int,
                           _ take: @escaping @Sendable (Int) -> Bool) -> ElementaryTally
  {
    let chunks = float32Chunks
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
    let taken = (0..<chunks).filter(take)
    let workers = max(1, min(threads, taken.count))
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
      for i in stride(from: worker, to: taken.count, by: workers) { measure(chunk: taken[i]) }
    }
    let total = shared.withLock { $0 }
    return ElementaryTally(inputs: total.inputs, notCorrectlyRounded: total.notCR, wrongSpecials: total.specials,
                           maxULP: total.max,
                           worst: total.worst.isNaN ? nil : .init(key: UInt64(total.worst.bitPattern), value: Double(total.worst)),
                           special: total.special.map { .init(key: UInt64($0.bitPattern), value: Double($0)) })
  }

  /// Double inputs: `count` random inputs spread over every binade of the domain, the special
  /// values, and CORE-MATH's hard-to-round inputs, against MPFR.
  public static func float64(_ f: ElementaryFunction, count: Int, seed: UInt64 = 1,
                             threads: Int = ProcessInfo.processInfo.activeProcessorCount) -> ElementaryAccuracy
  {
    result(f, format: .float64, exhaustive: false, count: count,
           tally: float64Tally(f, count: count, seed: seed, threads: threads))
  }

  /// The float64 sweep, one work item.
  static func float64Tally(_ f: ElementaryFunction, count: Int, seed: UInt64, threads: Int) -> ElementaryTally {
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
    return total.tally
  }
}
