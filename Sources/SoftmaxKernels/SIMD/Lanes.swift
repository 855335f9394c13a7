import SoftmaxSpec

/// How a SIMD kernel computes for one format and precision policy: the storage type of the logits
/// and results, the vector it computes in, and the rounding after each operation.
///
/// A kernel is written once, generic over `Lanes`, and specialized by the compiler for each
/// conformance (`LaneTypes.swift`): `Float16Native`, `Float16Wide`, `Float32Native`,
/// `Float32Wide`, `Float64Native`, and `EmulatedNative<S>` / `EmulatedWide<S>` for bfloat16 and
/// the float8 formats (`LaneTypes+Emulated.swift`). `withLanes(_:_:_:)` below is the one place that maps a
/// (format, policy) pair to its conformance.
///
/// Widths are fixed in the source (16 Float or 8 Double lanes), so target flags change the
/// instructions, never the order of operations: results are bit-identical on every build.
///
/// Contract of every conformance:
/// - `load` then `store` of a storage value is the identity (sign of zero, infinities and NaN
///   included): the compute vector holds every storage value exactly.
/// - `round(a op b)` for op in + - * / is the correctly rounded result of op in the policy's
///   arithmetic: for `native` in the storage format, for `wide` in the compute vector's format.
///   (Float16, bfloat16 and float8 `native` emulate their arithmetic in Float lanes: Float's 24
///   bits are at least 2p + 2, so rounding the Float result again to the format is the correctly
///   rounded result in the format.)
/// - `exp`, `log`, `log1p` are `Elementary`'s functions followed by `round`: no libm, no FMA.
///
/// Edge Cases: lanes past a row's end are loaded with a fill value the kernel chooses (-inf for
/// logits, so that they add exp(-inf) = 0 to a sum) and never stored.
public protocol Lanes: SendableMetatype {
  /// The format's storage type (`Float16`, `Float`, `Double`, or the bits of an emulated format:
  /// `BFloat16`, `Float8E4M3`, `Float8E5M2`).
  associatedtype Storage: LaneStorage
  /// The vector the kernel computes in (`SIMD16<Float>` or `SIMD8<Double>`).
  associatedtype V: ComputeVector
  /// The number of lanes of `V`.
  static var width: Int { get }
  /// Loads `count` (<= width) values from p, converted exactly to the compute format; the other
  /// lanes take `fill`.
  static func load(_ p: UnsafePointer<Storage>, count: Int, fill: V.Scalar) -> V
  /// Stores the first `count` lanes, each rounded once to the storage format (nearest, ties to
  /// even; overflow to infinity, gradual underflow).
  static func store(_ v: V, _ p: UnsafeMutablePointer<Storage>, count: Int)
  /// The policy's rounding of one operation's result: to the storage format (and back) for
  /// `Float16Native` and `EmulatedNative`; the identity for the others, whose compute vector
  /// already rounds.
  static func round(_ v: V) -> V
  /// `round` for one scalar (the kernels' scalar steps: adding lanes, combining partial sums).
  static func roundScalar(_ x: V.Scalar) -> V.Scalar
  /// e^x, log(x), log(1 + x) lane by lane, each result rounded by `round`.
  static func exp(_ v: V) -> V
  static func log(_ v: V) -> V
  static func log1p(_ v: V) -> V
  /// Whether `store` then `load` gives back every value `exp` and `round` return (the native
  /// policies: their results are already storage values; a wide policy's are not): kernels may
  /// then keep such values in the output row and read them back instead of computing them again.
  static var storesExactly: Bool { get }
  /// Whether the batch kernels get passes specialized for the hot (op, variant, summation)
  /// combinations, with the output mode, the summation and the max pass's index tracking fixed
  /// at compile time (`withRecipe`); the other lane types run the passes that read them at run
  /// time (same bits, less code to compile). The formats' native float32 and float64, and the
  /// wide float16, float32 and bfloat16.
  static var specializesPasses: Bool { get }
}

extension Lanes {
  @inlinable public static var storesExactly: Bool { false }
  @inlinable public static var specializesPasses: Bool { false }

  /// A vector with every lane `x`.
  @inlinable @inline(__always)
  public static func splat(_ x: V.Scalar) -> V { V(repeating: x) }
}

/// Work to do with the lane type of a (format, policy) pair: `run` is generic over the lane type,
/// so each call through `withLanes` is specialized for it. (Opening an `any Lanes.Type` instead
/// runs unspecialized generic code, about 16x slower: see `ComputeVector`.)
public protocol LanesTask {
  associatedtype Result
  func run<L: Lanes>(_: L.Type) -> Result
}

/// Runs `task` with the lane type of `format` under `policy`: the one place where a (format,
/// policy) pair chooses its lanes. The policy is the format's effective one
/// (`Format.effectivePolicy`: float64's `wide` is its `native`).
@inlinable
public func withLanes<T: LanesTask>(_ format: Format, _ policy: Policy, _ task: T) -> T.Result {
  switch (format, format.effectivePolicy(policy)) {
  case (.float16, .native): return task.run(Float16Native.self)
  case (.float16, .wide): return task.run(Float16Wide.self)
  case (.float32, .native): return task.run(Float32Native.self)
  case (.float32, .wide): return task.run(Float32Wide.self)
  case (.float64, _): return task.run(Float64Native.self)
  case (.bfloat16, .native): return task.run(EmulatedNative<BFloat16>.self)
  case (.bfloat16, .wide): return task.run(EmulatedWide<BFloat16>.self)
  case (.float8E4M3, .native): return task.run(EmulatedNative<Float8E4M3>.self)
  case (.float8E4M3, .wide): return task.run(EmulatedWide<Float8E4M3>.self)
  case (.float8E5M2, .native): return task.run(EmulatedNative<Float8E5M2>.self)
  case (.float8E5M2, .wide): return task.run(EmulatedWide<Float8E5M2>.self)
  }
}

/// A value of a format as the kernels store it: converts exactly to Double, and from Double by
/// one rounding to nearest even.
public protocol LaneStorage: BitwiseCopyable, Equatable, Sendable, SendableMetatype {
  init(_ value: Double)
  /// The exact value.
  var double: Double { get }
}

extension Float16: LaneStorage { @inlinable public var double: Double { Double(self) } }
extension Float: LaneStorage { @inlinable public var double: Double { Double(self) } }
extension Double: LaneStorage { @inlinable public var double: Double { self } }
extension BFloat16: LaneStorage {}
extension Float8E4M3: LaneStorage {}
extension Float8E5M2: LaneStorage {}

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
