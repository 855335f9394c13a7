/// xoshiro256** 1.0 (Blackman & Vigna 2018), seeded by four SplitMix64 outputs, with the draws the
/// case families need. Every draw uses only integer operations and correctly rounded IEEE
/// arithmetic (and `DeterministicMath.log`), so a seed gives the same logits everywhere.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
  private var s0, s1, s2, s3: UInt64
  private var spareGaussian: Double? = nil

  public init(seed: UInt64) {
    var sm = SplitMix64(state: seed)
    s0 = sm.next()
    s1 = sm.next()
    s2 = sm.next()
    s3 = sm.next()
  }

  @inline(__always) private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

  public mutating func next() -> UInt64 {
    let result = Self.rotl(s1 &* 5, 7) &* 9
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = Self.rotl(s3, 45)
    return result
  }

  /// Uniform in [0, 1): the top 53 bits, times 2^-53 (exact).
  public mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

  /// Uniform in [a, b).
  public mutating func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * uniform() }

  /// Uniform integer in 0..<n (the high word of a 64 x 64-bit product: no division, no loop).
  public mutating func index(below n: Int) -> Int {
    precondition(n > 0)
    return Int(UInt64(n).multipliedFullWidth(by: next()).high)
  }

  /// Standard normal N(0, 1) by Marsaglia's polar method, with `DeterministicMath.log`.
  public mutating func gaussian() -> Double {
    if let g = spareGaussian {
      spareGaussian = nil
      return g
    }
    while true {
      let u = uniform(-1, 1), v = uniform(-1, 1)
      let s = u * u + v * v
      if s > 0 && s < 1 {
        let factor = (-2 * DeterministicMath.log(s) / s).squareRoot()
        spareGaussian = v * factor
        return u * factor
      }
    }
  }
}
