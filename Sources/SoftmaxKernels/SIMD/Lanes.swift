/// How a SIMD kernel computes for one format and policy: the storage type of the logits and
/// results, the vector it computes in, and the rounding after each operation.
///
/// The five conformances are the format x policy pairs of SPEC.md:
/// `Float16Native` (Float lanes, every result rounded to Float16), `Float16Wide` (Float lanes,
/// rounded once on store), `Float32Native` (Float lanes), `Float32Wide` (Double lanes),
/// `Float64Native` (Double lanes; float64's `wide` is its `native`). Widths are fixed in the
/// source (16 Float or 8 Double lanes), so target flags change the instructions, never the order
/// of operations.
public protocol Lanes: SendableMetatype {
  /// The format's Swift type (`Float16`, `Float`, `Double`).
  associatedtype Storage: BinaryFloatingPoint & SIMDScalar & SendableMetatype
  /// The compute vector.
  associatedtype V: ComputeVector
  static var width: Int { get }
  /// Loads `count` (<= width) values from p; the other lanes take `fill`.
  static func load(_ p: UnsafePointer<Storage>, count: Int, fill: V.Scalar) -> V
  /// Stores the first `count` lanes, rounded to the storage format.
  static func store(_ v: V, _ p: UnsafeMutablePointer<Storage>, count: Int)
  /// The policy's rounding after an operation: to Float16 for `Float16Native`, none otherwise.
  static func r(_ v: V) -> V
  static func exp(_ v: V) -> V
  static func log(_ v: V) -> V
  static func log1p(_ v: V) -> V
  static func scalar(_ x: V.Scalar) -> V.Scalar
}

/// Loads `count` lanes of a vector whose scalars are the storage type; the others take `fill`.
@inlinable @inline(__always)
func loadSame<V: SIMD>(_ p: UnsafePointer<V.Scalar>, count: Int, fill: V.Scalar) -> V {
  if count == V.scalarCount { return UnsafeRawPointer(p).loadUnaligned(as: V.self) }
  var v = V(repeating: fill)
  for i in 0..<count { v[i] = p[i] }
  return v
}

/// Stores the first `count` lanes of a vector whose scalars are the storage type.
@inlinable @inline(__always)
func storeSame<V: SIMD>(_ v: V, _ p: UnsafeMutablePointer<V.Scalar>, count: Int) {
  if count == V.scalarCount {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
    return
  }
  for i in 0..<count { p[i] = v[i] }
}

extension Lanes {
  @inlinable @inline(__always)
  public static func splat(_ x: V.Scalar) -> V { V(repeating: x) }
}

/// float16 native: Float lanes, every operation's result rounded to Float16 (exact emulation of
/// Float16 arithmetic: Float's 24 bits are more than 2 x 11 + 2, so rounding a Float +, -, *, /
/// result again to Float16 is the correctly rounded Float16 result).
public enum Float16Native: Lanes {
  public typealias Storage = Float16
  public typealias V = SIMD16<Float>
  public static var width: Int { 16 }
  @inlinable @inline(__always)
  public static func load(_ p: UnsafePointer<Float16>, count: Int, fill: Float) -> V {
    if count == 16 { return V(UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float16>.self)) }
    var v = V(repeating: fill)
    for i in 0..<count { v[i] = Float(p[i]) }
    return v
  }
  @inlinable @inline(__always)
  public static func store(_ v: V, _ p: UnsafeMutablePointer<Float16>, count: Int) {
    let h = SIMD16<Float16>(v)
    if count == 16 { UnsafeMutableRawPointer(p).storeBytes(of: h, as: SIMD16<Float16>.self); return }
    for i in 0..<count { p[i] = h[i] }
  }
  @inlinable @inline(__always) public static func r(_ v: V) -> V { V(SIMD16<Float16>(v)) }
  @inlinable @inline(__always) public static func exp(_ v: V) -> V { r(Elementary.exp(v)) }
  @inlinable @inline(__always) public static func log(_ v: V) -> V { r(Elementary.log(v)) }
  @inlinable @inline(__always) public static func log1p(_ v: V) -> V { r(Elementary.log1p(v)) }
  @inlinable @inline(__always) public static func scalar(_ x: Float) -> Float { Float(Float16(x)) }
}

/// float16 wide: Float lanes, rounded to Float16 once, on store.
public enum Float16Wide: Lanes {
  public typealias Storage = Float16
  public typealias V = SIMD16<Float>
  public static var width: Int { 16 }
  @inlinable @inline(__always)
  public static func load(_ p: UnsafePointer<Float16>, count: Int, fill: Float) -> V { Float16Native.load(p, count: count, fill: fill) }
  @inlinable @inline(__always)
  public static func store(_ v: V, _ p: UnsafeMutablePointer<Float16>, count: Int) { Float16Native.store(v, p, count: count) }
  @inlinable @inline(__always) public static func r(_ v: V) -> V { v }
  @inlinable @inline(__always) public static func exp(_ v: V) -> V { Elementary.exp(v) }
  @inlinable @inline(__always) public static func log(_ v: V) -> V { Elementary.log(v) }
  @inlinable @inline(__always) public static func log1p(_ v: V) -> V { Elementary.log1p(v) }
  @inlinable @inline(__always) public static func scalar(_ x: Float) -> Float { x }
}

/// float32 native: Float lanes.
public enum Float32Native: Lanes {
  public typealias Storage = Float
  public typealias V = SIMD16<Float>
  public static var width: Int { 16 }
  @inlinable @inline(__always)
  public static func load(_ p: UnsafePointer<Float>, count: Int, fill: Float) -> V { loadSame(p, count: count, fill: fill) }
  @inlinable @inline(__always)
  public static func store(_ v: V, _ p: UnsafeMutablePointer<Float>, count: Int) { storeSame(v, p, count: count) }
  @inlinable @inline(__always) public static func r(_ v: V) -> V { v }
  @inlinable @inline(__always) public static func exp(_ v: V) -> V { Elementary.exp(v) }
  @inlinable @inline(__always) public static func log(_ v: V) -> V { Elementary.log(v) }
  @inlinable @inline(__always) public static func log1p(_ v: V) -> V { Elementary.log1p(v) }
  @inlinable @inline(__always) public static func scalar(_ x: Float) -> Float { x }
}

/// float32 wide: Double lanes, rounded to Float once, on store.
public enum Float32Wide: Lanes {
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
  @inlinable @inline(__always) public static func r(_ v: V) -> V { v }
  @inlinable @inline(__always) public static func exp(_ v: V) -> V { Elementary.exp(v) }
  @inlinable @inline(__always) public static func log(_ v: V) -> V { Elementary.log(v) }
  @inlinable @inline(__always) public static func log1p(_ v: V) -> V { Elementary.log1p(v) }
  @inlinable @inline(__always) public static func scalar(_ x: Double) -> Double { x }
}

/// float64 (native; its wide is the same): Double lanes.
public enum Float64Native: Lanes {
  public typealias Storage = Double
  public typealias V = SIMD8<Double>
  public static var width: Int { 8 }
  @inlinable @inline(__always)
  public static func load(_ p: UnsafePointer<Double>, count: Int, fill: Double) -> V { loadSame(p, count: count, fill: fill) }
  @inlinable @inline(__always)
  public static func store(_ v: V, _ p: UnsafeMutablePointer<Double>, count: Int) { storeSame(v, p, count: count) }
  @inlinable @inline(__always) public static func r(_ v: V) -> V { v }
  @inlinable @inline(__always) public static func exp(_ v: V) -> V { Elementary.exp(v) }
  @inlinable @inline(__always) public static func log(_ v: V) -> V { Elementary.log(v) }
  @inlinable @inline(__always) public static func log1p(_ v: V) -> V { Elementary.log1p(v) }
  @inlinable @inline(__always) public static func scalar(_ x: Double) -> Double { x }
}
