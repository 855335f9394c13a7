import SoftmaxSpec

/// The element types the tensor files may hold: the value dtypes (one per `Format`) and the
/// integer dtypes of class targets.
///
/// Raw values are safetensors' dtype names ("F32", "BF16", "F8_E4M3", "I64"); `npyDescr` gives
/// the little-endian NumPy descr ("<f4") where NumPy has one.
public enum TensorDType: String, CaseIterable, Sendable, Hashable {
  case float16 = "F16"
  case bfloat16 = "BF16"
  case float32 = "F32"
  case float64 = "F64"
  case float8E4M3 = "F8_E4M3"
  case float8E5M2 = "F8_E5M2"
  case int8 = "I8"
  case int16 = "I16"
  case int32 = "I32"
  case int64 = "I64"
  case uint8 = "U8"

  /// The dtype of the values of `format`.
  public init(_ format: Format) {
    switch format {
    case .float16: self = .float16
    case .bfloat16: self = .bfloat16
    case .float32: self = .float32
    case .float64: self = .float64
    case .float8E4M3: self = .float8E4M3
    case .float8E5M2: self = .float8E5M2
    }
  }

  /// The format of a value dtype; nil for the integer dtypes.
  public var format: Format? {
    switch self {
    case .float16: return .float16
    case .bfloat16: return .bfloat16
    case .float32: return .float32
    case .float64: return .float64
    case .float8E4M3: return .float8E4M3
    case .float8E5M2: return .float8E5M2
    case .int8, .int16, .int32, .int64, .uint8: return nil
    }
  }

  /// True for the integer (target) dtypes.
  public var isInteger: Bool { format == nil }

  /// Bytes of one element.
  public var byteWidth: Int {
    switch self {
    case .float8E4M3, .float8E5M2, .int8, .uint8: return 1
    case .float16, .bfloat16, .int16: return 2
    case .float32, .int32: return 4
    case .float64, .int64: return 8
    }
  }

  /// The range of an integer dtype (nil for the value dtypes).
  public var integerRange: ClosedRange<Int>? {
    switch self {
    case .int8: return Int(Int8.min)...Int(Int8.max)
    case .int16: return Int(Int16.min)...Int(Int16.max)
    case .int32: return Int(Int32.min)...Int(Int32.max)
    case .int64: return Int.min...Int.max
    case .uint8: return 0...Int(UInt8.max)
    default: return nil
    }
  }

  /// The safetensors name: "F32", "BF16", "F8_E4M3", "I64", ...
  public var safetensorsName: String { rawValue }

  /// NumPy's type code without the byte order ("f4", "i8", "u1"); nil for bfloat16 and the
  /// float8 formats, which NumPy has no dtype for.
  public var npyTypeCode: String? {
    switch self {
    case .float16: return "f2"
    case .float32: return "f4"
    case .float64: return "f8"
    case .int8: return "i1"
    case .int16: return "i2"
    case .int32: return "i4"
    case .int64: return "i8"
    case .uint8: return "u1"
    case .bfloat16, .float8E4M3, .float8E5M2: return nil
    }
  }

  /// The dtype of a NumPy type code ("f4" -> float32); nil when not supported.
  init?(npyTypeCode: String) {
    guard let dtype = TensorDType.allCases.first(where: { $0.npyTypeCode == npyTypeCode }) else { return nil }
    self = dtype
  }
}

/// The byte order of the elements in a file: safetensors is always little-endian; a .npy file
/// says which in its descr ('<' little, '>' big).
public enum ByteOrder: Sendable, Hashable {
  case little, big
}
