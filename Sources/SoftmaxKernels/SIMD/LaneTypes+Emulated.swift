import SoftmaxSpec

// The lane types of bfloat16, float8-e4m3 and float8-e5m2: 16 Float lanes, the values stored as
// their bits. Loading and storing convert with integer operations on the bits (no per-lane call);
// `native` rounds every operation's result to the format, `wide` rounds once, on store.
//
// Exact emulation: Float's 24 bits are at least 2p + 2 for p = 8 (bfloat16), 4 and 3 (float8), so
// a Float +, -, *, / result rounded again to the format is the correctly rounded result in the
// format (the float8 exponent ranges lie inside Float's normal range; bfloat16 shares Float's
// emin, and its products and sums of bfloat16 values are exact in Float or far from a midpoint).

/// A format held in memory as its bits (`Bits`), converted to and from 16 Float lanes.
public protocol LaneBits {
  associatedtype Bits: FixedWidthInteger & UnsignedInteger & SIMDScalar
  /// The exact values of 16 bit patterns.
  static func widen(_ bits: SIMD16<Bits>) -> SIMD16<Float>
  /// The bit patterns of the lanes rounded to the format.
  static func narrow(_ v: SIMD16<Float>) -> SIMD16<Bits>
}

extension LaneBits {
  /// Loads `count` (<= 16) elements whose memory is their bits, widened; the other lanes take `fill`.
  @inlinable @inline(__always)
  static func load(_ p: UnsafeRawPointer, count: Int, fill: Float) -> SIMD16<Float> {
    if count == 16 { return widen(p.loadUnaligned(as: SIMD16<Bits>.self)) }
    var bits = SIMD16<Bits>(repeating: 0)
    for i in 0..<count { bits[i] = p.loadUnaligned(fromByteOffset: i * MemoryLayout<Bits>.stride, as: Bits.self) }
    var v = widen(bits)
    for i in count..<16 { v[i] = fill }
    return v
  }

  /// Stores the first `count` lanes, narrowed, as their bits.
  @inlinable @inline(__always)
  static func store(_ v: SIMD16<Float>, _ p: UnsafeMutableRawPointer, count: Int) {
    let bits = narrow(v)
    if count == 16 { p.storeBytes(of: bits, as: SIMD16<Bits>.self); return }
    for i in 0..<count { p.storeBytes(of: bits[i], toByteOffset: i * MemoryLayout<Bits>.stride, as: Bits.self) }
  }
}

/// An emulated format's conversions on 16 lanes.
public protocol EmulatedStorage: EmulatedFormat, LaneStorage, LaneBits {
  /// Each lane rounded to nearest even to a value of the format (overflow to infinity, or NaN for
  /// float8-e4m3), still as a Float.
  static func round(_ v: SIMD16<Float>) -> SIMD16<Float>
}

/// The Float lanes as bits and back.
@inlinable @inline(__always) func floatBits(_ v: SIMD16<Float>) -> SIMD16<UInt32> { unsafeBitCast(v, to: SIMD16<UInt32>.self) }
@inlinable @inline(__always) func floatsOf(_ u: SIMD16<UInt32>) -> SIMD16<Float> { unsafeBitCast(u, to: SIMD16<Float>.self) }

extension BFloat16: EmulatedStorage {
  /// The top half of a float32.
  @inlinable @inline(__always)
  public static func widen(_ bits: SIMD16<UInt16>) -> SIMD16<Float> {
    floatsOf(SIMD16<UInt32>(truncatingIfNeeded: bits) &<< 16)
  }

  /// Round to nearest even on the bits: add 0x7fff plus the lowest kept bit, clear the low half
  /// (a carry moves into the exponent, up to infinity). NaN lanes are kept as they are.
  @inlinable @inline(__always)
  public static func round(_ v: SIMD16<Float>) -> SIMD16<Float> {
    let u = floatBits(v)
    let r = (u &+ SIMD16(repeating: 0x7fff) &+ ((u &>> 16) & SIMD16(repeating: 1))) & SIMD16(repeating: 0xffff_0000)
    return floatsOf(r).replacing(with: v, where: v .!= v)
  }

  @inlinable @inline(__always)
  public static func narrow(_ v: SIMD16<Float>) -> SIMD16<UInt16> {
    SIMD16<UInt16>(truncatingIfNeeded: floatBits(round(v)) &>> 16)
  }
}

/// A format of at most 16 bits with a Float's layout, shorter (float16, float8-e4m3, float8-e5m2):
/// its conversions on 16 Float lanes with integer and IEEE operations, no per-lane call. Rounding
/// is the magic-number trick at each lane's own ulp; the bits come from the exponent-field trick
/// (the format's bits shifted into a Float's, then scaled by a power of two: exact for normal and
/// subnormal values alike).
public protocol SIMDSmallFloat: LaneBits {
  static var format: Format { get }
}

extension SIMDSmallFloat {
  @inlinable static var fractionBitCount: UInt32 { UInt32(format.precision - 1) }
  /// All bits but the sign.
  @inlinable static var magnitudeMask: UInt32 { UInt32(Bits.max >> 1) }
  /// The exponent field all ones (infinity's pattern in the IEEE-like formats).
  @inlinable static var exponentOnes: UInt32 { (magnitudeMask &>> fractionBitCount) &<< fractionBitCount }
  /// 2^(127 - bias): the scale between a Float whose bits are the format's bits shifted left by
  /// 23 - (p - 1), and the format's value.
  @inlinable static var rebias: Float {
    let exponentBits = Bits.bitWidth - 1 - (format.precision - 1)
    return Float(sign: .plus, exponent: 127 - ((1 << (exponentBits - 1)) - 1), significand: 1)
  }
  @inlinable static var shift: UInt32 { 23 - fractionBitCount }

  @inlinable @inline(__always)
  public static func widen(_ bits: SIMD16<Bits>) -> SIMD16<Float> {
    let b = SIMD16<UInt32>(truncatingIfNeeded: bits)
    let magnitude = b & SIMD16(repeating: magnitudeMask)
    var a = floatsOf(magnitude &<< SIMD16(repeating: shift)) * SIMD16(repeating: rebias)
    if format.overflowsToNaN {
      a = a.replacing(with: .nan, where: magnitude .== SIMD16(repeating: magnitudeMask))
    } else {
      let inf = SIMD16<UInt32>(repeating: exponentOnes)
      a = a.replacing(with: .infinity, where: magnitude .== inf)
      a = a.replacing(with: .nan, where: magnitude .> inf)
    }
    let signShift = UInt32(32 - Bits.bitWidth)
    return floatsOf(floatBits(a) | ((b & SIMD16(repeating: magnitudeMask &+ 1)) &<< SIMD16(repeating: signShift)))
  }

  /// (|v| + M) - M with M = 1.5 x 2^(24 - p) x max(2^floor(log2 |v|), 2^emin), whose ulp is the
  /// format's ulp at |v|: the sum rounds |v| to the format's grid, ties to even, and the
  /// difference is exact. |v| is first capped at 2^(emax + 2), beyond every rounding boundary, so
  /// that M stays finite; a NaN stays NaN. A finite |v| rounding beyond the largest finite gives
  /// infinity, or NaN in float8-e4m3; infinities stay infinite (the kernels pad rows with -inf,
  /// and float8-e4m3 `native` carries them in its lanes; `narrow` stores them as NaN).
  @inlinable @inline(__always)
  public static func round(_ v: SIMD16<Float>) -> SIMD16<Float> {
    let u = floatBits(v)
    let sign = u & SIMD16(repeating: 0x8000_0000)
    let a = floatsOf(u & SIMD16(repeating: 0x7fff_ffff))
    let cap = SIMD16<Float>(repeating: Float(sign: .plus, exponent: format.maxExponent + 2, significand: 1))
    let capped = a.replacing(with: cap, where: a .> cap)
    var binade = floatsOf(floatBits(capped) & SIMD16(repeating: 0x7f80_0000))
    let minNormal = SIMD16<Float>(repeating: Float(format.leastNormalMagnitude))
    binade = binade.replacing(with: minNormal, where: binade .< minNormal)
    let magic = binade * SIMD16(repeating: Float(sign: .plus, exponent: 24 - format.precision, significand: 1.5))
    var r = (capped + magic) - magic
    r = r.replacing(with: Float(format.overflowValue), where: r .> SIMD16(repeating: Float(format.greatestFiniteMagnitude)))
    r = r.replacing(with: a, where: a .== SIMD16(repeating: .infinity))
    return floatsOf(floatBits(r) | sign)
  }

  /// The bit patterns of `round(v)`; infinities and NaNs as the format has them (float8-e4m3:
  /// both NaN, S.1111.111; the others: infinity, and the quiet NaN with the top fraction bit).
  @inlinable @inline(__always)
  public static func narrow(_ v: SIMD16<Float>) -> SIMD16<Bits> {
    let r = round(v)
    let u = floatBits(r)
    let signShift = UInt32(32 - Bits.bitWidth)
    let sign = (u &>> SIMD16(repeating: signShift)) & SIMD16(repeating: magnitudeMask &+ 1)
    let magnitude = floatsOf(u & SIMD16(repeating: 0x7fff_ffff))
    var bits = floatBits(magnitude * SIMD16(repeating: 1 / rebias)) &>> SIMD16(repeating: shift)
    if format.overflowsToNaN {
      bits = bits.replacing(with: SIMD16(repeating: magnitudeMask), where: r .!= r .| (magnitude .== SIMD16(repeating: .infinity)))
    } else {
      bits = bits.replacing(with: SIMD16(repeating: exponentOnes), where: magnitude .== SIMD16(repeating: .infinity))
      bits = bits.replacing(with: SIMD16(repeating: exponentOnes | (1 &<< (fractionBitCount - 1))), where: r .!= r)
    }
    return SIMD16<Bits>(truncatingIfNeeded: bits | sign)
  }
}

/// The float8 formats' conversions are `SIMDSmallFloat`'s.
public protocol Float8Storage: EmulatedStorage, SIMDSmallFloat where Bits == UInt8 {}

/// float16's bits, converted by `SIMDSmallFloat`: the conversions of `Float16Native` and
/// `Float16Wide` (the same values as Swift's `Float16` conversions, which without F16C are one
/// library call per lane).
public enum Float16Bits: SIMDSmallFloat {
  public typealias Bits = UInt16
  @inlinable public static var format: Format { .float16 }
}

extension Float8E4M3: Float8Storage {}
extension Float8E5M2: Float8Storage {}

/// The loads and stores both policies of an emulated format share.
public protocol EmulatedLanes: Lanes where Storage: EmulatedStorage, V == SIMD16<Float> {}

extension EmulatedLanes {
  public static var width: Int { 16 }
  @inlinable @inline(__always)
  public static func load(_ p: UnsafePointer<Storage>, count: Int, fill: Float) -> V {
    Storage.load(UnsafeRawPointer(p), count: count, fill: fill)
  }
  @inlinable @inline(__always)
  public static func store(_ v: V, _ p: UnsafeMutablePointer<Storage>, count: Int) {
    Storage.store(v, UnsafeMutableRawPointer(p), count: count)
  }
}

/// `native` in an emulated format: Float lanes, every operation's result rounded to the format.
public enum EmulatedNative<S: EmulatedStorage>: EmulatedLanes {
  @inlinable public static var storesExactly: Bool { true }
  public typealias Storage = S
  public typealias V = SIMD16<Float>
  @inlinable @inline(__always) public static func round(_ v: V) -> V { S.round(v) }
  @inlinable @inline(__always) public static func exp(_ v: V) -> V { S.round(Elementary.exp(v)) }
  @inlinable @inline(__always) public static func log(_ v: V) -> V { S.round(Elementary.log(v)) }
  @inlinable @inline(__always) public static func log1p(_ v: V) -> V { S.round(Elementary.log1p(v)) }
  @inlinable @inline(__always) public static func roundScalar(_ x: Float) -> Float { S.round(V(repeating: x))[0] }
}

/// `wide` in an emulated format: Float lanes, rounded to the format once, on store.
public enum EmulatedWide<S: EmulatedStorage>: EmulatedLanes {
  @inlinable public static var specializesPasses: Bool { S.self == BFloat16.self }
  public typealias Storage = S
  public typealias V = SIMD16<Float>
  @inlinable @inline(__always) public static func round(_ v: V) -> V { v }
  @inlinable @inline(__always) public static func exp(_ v: V) -> V { Elementary.exp(v) }
  @inlinable @inline(__always) public static func log(_ v: V) -> V { Elementary.log(v) }
  @inlinable @inline(__always) public static func log1p(_ v: V) -> V { Elementary.log1p(v) }
  @inlinable @inline(__always) public static func roundScalar(_ x: Float) -> Float { x }
}
