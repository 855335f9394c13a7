import SoftmaxSpec

// The lane types of float16, float32 and float64 (bfloat16 and float8: LaneTypes+Emulated.swift);
// the contract is `Lanes`'s.

/// float16 native: Float lanes, every operation's result rounded to Float16 (exact emulation of
/// Float16 arithmetic: Float's 24 bits are more than 2 x 11 + 2, so rounding a Float +, -, *, /
/// result again to Float16 is the correctly rounded Float16 result). Loads, stores and roundings
/// convert with SIMD integer operations (`Float16Bits`), the same values as Swift's `Float16`
/// conversions.
public enum Float16Native: Lanes {
  @inlinable public static var storesExactly: Bool { true }
  public typealias Storage = Float16
  public typealias V = SIMD16<Float>
  public static var width: Int { 16 }
  @inlinable @inline(__always)
  public static func load(_ p: UnsafePointer<Float16>, count: Int, fill: Float) -> V {
    Float16Bits.load(UnsafeRawPointer(p), count: count, fill: fill)
  }
  @inlinable @inline(__always)
  public static func store(_ v: V, _ p: UnsafeMutablePointer<Float16>, count: Int) {
    Float16Bits.store(v, UnsafeMutableRawPointer(p), count: count)
  }
  @inlinable @inline(__always) public static func round(_ v: V) -> V { Float16Bits.round(v) }
  @inlinable @inline(__always) public static func exp(_ v: V) -> V { round(Elementary.exp(v)) }
  @inlinable @inline(__always) public static func log(_ v: V) -> V { round(Elementary.log(v)) }
  @inlinable @inline(__always) public static func log1p(_ v: V) -> V { round(Elementary.log1p(v)) }
  @inlinable @inline(__always) public static func roundScalar(_ x: Float) -> Float { Float(Float16(x)) }
}

/// float16 wide: Float lanes, rounded to Float16 once, on store.
public enum Float16Wide: Lanes {
  @inlinable public static var specializesPasses: Bool { true }
  public typealias Storage = Float16
  public typealias V = SIMD16<Float>
  public static var width: Int { 16 }
  @inlinable @inline(__always)
  public static func load(_ p: UnsafePointer<Float16>, count: Int, fill: Float) -> V { Float16Native.load(p, count: count, fill: fill) }
  @inlinable @inline(__always)
  public static func store(_ v: V, _ p: UnsafeMutablePointer<Float16>, count: Int) { Float16Native.store(v, p, count: count) }
  @inlinable @inline(__always) public static func round(_ v: V) -> V { v }
  @inlinable @inline(__always) public static func exp(_ v: V) -> V { Elementary.exp(v) }
  @inlinable @inline(__always) public static func log(_ v: V) -> V { Elementary.log(v) }
  @inlinable @inline(__always) public static func log1p(_ v: V) -> V { Elementary.log1p(v) }
  @inlinable @inline(__always) public static func roundScalar(_ x: Float) -> Float { x }
}

/// float32 native: Float lanes.
public enum Float32Native: Lanes {
  @inlinable public static var specializesPasses: Bool { true }
  @inlinable public static var storesExactly: Bool { true }
  public typealias Storage = Float
  public typealias V = SIMD16<Float>
  public static var width: Int { 16 }
  @inlinable @inline(__always)
  public static func load(_ p: UnsafePointer<Float>, count: Int, fill: Float) -> V { loadSame(p, count: count, fill: fill) }
  @inlinable @inline(__always)
  public static func store(_ v: V, _ p: UnsafeMutablePointer<Float>, count: Int) { storeSame(v, p, count: count) }
  @inlinable @inline(__always) public static func round(_ v: V) -> V { v }
  @inlinable @inline(__always) public static func exp(_ v: V) -> V { Elementary.exp(v) }
  @inlinable @inline(__always) public static func log(_ v: V) -> V { Elementary.log(v) }
  @inlinable @inline(__always) public static func log1p(_ v: V) -> V { Elementary.log1p(v) }
  @inlinable @inline(__always) public static func roundScalar(_ x: Float) -> Float { x }
}

/// float32 wide: Double lanes, rounded to Float once, on store.
public enum Float32Wide: Lanes {
  @inlinable public static var specializesPasses: Bool { true }
  public typealias Storage = Float
  public typealias V = SIMD8<Double>
  public static var width: Int { 8 }
  @inlinable @inline(__always)
  public static func load(_ p: UnsafePointer<Float>, count: Int, fill: Double) -> V {
    if count == 8 { return V(UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)) }
    var v = V(repeating: fill)
    for i in 0..<count { v[i] = Double(p[i]) }
    return v
  }
  @inlinable @inline(__always)
  public static func store(_ v: V, _ p: UnsafeMutablePointer<Float>, count: Int) {
    let f = SIMD8<Float>(v)
    if count == 8 { UnsafeMutableRawPointer(p).storeBytes(of: f, as: SIMD8<Float>.self); return }
    for i in 0..<count { p[i] = f[i] }
  }
  @inlinable @inline(__always) public static func round(_ v: V) -> V { v }
  @inlinable @inline(__always) public static func exp(_ v: V) -> V { Elementary.exp(v) }
  @inlinable @inline(__always) public static func log(_ v: V) -> V { Elementary.log(v) }
  @inlinable @inline(__always) public static func log1p(_ v: V) -> V { Elementary.log1p(v) }
  @inlinable @inline(__always) public static func roundScalar(_ x: Double) -> Double { x }
}

/// float64 (native; its wide is the same): Double lanes.
public enum Float64Native: Lanes {
  @inlinable public static var specializesPasses: Bool { true }
  @inlinable public static var storesExactly: Bool { true }
  public typealias Storage = Double
  public typealias V = SIMD8<Double>
  public static var width: Int { 8 }
  @inlinable @inline(__always)
  public static func load(_ p: UnsafePointer<Double>, count: Int, fill: Double) -> V { loadSame(p, count: count, fill: fill) }
  @inlinable @inline(__always)
  public static func store(_ v: V, _ p: UnsafeMutablePointer<Double>, count: Int) { storeSame(v, p, count: count) }
  @inlinable @inline(__always) public static func round(_ v: V) -> V { v }
  @inlinable @inline(__always) public static func exp(_ v: V) -> V { Elementary.exp(v) }
  @inlinable @inline(__always) public static func log(_ v: V) -> V { Elementary.log(v) }
  @inlinable @inline(__always) public static func log1p(_ v: V) -> V { Elementary.log1p(v) }
  @inlinable @inline(__always) public static func roundScalar(_ x: Double) -> Double { x }
}
