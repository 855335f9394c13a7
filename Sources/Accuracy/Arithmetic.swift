import SoftmaxSpec

/// Arithmetic of one format, carried in Doubles: each operation is done in Double and rounded to
/// the format. For float16, float32, bfloat16 and the float8 formats that is the correctly rounded
/// operation of the format (Double has p' = 53 >= 2p + 2 bits and a wider exponent range, so
/// rounding twice is harmless for + - * /; Figueroa 1995), so this emulates their arithmetic
/// exactly, on any machine.
public struct Arithmetic: Sendable {
  public let format: Format
  public init(_ format: Format) { self.format = format }

  public func add(_ a: Double, _ b: Double) -> Double { format.round(a + b) }
  public func subtract(_ a: Double, _ b: Double) -> Double { format.round(a - b) }
  public func multiply(_ a: Double, _ b: Double) -> Double { format.round(a * b) }
  public func divide(_ a: Double, _ b: Double) -> Double { format.round(a / b) }
}
