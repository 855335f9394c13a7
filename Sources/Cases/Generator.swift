import LabSupport
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
      return make(belowPeak(peak), parameter: peak, note: "largest logit \(NumberText.short(peak)), T = \(NumberText.short(t.overflow))")
    case .largeNegative:
      let peak = r(t.underflow * (0.5 + 1.5 * position))
      return make(belowPeak(peak), parameter: peak, note: "largest logit \(NumberText.short(peak)), U = \(NumberText.short(t.underflow))")
    case .wideSpread:
      let sigma = DeterministicMath.exp2(1 + position * (DeterministicMath.log2(4 * t.overflow) - 1))
      let x = gaussians(n).map { r(max(-top, min(top, sigma * $0))) }
      return make(x, parameter: sigma, note: "sigma \(NumberText.short(sigma))")
    case .nearTies:
      // A base of magnitude 2^e, e from 0 to p + 3; logits base + k ulp, k in {-1, 0, 0, 1}.
      let e = (position * Double(format.precision + 3)).rounded(.down)
      let base = r(DeterministicMath.exp2(e) * (1 + rng.uniform()) * (rng.uniform() < 0.5 ? -1 : 1))
      let ulp = Double(sign: .plus, exponent: max(Int(base.exponent), format.minExponent) - format.precision + 1, significand: 1)
      let x = (0..<n).map { _ in r(base + Double([-1, 0, 0, 1][rng.index(below: 4)]) * ulp) }
      return make(x, parameter: base, note: "base \(NumberText.short(base)), ulp \(NumberText.short(ulp))")
    case .confident:
      let lead = DeterministicMath.exp2(position * DeterministicMath.log2(confidentMaxLead(format, length: n)))
      var x = gaussians(n).map(r)
      let k = rng.index(below: n)
      x[k] = -.infinity
      let others = x.max()!
      x[k] = r(others + lead)
      return make(x, target: k, parameter: x[k] - others, note: "top logit leads by \(NumberText.short(x[k] - others))")
    case .temperature:
      let tau = DeterministicMath.exp2((-3 + 7 * position) * DeterministicMath.log2(10))  // 10^-3 ... 10^4
      let x = gaussians(n).map { r(max(-top, min(top, tau * $0))) }
      return make(x, parameter: tau, note: "tau \(NumberText.short(tau))")
    case .hugeN:
      let size = 32768 << (index % 4)
      return make(gaussians(size).map(r), parameter: Double(size), note: "n = \(size)")
    case .masked:
      let mask = format.maskValue
      let maskText = mask == -.infinity ? "-inf" : NumberText.short(mask)
      if index == 0 { return make(Array(repeating: mask, count: n), target: 0, parameter: 1, note: "every logit \(maskText)") }
      let share = 0.9 * position
      var x = gaussians(n).map(r)
      var unmasked: [Int] = []
      for j in 0..<n {
        if rng.uniform() < share { x[j] = mask } else { unmasked.append(j) }
      }
      if unmasked.isEmpty {
        let j = rng.index(below: n)
        x[j] = r(rng.gaussian())
        unmasked = [j]
      }
      let masked = Double(n - unmasked.count) / Double(n)
      return make(x, target: unmasked[rng.index(below: unmasked.count)], parameter: masked,
                  note: "\(n - unmasked.count) of \(n) logits \(maskText)")
    case .special:
      let kind = SpecialKind.allCases[index % SpecialKind.allCases.count]
      return make(kind.logits(n, format, &rng), note: kind.note)
    case .seed:
      let example = SeedExample.all[index]
      return make(example.logits(format).map(r), target: example.target, note: example.note)
    case .worst:
      let e = WorstData.entries[index]
      let x = e.logits.map { $0.isFinite ? r(max(-top, min(top, $0))) : $0 }
      var note = "\(e.op.rawValue) \(e.variant.rawValue) \(e.policy.rawValue): \(NumberText.ulp(e.ulp)) ULP"
      if e.kind == .failure { note += ", \(e.status)" }
      if e.format != format { note += " (a \(e.format.rawValue) row)" }
      return make(x, target: e.target, note: note)
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
}

extension Generator {
  /// The case named by `id` ("wide-spread/17") in `format`.
  ///
  /// - Throws: `CaseError` when the id is malformed, names no family, or its index is past the
  ///   family's rows.
  public static func make(id: String, format: Format, settings: CaseSettings = .init()) throws(CaseError) -> Case {
    let (family, index) = try settings.parse(id: id)
    return make(family, index: index, format: format, settings: settings)
  }
}
