/// The formats with no Swift type, stored as their bits: bfloat16 (`UInt16`), float8-e4m3 and
/// float8-e5m2 (`UInt8`). Conversions are exact: every value converts to `Float` and `Double`
/// exactly, and `init(_:)` from a Double or a Float rounds once, to nearest even
/// (`Format.round`), never through another format.
///
/// Bit layouts (sign, exponent field, fraction field; bias): bfloat16 1.8.7, bias 127 (the top
/// half of a float32); float8-e4m3 1.4.3, bias 7, S.1111.111 is NaN and there is no infinity;
/// float8-e5m2 1.5.2, bias 15 (the top byte of a float16), IEEE infinities and NaNs.
public protocol EmulatedFormat: Sendable, Hashable, BitwiseCopyable {
  associatedtype Bits: FixedWidthInteger & UnsignedInteger & SIMDScalar & Sendable
  /// The format these values belong to.
  static var format: Format { get }
  var bitPattern: Bits { get }
  init(bitPattern: Bits)
}

extension EmulatedFormat {
  /// Fraction bits (p - 1).
  @inlinable public static var fractionBits: Int { format.precision - 1 }
  /// Exponent bits.
  @inlinable public static var exponentBits: Int { Bits.bitWidth - 1 - fractionBits }
  /// The exponent bias.
  @inlinable public static var bias: Int { (1 << (exponentBits - 1)) - 1 }

  /// The exact value, as a Double.
  public var double: Double {
    let b = Int(bitPattern)
    let negative = b >> (Bits.bitWidth - 1) != 0
    let field = (b >> Self.fractionBits) & ((1 << Self.exponentBits) - 1)
    let fraction = b & ((1 << Self.fractionBits) - 1)
    let allOnes = (1 << Self.exponentBits) - 1
    var v: Double
    if Self.format.overflowsToNaN {
      // float8-e4m3: only S.1111.111 is special (NaN).
      if field == allOnes && fraction == (1 << Self.fractionBits) - 1 { return .nan }
    } else if field == allOnes {
      if fraction != 0 { return .nan }
      return negative ? -.infinity : .infinity
    }
    if field == 0 {
      v = Double(sign: .plus, exponent: 1 - Self.bias - Self.fractionBits, significand: Double(fraction))
    } else {
      v = Double(sign: .plus, exponent: field - Self.bias - Self.fractionBits,
                 significand: Double((1 << Self.fractionBits) | fraction))
    }
    return negative ? -v : v
  }

  /// The exact value, as a Float.
  public var float: Float { Float(double) }

  /// `value` rounded to nearest even in the format (gradual underflow; overflow to infinity, or
  /// to NaN in float8-e4m3); a NaN becomes the format's canonical quiet NaN with NaN's sign bit.
  public init(_ value: Double) {
    let r = Self.format.round(value)
    let signBit: Int = r.sign == .minus ? 1 << (Bits.bitWidth - 1) : 0
    let allOnes = (1 << Self.exponentBits) - 1
    let bits: Int
    if r.isNaN {
      // Quiet NaN: exponent all ones, top fraction bit set (float8-e4m3: all fraction bits).
      let fraction = Self.format.overflowsToNaN ? (1 << Self.fractionBits) - 1 : 1 << (Self.fractionBits - 1)
      bits = allOnes << Self.fractionBits | fraction
    } else if r.isInfinite {
      bits = allOnes << Self.fractionBits
    } else if r == 0 {
      bits = 0
    } else {
      let a = r.magnitude
      let e = Int(a.exponent)
      if e < Self.format.minExponent {
        // Subnormal: a / 2^(emin - p + 1) is the fraction field, exactly.
        bits = Int(a / Self.format.leastNonzeroMagnitude)
      } else {
        let fraction = Int((a.significand - 1) * Double(1 << Self.fractionBits))
        bits = (e + Self.bias) << Self.fractionBits | fraction
      }
    }
    self.init(bitPattern: Bits(truncatingIfNeeded: signBit | bits))
  }

  /// `value` rounded once to the format (`Float` converts to `Double` exactly).
  public init(_ value: Float) { self.init(Double(value)) }
}

/// bfloat16: 8 significant bits, float32's exponent range.
@frozen
public struct BFloat16: EmulatedFormat {
  public var bitPattern: UInt16
  @inlinable public init(bitPattern: UInt16) { self.bitPattern = bitPattern }
  @inlinable public static var format: Format { .bfloat16 }
}

/// OCP float8 E4M3 (`float8_e4m3fn`): 4 significant bits, emin -6, largest finite 448, no infinity.
@frozen
public struct Float8E4M3: EmulatedFormat {
  public var bitPattern: UInt8
  @inlinable public init(bitPattern: UInt8) { self.bitPattern = bitPattern }
  @inlinable public static var format: Format { .float8E4M3 }
}

/// OCP float8 E5M2 (`float8_e5m2`): 3 significant bits, float16's exponent range.
@frozen
public struct Float8E5M2: EmulatedFormat {
  public var bitPattern: UInt8
  @inlinable public init(bitPattern: UInt8) { self.bitPattern = bitPattern }
  @inlinable public static var format: Format { .float8E5M2 }
}
