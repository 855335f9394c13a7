import SoftmaxSpec

/// Makes the rows of each case family (see `CaseFamily` for what each family is).
public enum Generator {
  /// The row `index` of `family` in `format`.
  public static func make(_ family: CaseFamily, index: Int, format: Format, settings: CaseSettings = .init()) -> Case {
    var rng = Xoshiro256StarStar(seed: rowSeed(settings.seed, family, index))
    let rows = settings.rows(family), n = settings.length(family)
    let position = rows > 1 ? Double(index) / Double(rows - 1) : 0  // 0...1 along the sweep
    let t = Thresholds(format)
    let r = format.round
    let top = format.greatestFiniteMagnitude

    func gaussians(_ count: Int) -> [Double] { (0..<count).map { _ in rng.gaussian() } }
    func make(_ logits: [Double], target: Int? = nil, parameter: Double? = nil, note: String) -> Case {
      let target = target ?? rng.index(below: logits.count)
      return Case(family: family, index: index, format: format, logits: logits, target: target,
                  parameter: parameter, note: note)
    }
    /// A largest logit `peak` (rounded), the others peak - |N(0, 1)|.
    func belowPeak(_ peak: Double) -> [Double] {
      let m = r(peak)
      var x = gaussians(n).map { r(m - abs($0)) }
      x[rng.index(below: n)] = m
      return x
    }

    switch family {
    case .moderate:
      return make(gaussians(n).map(r), note: "N(0, 1)")
    case .largePositive:
      let peak = r(t.overflow * (0.5 + 1.5 * position))
      return make(belowPeak(peak), parameter: peak, note: "largest logit \(shortDecimal(peak)), T = \(shortDecimal(t.overflow))")
    case .largeNegative:
      let peak = r(t.underflow * (0.5 + 1.5 * position))
      return make(belowPeak(peak), parameter: peak, note: "largest logit \(shortDecimal(peak)), U = \(shortDecimal(t.underflow))")
    case .wideSpread:
      let sigma = exp2(1 + position * (log2(4 * t.overflow) - 1))
      let x = gaussians(n).map { r(max(-top, min(top, sigma * $0))) }
      return make(x, parameter: sigma, note: "sigma \(shortDecimal(sigma))")
    case .nearTies:
      // A base of magnitude 2^e, e from 0 to p + 3; logits base + k ulp, k in {-1, 0, 0, 1}.
      let e = (position * Double(format.precision + 3)).rounded(.down)
      let base = r(exp2(e) * (1 + rng.uniform()) * (rng.uniform() < 0.5 ? -1 : 1))
      let ulp = Double(sign: .plus, exponent: max(Int(base.exponent), format.minExponent) - format.precision + 1, significand: 1)
      let x = (0..<n).map { _ in r(base + Double([-1, 0, 0, 1][rng.index(below: 4)]) * ulp) }
      return make(x, parameter: base, note: "base \(shortDecimal(base)), ulp \(shortDecimal(ulp))")
    case .confident:
      let lead = exp2(position * log2(confidentMaxLead(format, length: n)))
      var x = gaussians(n).map(r)
      let k = rng.index(below: n)
      x[k] = -.infinity
      let others = x.max()!
      x[k] = r(others + lead)
      return make(x, target: k, parameter: x[k] - others, note: "top logit leads by \(shortDecimal(x[k] - others))")
    case .temperature:
      let tau = exp2((-3 + 7 * position) * log2(10))  // 10^-3 ... 10^4
      let x = gaussians(n).map { r(max(-top, min(top, tau * $0))) }
      return make(x, parameter: tau, note: "tau \(shortDecimal(tau))")
    case .hugeN:
      let size = 32768 << (index % 4)
      return make(gaussians(size).map(r), parameter: Double(size), note: "n = \(size)")
    case .masked:
      if index == 0 { return make(Array(repeating: -.infinity, count: n), target: 0, parameter: 1, note: "every logit -inf") }
      let share = 0.9 * position
      var x = gaussians(n).map(r)
      var unmasked: [Int] = []
      for j in 0..<n {
        if rng.uniform() < share { x[j] = -.infinity } else { unmasked.append(j) }
      }
      if unmasked.isEmpty {
        let j = rng.index(below: n)
        x[j] = r(rng.gaussian())
        unmasked = [j]
      }
      let masked = Double(n - unmasked.count) / Double(n)
      return make(x, target: unmasked[rng.index(below: unmasked.count)], parameter: masked,
                  note: "\(n - unmasked.count) of \(n) logits -inf")
    case .special:
      let kind = SpecialKind.allCases[index % SpecialKind.allCases.count]
      return make(kind.logits(n, format, &rng), note: kind.note)
    case .seed:
      let example = SeedExample.all[index]
      return make(example.logits(format).map(r), target: example.target, note: example.note)
    }
  }

  /// Every row of `family` in `format`.
  public static func cases(_ family: CaseFamily, format: Format, settings: CaseSettings = .init()) -> [Case] {
    (0..<settings.rows(family)).map { make(family, index: $0, format: format, settings: settings) }
  }

  /// The lead past which the top log-prob, about -(n - 1) e^-d, is below the least subnormal,
  /// times 1.1: log(n - 1) - U.
  public static func confidentMaxLead(_ format: Format, length n: Int) -> Double {
    1.1 * (DeterministicMath.log(Double(max(n - 1, 1))) - Thresholds(format).underflow)
  }

  /// The generator seed of one row: the seed, the family's name (FNV-1a) and the index, mixed.
  static func rowSeed(_ seed: UInt64, _ family: CaseFamily, _ index: Int) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in family.rawValue.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01B3 }
    var sm = SplitMix64(state: seed ^ h)
    sm.state ^= UInt64(index) &* 0x9E37_79B9_7F4A_7C15
    return sm.next()
  }

  /// 2^x from IEEE operations (exact for integer x; otherwise via DeterministicMath).
  static func exp2(_ x: Double) -> Double {
    let k = x.rounded(.down), f = x - k
    // 2^f = e^(f ln 2), f in [0, 1): a Taylor series (|f ln 2| < 0.7, 25 terms).
    let y = f * 0.6931471805599453
    var term = 1.0, sum = 1.0
    for i in 1...25 {
      term *= y / Double(i)
      sum += term
    }
    return Double(sign: .plus, exponent: Int(k), significand: sum)
  }

  static func log2(_ x: Double) -> Double { DeterministicMath.log(x) / 0.6931471805599453 }
}

/// The rows of the `special` family, one kind per index.
enum SpecialKind: CaseIterable {
  case subnormals, signedZeros, subnormalMix, nearLargest, plusInfinity, nan, maskedSubnormals, leastNormal

  var note: String {
    switch self {
    case .subnormals: return "subnormal logits and signed zeros"
    case .signedZeros: return "only +0 and -0"
    case .subnormalMix: return "N(0, 1) with half the entries subnormal"
    case .nearLargest: return "+-largest finite values and zeros (spread 2 * max)"
    case .plusInfinity: return "a +inf logit (undefined)"
    case .nan: return "a NaN logit (undefined)"
    case .maskedSubnormals: return "-inf entries among subnormals"
    case .leastNormal: return "the least normal value, its neighbours and zeros"
    }
  }

  func logits(_ n: Int, _ f: Format, _ rng: inout Xoshiro256StarStar) -> [Double] {
    let tiny = f.leastNonzeroMagnitude, normal = Double(sign: .plus, exponent: f.minExponent, significand: 1)
    func sign() -> Double { rng.uniform() < 0.5 ? -1 : 1 }
    var x: [Double]
    switch self {
    case .subnormals:
      x = (0..<n).map { _ in rng.uniform() < 0.2 ? sign() * 0 : sign() * tiny * Double(1 + rng.index(below: 8)) }
    case .signedZeros:
      x = (0..<n).map { _ in sign() * 0 }
    case .subnormalMix:
      x = (0..<n).map { _ in rng.uniform() < 0.5 ? f.round(rng.gaussian()) : sign() * tiny * Double(1 + rng.index(below: 100)) }
    case .nearLargest:
      x = (0..<n).map { _ in [f.greatestFiniteMagnitude, -f.greatestFiniteMagnitude, 0][rng.index(below: 3)] }
    case .plusInfinity:
      x = (0..<n).map { _ in f.round(rng.gaussian()) }
      x[rng.index(below: n)] = .infinity
    case .nan:
      x = (0..<n).map { _ in f.round(rng.gaussian()) }
      x[rng.index(below: n)] = .nan
    case .maskedSubnormals:
      x = (0..<n).map { _ in rng.uniform() < 0.5 ? -.infinity : sign() * tiny * Double(1 + rng.index(below: 8)) }
      x[rng.index(below: n)] = tiny
    case .leastNormal:
      x = (0..<n).map { _ in [normal, normal - tiny, normal + 2 * tiny, 0, -normal][rng.index(below: 5)] }
    }
    return x.map { $0.isNaN ? $0 : f.round($0) }
  }
}

/// The worked examples of SPEC.md and the public bug reports it cites, as rows.
struct SeedExample: Sendable {
  let note: String
  let target: Int
  let logits: @Sendable (Format) -> [Double]

  static let all: [SeedExample] = [
    SeedExample(note: "softmax([2, 1, 0.1]) of the classic write-up", target: 0) { _ in [2, 1, 0.1] },
    SeedExample(note: "cross-entropy example, row 0 (target 0)", target: 0) { _ in [1.1316, -0.7943, 0.1328] },
    SeedExample(note: "cross-entropy example, row 1 (target 1)", target: 1) { _ in [0.2654, 0.1978, -0.0265] },
    SeedExample(note: "cross-entropy example, row 2 (target 2)", target: 2) { _ in [-2.8054, 0.2867, -0.1517] },
    SeedExample(note: "SciPy 18295: logsumexp([0, -40]) returned 0", target: 0) { _ in [0, -40] },
    SeedExample(note: "PyTorch 113708: -log_softmax([1 - log(2 eps), 0]) in float32", target: 0) { _ in
      [1 - DeterministicMath.log(0x1p-22), 0]
    },
    SeedExample(note: "PyTorch 113708: -log_softmax([1 - log(eps), 0]) returned 0", target: 0) { _ in
      [1 - DeterministicMath.log(0x1p-23), 0]
    },
    SeedExample(note: "MLX 4169: x - lse(x) without a shift gave 0 for [1e8, 1e8] (inf in float16)", target: 0) { _ in
      [1e8, 1e8]
    },
    SeedExample(note: "just above exp's overflow threshold T of the format", target: 1) { f in
      let t = Thresholds(f).overflow
      return [f.round(t) > t ? f.round(t) : f.nextUp(f.round(t)), 0]
    },
    SeedExample(note: "just below exp's overflow threshold T of the format", target: 1) { f in
      let t = Thresholds(f).overflow
      return [f.round(t) < t ? f.round(t) : f.nextDown(f.round(t)), 0]
    },
  ]
}
