import LabSupport
import SoftmaxSpec

/// The rows of the `special` family, one kind per index.
enum SpecialKind: CaseIterable {
  case subnormals, signedZeros, subnormalMix, nearLargest, plusInfinity, nan, maskedSubnormals, leastNormal

  var note: String {
    switch self {
    case .subnormals: return "subnormal logits and signed zeros"
    case .signedZeros: return "only +0 and -0"
    case .subnormalMix: return "N(0, 1) with half the entries subnormal"
    case .nearLargest: return "+-largest finite values and zeros (spread 2 * max)"
    case .plusInfinity: return "a +inf logit (undefined; NaN in float8-e4m3, which has no inf)"
    case .nan: return "a NaN logit (undefined)"
    case .maskedSubnormals: return "masked entries (-inf; -448 in float8-e4m3) among subnormals"
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
      x = (0..<n).map { _ in rng.uniform() < 0.5 ? f.maskValue : sign() * tiny * Double(1 + rng.index(below: 8)) }
      x[rng.index(below: n)] = tiny
    case .leastNormal:
      x = (0..<n).map { _ in [normal, normal - tiny, normal + 2 * tiny, 0, -normal][rng.index(below: 5)] }
    }
    return x.map { $0.isNaN ? $0 : f.round($0) }
  }
}
