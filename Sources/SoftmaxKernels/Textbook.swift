import RealModule
import SoftmaxSpec

/// The scalar textbook kernels: the `naive`, `shifted` and `fused` variants of every operation,
/// written to be read as the definitions of docs/definitions.md, one operation per line of arithmetic.
///
/// They compute in `T`, every operation rounding to `T` (exp and log are swift-numerics'
/// `RealModule` functions, which call the platform's libm; for `Float16` they compute in `Float`
/// and round once). bfloat16 and the float8 formats compute in `RoundedTo<S>`: Float arithmetic
/// and libm, each result rounded to the format. The SIMD kernels are measured beside these.
///
/// Edge Cases (all variants): a row of -inf logits, a NaN or a +inf logit gives whatever IEEE
/// arithmetic gives (NaN for the shifted and fused forms, as frameworks return); the row must not
/// be empty and `t` must be in range (checked by callers).
///
/// Error bounds (Blanchard, Higham & Higham 2021, first order, no overflow or underflow; u the unit
/// roundoff of T, n the row length, y = lse(x)): naive lse <= (1 + (n + 1)/|y|) u relative;
/// shifted and fused lse <= |y + n - x_min| / |y| u; softmax by division <= (n + 3) u unshifted,
/// <= (n + 2 + 2 (x_max - x_min)) u shifted. Where exp overflows (x above about 11.09, 88.72,
/// 709.78 in float16, float32, float64) `naive` returns inf or NaN; where it underflows, `naive`
/// and `shifted` take log(0) = -inf.
public enum Textbook {
  /// The variants these kernels implement.
  public static let variants: [Variant] = [.naive, .shifted, .fused]

  // MARK: Shared pieces

  /// m = max_j x_j (the first maximum; NaN logits are skipped by `>`).
  @inlinable
  public static func maximum<T: TextbookArithmetic>(_ x: [T]) -> T {
    var m = x[0]
    for v in x.dropFirst() where v > m { m = v }
    return m
  }

  /// sum_j exp(x_j - shift), summed left to right.
  @inlinable
  public static func sumOfExponentials<T: TextbookArithmetic>(_ x: [T], shift: T) -> T {
    var s = T.zero
    for v in x { s = s + T.exp(v - shift) }
    return s
  }

  /// sum_j exp(x_j), summed left to right, no shift.
  @inlinable
  public static func sumOfExponentials<T: TextbookArithmetic>(_ x: [T]) -> T {
    var s = T.zero
    for v in x { s = s + T.exp(v) }
    return s
  }

  // MARK: Operations

  /// lse(x) = log(sum_j exp(x_j)).
  /// naive: log(sum exp(x_j)); shifted and fused: m + log(sum exp(x_j - m)).
  @inlinable
  public static func lse<T: TextbookArithmetic>(_ x: [T], _ variant: Variant) -> T {
    switch variant {
    case .naive:
      return T.log(sumOfExponentials(x))
    default:
      let m = maximum(x)
      return m + T.log(sumOfExponentials(x, shift: m))
    }
  }

  /// softmax(x)_i = exp(x_i) / sum_j exp(x_j).
  /// naive: exp(x_i) / s; shifted and fused: exp(x_i - m) / s with s = sum exp(x_j - m).
  @inlinable
  public static func softmax<T: TextbookArithmetic>(_ x: [T], _ variant: Variant) -> [T] {
    switch variant {
    case .naive:
      let s = sumOfExponentials(x)
      return x.map { T.exp($0) / s }
    default:
      let m = maximum(x)
      let s = sumOfExponentials(x, shift: m)
      return x.map { T.exp($0 - m) / s }
    }
  }

  /// log-softmax(x)_i = x_i - lse(x).
  /// naive: log(exp(x_i) / s); shifted: log(exp(x_i - m) / s); fused: (x_i - m) - log(s).
  @inlinable
  public static func logSoftmax<T: TextbookArithmetic>(_ x: [T], _ variant: Variant) -> [T] {
    switch variant {
    case .naive, .shifted:
      return softmax(x, variant).map { T.log($0) }
    default:
      let m = maximum(x)
      let logS = T.log(sumOfExponentials(x, shift: m))
      return x.map { ($0 - m) - logS }
    }
  }

  /// cross-entropy(x, t) = -log-softmax(x)_t.
  /// naive: -log(exp(x_t) / s); shifted: -log(exp(x_t - m) / s); fused: lse - x_t.
  @inlinable
  public static func crossEntropy<T: TextbookArithmetic>(_ x: [T], target t: Int, _ variant: Variant) -> T {
    switch variant {
    case .naive:
      return -T.log(T.exp(x[t]) / sumOfExponentials(x))
    case .shifted:
      let m = maximum(x)
      return -T.log(T.exp(x[t] - m) / sumOfExponentials(x, shift: m))
    default:
      return lse(x, .fused) - x[t]
    }
  }

  /// ce-gradient(x, t)_i = softmax(x)_i - [i == t], with the variant's softmax.
  @inlinable
  public static func ceGradient<T: TextbookArithmetic>(_ x: [T], target t: Int, _ variant: Variant) -> [T] {
    var g = softmax(x, variant)
    g[t] = g[t] - 1
    return g
  }

  /// `op` on a row, in `T`.
  @inlinable
  public static func evaluate<T: TextbookArithmetic>(_ op: Op, _ variant: Variant, _ x: [T], target: Int) -> [T] {
    switch op {
    case .lse: return [lse(x, variant)]
    case .softmax: return softmax(x, variant)
    case .logSoftmax: return logSoftmax(x, variant)
    case .crossEntropy: return [crossEntropy(x, target: target, variant)]
    case .ceGradient: return ceGradient(x, target: target, variant)
    }
  }

  /// `op` on a row of `format` values (carried as Doubles) under `policy`: `native` computes in
  /// the format itself, `wide` in `format.wider`, rounding each result once to `format`.
  /// Nil when the variant is not one of `Textbook.variants`.
  public static func evaluate(
    _ op: Op, _ variant: Variant, row: [Double], format: Format, policy: Policy, target: Int
  ) -> [Double]? {
    guard variants.contains(variant), variant.applies(to: op) else { return nil }
    let results: [Double]
    switch policy.computeFormat(for: format) {
    case .float16: results = evaluate(op, variant, row.map { Float16($0) }, target: target).map { Double($0) }
    case .float32: results = evaluate(op, variant, row.map { Float($0) }, target: target).map { Double($0) }
    case .float64: results = evaluate(op, variant, row, target: target)
    case .bfloat16: results = evaluate(op, variant, row.map(RoundedTo<BFloat16>.init), target: target).map(\.double)
    case .float8E4M3: results = evaluate(op, variant, row.map(RoundedTo<Float8E4M3>.init), target: target).map(\.double)
    case .float8E5M2: results = evaluate(op, variant, row.map(RoundedTo<Float8E5M2>.init), target: target).map(\.double)
    }
    return results.map(format.round)
  }
}

/// The arithmetic the textbook kernels need: + - / and negation, exp and log, comparison.
public protocol TextbookArithmetic: Comparable, ExpressibleByIntegerLiteral {
  static var zero: Self { get }
  static func + (a: Self, b: Self) -> Self
  static func - (a: Self, b: Self) -> Self
  static func / (a: Self, b: Self) -> Self
  static prefix func - (a: Self) -> Self
  static func exp(_ x: Self) -> Self
  static func log(_ x: Self) -> Self
}

extension Float16: TextbookArithmetic {}
extension Float: TextbookArithmetic {}
extension Double: TextbookArithmetic {}

/// A value of an emulated format (bfloat16, float8) held as a Float; every operation computes in
/// Float (exp and log with `RealModule`, as for the other formats) and rounds its result to the
/// format once, which for + - / is the correctly rounded result in the format (Float's 24 bits
/// are at least 2p + 2).
public struct RoundedTo<S: EmulatedFormat>: TextbookArithmetic {
  public let value: Float
  /// `x` rounded to the format.
  public init(_ x: Double) { value = Float(S.format.round(x)) }
  init(rounding x: Float) { self.init(Double(x)) }
  public init(integerLiteral n: Int) { self.init(Double(n)) }
  /// The exact value.
  public var double: Double { Double(value) }

  public static var zero: Self { Self(0.0) }
  public static func + (a: Self, b: Self) -> Self { Self(rounding: a.value + b.value) }
  public static func - (a: Self, b: Self) -> Self { Self(rounding: a.value - b.value) }
  public static func / (a: Self, b: Self) -> Self { Self(rounding: a.value / b.value) }
  public static prefix func - (a: Self) -> Self { Self(rounding: -a.value) }
  public static func exp(_ x: Self) -> Self { Self(rounding: Float.exp(x.value)) }
  public static func log(_ x: Self) -> Self { Self(rounding: Float.log(x.value)) }
  public static func < (a: Self, b: Self) -> Bool { a.value < b.value }
  public static func == (a: Self, b: Self) -> Bool { a.value == b.value }
}
