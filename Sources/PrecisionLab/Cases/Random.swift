/// SplitMix64 (Steele, Lea & Flood 2014), used to seed xoshiro256** and to derive a row's seed.
/// The same state gives the same outputs on every platform and Swift version.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  public var state: UInt64

  public init(state: UInt64) { self.state = state }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

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

/// Elementary functions from IEEE basic operations only (no libm, no FMA), so that generated
/// cases do not depend on the platform's math library. Accurate to a few ulps of Double, which
/// is all the generators need.
public enum DeterministicMath {
  static let ln2Hi = 0x1.62e42fefa3800p-1, ln2Lo = 0x1.ef35793c76730p-45

  /// The natural logarithm of a positive finite x (subnormals included); -inf for 0, NaN below.
  public static func log(_ x: Double) -> Double {
    guard x > 0 else { return x == 0 ? -.infinity : .nan }
    guard x.isFinite else { return x }
    // x = m 2^e with m in [sqrt(1/2), sqrt(2)).
    var m = x.significand
    var e = Double(x.exponent)
    if m > 1.4142135623730951 {
      m /= 2
      e += 1
    }
    // log(m) = 2 atanh(f), f = (m - 1)/(m + 1), |f| < 0.1716: 2 (f + f^3/3 + f^5/5 + ...).
    let f = (m - 1) / (m + 1), f2 = f * f
    var series = 0.0
    for k in stride(from: 25, through: 3, by: -2) { series = (series + 1 / Double(k)) * f2 }
    return e * ln2Hi + (e * ln2Lo + 2 * f * (1 + series))
  }
}
