import Accuracy
import Cases
import ExactReference
import Foundation
import SoftmaxKernels
import SoftmaxSpec
import TensorFiles

/// Other libraries' outputs (`data/peers`, written by `scripts/peers/run`) scored with the lab's
/// reference and measures (`Scoring`, exactly as `softmax-lab score` scores them), beside the
/// lab's own `fused` and `accurate` kernels on the same rows.
///
/// The lab's kernels run under the policy the frameworks use: `wide` (compute in float32, round
/// once) for float16, bfloat16 and the float8 formats, `native` for float32 and float64. Each
/// bundle's rows are checked against the rows the lab makes from the bundle's seed and sizes, so
/// the data cannot drift from the case families unnoticed.
public struct PeersStudy: Sendable {
  /// The aggregates of one library (or lab variant) for one operation on one family in one format.
  public struct Group: Sendable {
    public let format: Format
    public let op: Op
    public let family: String
    public let name: String
    /// The format the outputs came in (a library may return another dtype than the logits').
    public let delivered: Format
    public let aggregate: Aggregate
  }

  /// One output of a bug report's row: what a library (or lab variant) returned and its measure.
  public struct BugCell: Sendable {
    public let name: String
    public let value: Double
    public let delivered: Format
    public let measure: Measure
  }

  /// A bug report's row: its logits, the correctly rounded result of the element it is about, and
  /// each library's output there (libraries with no output for it are left out).
  public struct BugResult: Sendable {
    public let report: PeersData.BugReport
    public let logits: [Double]
    /// The exact result correctly rounded to the row's format, nil for an undefined row.
    public let exact: Double?
    public let cells: [BugCell]
  }

  /// One line of a plot: a library's (or lab variant's) largest ULP error per row against the
  /// row's parameter, and whether the row overflowed, underflowed or came out NaN.
  public struct Line: Sendable {
    public let name: String
    public let points: [RowPoint]
  }

  public let data: PeersData
  public let groups: [Group]
  public let bugs: [BugResult]
  /// log-softmax on the confident family (the lead d of the target), per format, one line per name.
  public let confident: [Format: [Line]]

  /// The lab's variants shown beside the libraries, and their names in the tables.
  public static let labVariants: [(name: String, variant: Variant)] = [("lab fused", .fused), ("lab accurate", .accurate)]

  /// The policy the lab's kernels run under: what PyTorch and JAX do (16- and 8-bit formats
  /// computed in float32), native otherwise.
  public static func labPolicy(_ format: Format) -> Policy {
    format.wider == .float32 && format != .float32 ? .wide : .native
  }

  /// Every name in table order: the libraries, then the lab's variants.
  public var names: [String] { data.libraries + Self.labVariants.map(\.name) }

  /// The formats that have rows, in `Format.allCases` order.
  public var formats: [Format] { Format.allCases.filter { f in data.sets.contains { $0.format == f } } }

  /// The group of (format, op, family, name), if the data has it.
  public func group(_ format: Format, _ op: Op, _ family: String, _ name: String) -> Group? {
    groups.first { $0.format == format && $0.op == op && $0.family == family && $0.name == name }
  }

  /// Reads `directory` and scores everything in it.
  public static func run(_ directory: String, threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> PeersStudy {
    do {
      return try score(try PeersData.read(directory), threads: threads)
    } catch let e as PeersError {
      throw e
    } catch {
      throw PeersError("\(directory): \(error)")
    }
  }

  static func score(_ data: PeersData, threads: Int) throws -> PeersStudy {
    var groups: [Group] = []
    var confident: [Format: [Line]] = [:]
    for set in data.sets {
      guard let format = set.format else { continue }
      let directory = data.path(set.directory)
      let bundle = try CaseBundle.read(directory)
      guard bundle.format == format else {
        throw PeersError("\(directory): the manifest's format is \(bundle.format.rawValue), provenance.json says \(format.rawValue)")
      }
      let rows = try checkedRows(bundle, directory)
      var lines: [Line] = []
      for out in data.outputs where out.set == set.directory {
        let (scored, delivered) = try bundle.scoredRows(directory, outputs: data.path(out.file), op: out.op)
        for g in try Scoring.score(scored, op: out.op, format: format, output: ResultFormat(delivered), name: out.library, threads: threads) {
          groups.append(Group(format: format, op: out.op, family: g.family, name: out.library, delivered: delivered, aggregate: g.aggregate))
        }
        if out.op == .logSoftmax {
          lines.append(Line(name: out.library, points: try perRow(scored, rows, format: format, delivered: delivered, threads: threads)))
        }
      }
      let policy = labPolicy(format)
      for op in Op.allCases {
        for (name, variant) in labVariants {
          let scored = rows.map { r in
            ScoredRow(family: r.family.rawValue, id: r.id, logits: r.logits, target: r.target,
                      outputs: Kernels.run(.simd, op, variant, r.logits, format, policy, r.target) ?? [])
          }
          for g in try Scoring.score(scored, op: op, format: format, name: name, threads: threads) {
            groups.append(Group(format: format, op: op, family: g.family, name: name, delivered: format, aggregate: g.aggregate))
          }
          if op == .logSoftmax {
            lines.append(Line(name: name, points: try perRow(scored, rows, format: format, delivered: format, threads: threads)))
          }
        }
      }
      if lines.contains(where: { !$0.points.isEmpty }) { confident[format, default: []] += lines }
    }
    return PeersStudy(data: data, groups: groups, bugs: try bugReports(data), confident: confident)
  }

  /// The bundle's rows, each checked against the row the lab makes from the bundle's seed and
  /// sizes (bit for bit, NaNs alike).
  static func checkedRows(_ bundle: CaseBundle, _ directory: String) throws -> [Case] {
    let logits = Dictionary(try readTensors(URL(fileURLWithPath: directory).appendingPathComponent(CaseBundle.logitsFile).path)
      .map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    return try bundle.entries.map { e in
      let c = Generator.make(e.family, index: e.index, format: bundle.format, settings: bundle.settings)
      guard let t = logits[e.id] else { throw PeersError("\(directory)/\(CaseBundle.logitsFile) has no tensor '\(e.id)'") }
      let x = try t.values()
      guard c.id == e.id, c.target == e.target, x.count == c.logits.count,
            zip(x, c.logits).allSatisfy({ $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) })
      else {
        throw PeersError("\(directory): row \(e.id) is not the row softmax-lab makes (seed \(bundle.settings.seed)): run scripts/peers/run again")
      }
      return c
    }
  }

  /// The confident family's rows one by one: each row's largest ULP error against its lead d.
  static func perRow(_ scored: [ScoredRow], _ rows: [Case], format: Format, delivered: Format, threads: Int) throws -> [RowPoint] {
    let parameters = Dictionary(rows.map { ($0.id, $0.parameter) }, uniquingKeysWith: { a, _ in a })
    let mine = scored.filter { $0.family == CaseFamily.confident.rawValue }
      .map { ScoredRow(family: $0.id, id: $0.id, logits: $0.logits, target: $0.target, outputs: $0.outputs) }
    return try Scoring.score(mine, op: .logSoftmax, format: format, output: ResultFormat(delivered), name: "", threads: threads)
      .enumerated().map { i, g in
        let a = g.aggregate
        return RowPoint(index: i, parameter: parameters[g.family] ?? nil, maxULP: a.maxULP, failed: a.overflow + a.underflow + a.nan > 0)
      }
  }

  /// Each bug report's row with every library's output of the element it is about.
  static func bugReports(_ data: PeersData) throws -> [BugResult] {
    try data.bugReports.map { b in
      let directory = data.path(b.set)
      let logitsFile = URL(fileURLWithPath: directory).appendingPathComponent(CaseBundle.logitsFile).path
      guard let x = try readTensors(logitsFile).first(where: { $0.name == b.caseID }) else {
        throw PeersError("\(logitsFile) has no tensor '\(b.caseID)' (bug report \(b.id))")
      }
      guard x.dtype.format == b.format else {
        throw PeersError("\(logitsFile): tensor '\(b.caseID)' is \(x.dtype.rawValue), bug report \(b.id) says \(b.format.rawValue)")
      }
      let logits = try x.values()
      guard b.element < b.op.outputCount(rowLength: logits.count), b.target < logits.count else {
        throw PeersError("bug report \(b.id): element \(b.element) or target \(b.target) is out of range for \(logits.count) logits")
      }
      // The exact value of the element rounded to each format an output came in, evaluated once per format.
      var exactIn: [Format: ExactValue?] = [:]
      func exact(_ delivered: Format) throws -> ExactValue? {
        if let known = exactIn[delivered] { return known }
        let row = try Reference.evaluate(logits, format: b.format, outputFormat: delivered, target: b.target, operations: [b.op])
        let value = row.undefined ? nil : row.results[b.op]![b.element]
        exactIn[delivered] = value
        return value
      }
      var cells: [BugCell] = []
      for out in data.outputs where out.set == b.set && out.op == b.op {
        guard let y = try readTensors(data.path(out.file)).first(where: { $0.name == b.caseID }) else { continue }
        guard let delivered = y.dtype.format else { throw PeersError("\(out.file): tensor '\(b.caseID)' holds integers") }
        let values = try y.values()
        guard values.count == b.op.outputCount(rowLength: logits.count) else {
          throw PeersError("\(out.file): tensor '\(b.caseID)' has \(values.count) values for \(b.op.rawValue) of \(logits.count) logits")
        }
        let c = values[b.element]
        cells.append(BugCell(name: out.library, value: c, delivered: delivered,
                             measure: try exact(delivered).map { Measures.measure(computed: c, exact: $0) } ?? .undefined))
      }
      let policy = labPolicy(b.format)
      for (name, variant) in labVariants {
        guard let y = Kernels.run(.simd, b.op, variant, logits, b.format, policy, b.target) else { continue }
        let c = y[b.element]
        cells.append(BugCell(name: name, value: c, delivered: b.format,
                             measure: try exact(b.format).map { Measures.measure(computed: c, exact: $0) } ?? .undefined))
      }
      return BugResult(report: b, logits: logits, exact: try exact(b.format)?.rounded, cells: cells)
    }
  }
}
