import SoftmaxSpec

/// One element's bits <-> its value, for every dtype.
///
/// Value dtypes decode exactly to Double: float16 through `Float16(bitPattern:)`, float32 through
/// `Float(bitPattern:)`, bfloat16 and float8 through SoftmaxSpec's storage types (`BFloat16`,
/// `Float8E4M3`, `Float8E5M2`); signed zeros and infinities are kept.
///
/// NaNs keep their bits: a NaN decodes to the Double NaN with the same sign whose fraction starts
/// with the element's fraction bits (the rest zero), built from the bits without a floating-point
/// conversion, so a signaling NaN is not quieted. Encoding takes those top fraction bits back, so a
/// NaN read from a file is written back bit for bit. A NaN whose top fraction bits are all zero (a
/// Double NaN with a payload only in its low bits) encodes as the dtype's quiet NaN with its sign;
/// `Double.nan` encodes as the quiet NaN (float32 0x7FC00000, float16 0x7E00, bfloat16 0x7FC0,
/// float8-e5m2 0x7E, float8-e4m3 0x7F). float8-e4m3 has one NaN per sign (S.1111.111).
enum ElementCoding {
  /// The fraction bits of a value dtype (p - 1); 52 for float64.
  static func fractionBits(_ format: Format) -> Int { format.precision - 1 }

  /// The element's bits (in the low `byteWidth` bytes) as a Double. Integer dtypes: use `integer`.
  static func value(_ bits: UInt64, _ dtype: TensorDType) -> Double {
    switch dtype {
    case .float64:
      return Double(bitPattern: bits)
    case .float32:
      let b = UInt32(truncatingIfNeeded: bits)
      if let nan = nan(UInt64(b), .float32) { return nan }
      return Double(Float(bitPattern: b))
    case .float16:
      let b = UInt16(truncatingIfNeeded: bits)
      if let nan = nan(UInt64(b), .float16) { return nan }
      return Double(Float16(bitPattern: b))
    case .bfloat16:
      let b = UInt16(truncatingIfNeeded: bits)
      if let nan = nan(UInt64(b), .bfloat16) { return nan }
      return BFloat16(bitPattern: b).double
    case .float8E4M3:
      let b = UInt8(truncatingIfNeeded: bits)
      if let nan = nan(UInt64(b), .float8E4M3) { return nan }
      return Float8E4M3(bitPattern: b).double
    case .float8E5M2:
      let b = UInt8(truncatingIfNeeded: bits)
      if let nan = nan(UInt64(b), .float8E5M2) { return nan }
      return Float8E5M2(bitPattern: b).double
    case .int8, .int16, .int32, .int64, .uint8:
      return Double(integer(bits, dtype))
    }
  }

  /// When `bits` (a narrower-than-Double format's element) is a NaN: the Double NaN with its sign
  /// and its fraction bits at the top of the Double's fraction. Otherwise nil.
  static func nan(_ bits: UInt64, _ format: Format) -> Double? {
    let f = UInt64(fractionBits(format))
    let width = UInt64(format.byteWidth * 8)
    let exponentMask = (UInt64(1) << (width - 1 - f)) - 1
    let fraction = bits & ((1 << f) - 1)
    let field = (bits >> f) & exponentMask
    let isNaN = format.overflowsToNaN
      ? field == exponentMask && fraction == (1 << f) - 1  // float8-e4m3: only S.1111.111
      : field == exponentMask && fraction != 0
    guard isNaN else { return nil }
    let sign = (bits >> (width - 1)) & 1
    return Double(bitPattern: sign << 63 | 0x7FF << 52 | fraction << (52 - f))
  }

  /// The element's bits of an integer dtype, sign-extended for the signed ones.
  static func integer(_ bits: UInt64, _ dtype: TensorDType) -> Int {
    switch dtype {
    case .int8: return Int(Int8(truncatingIfNeeded: bits))
    case .int16: return Int(Int16(truncatingIfNeeded: bits))
    case .int32: return Int(Int32(truncatingIfNeeded: bits))
    case .uint8: return Int(UInt8(truncatingIfNeeded: bits))
    default: return Int(Int64(bitPattern: bits))
    }
  }

  /// The bits of `value` in the value dtype `dtype`, or nil when `value` is not a value of its
  /// format (it would need rounding, or it is an infinity of float8-e4m3).
  static func bits(_ value: Double, _ dtype: TensorDType) -> UInt64? {
    guard let format = dtype.format else { return nil }
    if value.isNaN {
      if format == .float64 { return value.bitPattern }
      let f = UInt64(fractionBits(format))
      let width = UInt64(format.byteWidth * 8)
      let sign = value.sign == .minus ? UInt64(1) << (width - 1) : 0
      let exponent = ((UInt64(1) << (width - 1 - f)) - 1) << f
      var fraction = (value.bitPattern & ((1 << 52) - 1)) >> (52 - f)
      if format.overflowsToNaN || fraction == 0 {
        fraction = format.overflowsToNaN ? (1 << f) - 1 : 1 << (f - 1)
      }
      return sign | exponent | fraction
    }
    guard format.contains(value) else { return nil }
    switch dtype {
    case .float64: return value.bitPattern
    case .float32: return UInt64(Float(value).bitPattern)
    case .float16: return UInt64(Float16(value).bitPattern)
    case .bfloat16: return UInt64(BFloat16(value).bitPattern)
    case .float8E4M3: return UInt64(Float8E4M3(value).bitPattern)
    case .float8E5M2: return UInt64(Float8E5M2(value).bitPattern)
    default: return nil
    }
  }

  /// The bits of `value` in the integer dtype `dtype` (two's complement, in the low bytes), or nil
  /// when `value` is outside the dtype's range.
  static func bits(integer value: Int, _ dtype: TensorDType) -> UInt64? {
    guard let range = dtype.integerRange, range.contains(value) else { return nil }
    let mask: UInt64 = dtype.byteWidth == 8 ? .max : (1 << UInt64(dtype.byteWidth * 8)) - 1
    return UInt64(bitPattern: Int64(value)) & mask
  }
}

/// Loads and stores of one element of `width` bytes in either byte order, bounds already checked
/// by the caller (the readers validate every range against the file before any load).
enum ElementBytes {
  static func load(_ raw: UnsafeRawBufferPointer, at offset: Int, width: Int, order: ByteOrder) -> UInt64 {
    switch (width, order) {
    case (1, _): return UInt64(raw[offset])
    case (2, .little): return UInt64(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
    case (2, .big): return UInt64(UInt16(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
    case (4, .little): return UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
    case (4, .big): return UInt64(UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
    case (_, .little): return UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    case (_, .big): return UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
  }

  /// Appends the low `width` bytes of `bits` in `order`.
  static func append(_ bits: UInt64, width: Int, order: ByteOrder, to bytes: inout [UInt8]) {
    for i in 0..<width {
      let shift = order == .little ? i * 8 : (width - 1 - i) * 8
      bytes.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift)))
    }
  }
}
