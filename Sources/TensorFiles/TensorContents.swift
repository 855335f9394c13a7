/// A tensor to write: name, dtype, shape and its elements, values or integers.
public struct TensorContents: Sendable {
  /// The elements, row-major.
  public enum Elements: Sendable {
    /// For a value dtype: each already a value of the dtype's format (NaN with any bits, -0 and
    /// the format's infinities included); the writers round nothing and reject any other value.
    case values([Double])
    /// For an integer dtype: each in the dtype's range.
    case integers([Int])
  }

  public var name: String
  public var dtype: TensorDType
  public var shape: [Int]
  public var elements: Elements

  /// A value tensor (`dtype` a value dtype).
  public init(name: String, dtype: TensorDType, shape: [Int], values: [Double]) {
    self.init(name: name, dtype: dtype, shape: shape, elements: .values(values))
  }

  /// An integer (target) tensor (`dtype` an integer dtype).
  public init(name: String, dtype: TensorDType, shape: [Int], integers: [Int]) {
    self.init(name: name, dtype: dtype, shape: shape, elements: .integers(integers))
  }

  public init(name: String, dtype: TensorDType, shape: [Int], elements: Elements) {
    self.name = name
    self.dtype = dtype
    self.shape = shape
    self.elements = elements
  }

  /// The elements' bytes in `order`, after checking that the elements fit the dtype and the
  /// shape; `path` names the file in the errors.
  func encoded(order: ByteOrder, path: String) throws -> [UInt8] {
    let t = "tensor \(quoted(name))"
    var count = 1
    for n in shape {
      guard n >= 0 else { throw TensorFileError(path, "\(t): shape \(shapeText(shape)) has a negative dimension") }
      let (product, overflow) = count.multipliedReportingOverflow(by: n)
      guard !overflow else { throw TensorFileError(path, "\(t): shape \(shapeText(shape)) has more elements than Int can count") }
      count = product
    }
    let width = dtype.byteWidth
    var bytes: [UInt8] = []
    switch elements {
    case .values(let values):
      guard let format = dtype.format else {
        throw TensorFileError(path, "\(t): dtype \(dtype.rawValue) holds integers, but values were given")
      }
      guard values.count == count else {
        throw TensorFileError(path, "\(t): shape \(shapeText(shape)) has \(count) elements, but \(values.count) values were given")
      }
      bytes.reserveCapacity(count * width)
      for (i, v) in values.enumerated() {
        guard let bits = ElementCoding.bits(v, dtype) else {
          throw TensorFileError(path, "\(t): element \(i), \(v), is not a \(format.rawValue) value")
        }
        ElementBytes.append(bits, width: width, order: order, to: &bytes)
      }
    case .integers(let integers):
      guard let range = dtype.integerRange else {
        throw TensorFileError(path, "\(t): dtype \(dtype.rawValue) holds values, but integers were given")
      }
      guard integers.count == count else {
        throw TensorFileError(path, "\(t): shape \(shapeText(shape)) has \(count) elements, but \(integers.count) integers were given")
      }
      bytes.reserveCapacity(count * width)
      for (i, v) in integers.enumerated() {
        guard let bits = ElementCoding.bits(integer: v, dtype) else {
          throw TensorFileError(path, "\(t): element \(i), \(v), is outside \(dtype.rawValue)'s range \(range.lowerBound)...\(range.upperBound)")
        }
        ElementBytes.append(bits, width: width, order: order, to: &bytes)
      }
    }
    return bytes
  }
}
