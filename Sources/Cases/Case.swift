import SoftmaxSpec

/// One generated row: the logits (values of `format`, as Doubles), its target class, and the
/// swept parameter of its family. `id` ("wide-spread/17") with the seed, rows, n and format
/// regenerates it exactly.
public struct Case: Sendable {
  public let family: CaseFamily
  public let index: Int
  public let format: Format
  public let logits: [Double]
  public let target: Int
  /// The family's swept parameter for this row (see `CaseFamily.parameterName`).
  public let parameter: Double?
  /// What this row is, in a few words.
  public let note: String

  public var id: String { "\(family.rawValue)/\(index)" }
}

/// How a set of cases is sized: the seed, and rows and row length overriding the families'
/// defaults (nil: the default).
public struct CaseSettings: Sendable, Equatable {
  public static let defaultSeed: UInt64 = 1

  public var seed: UInt64
  public var rows: Int?
  public var length: Int?

  public init(seed: UInt64 = CaseSettings.defaultSeed, rows: Int? = nil, length: Int? = nil) {
    self.seed = seed
    self.rows = rows
    self.length = length
  }

  public func rows(_ family: CaseFamily) -> Int {
    let r = rows ?? family.defaultRows
    return family.maximumRows.map { min(r, $0) } ?? r
  }

  public func length(_ family: CaseFamily) -> Int { length ?? family.defaultLength ?? 0 }
}

/// Why a case could not be made.
public enum CaseError: Error, CustomStringConvertible, Equatable {
  case malformedID(String)
  case unknownFamily(String)
  case indexOutOfRange(id: String, rows: Int)
  case badSize(String)

  public var description: String {
    switch self {
    case .malformedID(let s): return "malformed case id '\(s)': write family/index, e.g. wide-spread/17"
    case .unknownFamily(let s):
      return "unknown family '\(s)' (one of: \(CaseFamily.allCases.map(\.rawValue).joined(separator: ", ")))"
    case let .indexOutOfRange(id, rows): return "case \(id) does not exist: that family has \(rows) rows (0..<\(rows))"
    case .badSize(let s): return s
    }
  }
}

extension CaseSettings {
  /// Checks the overrides: rows >= 1, n >= 2.
  public func validated() throws -> CaseSettings {
    if let rows, rows < 1 { throw CaseError.badSize("--rows must be at least 1 (got \(rows))") }
    if let length, length < 2 { throw CaseError.badSize("--n must be at least 2 (got \(length))") }
    if let length, length > 1 << 22 { throw CaseError.badSize("--n must be at most \(1 << 22) (got \(length))") }
    return self
  }

  /// The family and index named by an id such as "wide-spread/17", checked against the rows.
  public func parse(id: String) throws(CaseError) -> (CaseFamily, Int) {
    let parts = id.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let index = Int(parts[1]), index >= 0 else { throw .malformedID(id) }
    guard let family = CaseFamily(rawValue: String(parts[0])) else { throw .unknownFamily(String(parts[0])) }
    let count = rows(family)
    guard index < count else { throw .indexOutOfRange(id: id, rows: count) }
    return (family, index)
  }
}
