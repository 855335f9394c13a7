import Accuracy
import ExactReference
import Foundation
import LabSupport
import SoftmaxSpec

/// One row of outputs computed elsewhere (a framework's softmax, say), to be judged.
public struct ScoredRow: Sendable {
  /// The group it is aggregated in: its case family for a bundle's rows, "rows" for ad-hoc tensors.
  public let family: String
  /// How the worst case names it: a case id ("moderate/3") or "row 17".
  public let id: String
  public let logits: [Double]
  public let target: Int
  public let outputs: [Double]

  public init(family: String, id: String, logits: [Double], target: Int, outputs: [Double]) {
    self.family = family
    self.id = id
    self.logits = logits
    self.target = target
    self.outputs = outputs
  }
}

/// The aggregates of the outputs of one library (`name`) for one operation on one group of rows.
public struct ScoreGroup: Sendable {
  public let family: String
  public let format: Format
  public let name: String
  public let op: Op
  public let aggregate: Aggregate
}

/// Why outputs could not be scored (one line).
public struct ScoreError: Error, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
}

/// Judges outputs computed elsewhere with the lab's reference and measures, exactly as `run`
/// judges its own kernels: each row's exact result (`Reference.evaluate`, in the output format and
/// scale), each output's `Measures.measure`, aggregated per group by `Aggregate`, rows merged in
/// row order whatever the thread count.
public enum Scoring {
  /// Scores `rows` of `op` outputs. The logits are values of `format` and the outputs values of
  /// `output.format` (checked: a value that is not is an error naming the row and element).
  public static func score(
    _ rows: [ScoredRow], op: Op, format: Format, output: ResultFormat? = nil, name: String,
    reference: ReferenceMethod = .fast, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
    progress: (@Sendable (Int, Int) -> Void)? = nil
  ) throws -> [ScoreGroup] {
    try score(count: rows.count, row: { rows[$0] }, op: op, format: format, output: output, name: name,
              reference: reference, threads: threads, progress: progress)
  }

  /// `score` of `count` rows made on demand by `row` (from a memory-mapped file, say), so that only
  /// the rows in flight are held as Doubles.
  public static func score(
    count: Int, row: @escaping @Sendable (Int) throws -> ScoredRow, op: Op, format: Format, output: ResultFormat? = nil,
    name: String, reference: ReferenceMethod = .fast, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
    progress: (@Sendable (Int, Int) -> Void)? = nil
  ) throws -> [ScoreGroup] {
    let delivery = output ?? ResultFormat(format)
    // Rows are folded into their group in row order as soon as they are scored, so a large tensor's
    // per-row aggregates are not all held at once.
    let groups = try concurrentFold(count, threads: threads, into: [(family: String, aggregate: Aggregate)](), progress: progress) {
      i -> (String, Aggregate) in
      let r = try row(i)
      return (r.family, try aggregate(r, op: op, format: format, output: delivery, reference: reference))
    } combine: { groups, outcome in
      let (family, a) = outcome
      if let k = groups.firstIndex(where: { $0.family == family }) {
        groups[k].aggregate.merge(a)
      } else {
        groups.append((family, a))
      }
    }
    return groups.map { ScoreGroup(family: $0.family, format: format, name: name, op: op, aggregate: $0.aggregate) }
  }

  /// One row's measures.
  static func aggregate(_ row: ScoredRow, op: Op, format: Format, output: ResultFormat,
                        reference method: ReferenceMethod = .fast) throws -> Aggregate {
    let expected = op.outputCount(rowLength: row.logits.count)
    guard row.outputs.count == expected else {
      throw ScoreError("\(row.id): \(row.outputs.count) outputs for \(op.rawValue) of \(row.logits.count) logits (expected \(expected))")
    }
    for (i, c) in row.outputs.enumerated() where !output.format.contains(c) {
      throw ScoreError("\(row.id): output \(i) (\(c)) is not a \(output.format.rawValue) value")
    }
    let reference: ExactRow
    do {
      reference = try Reference.evaluate(row.logits, format: format, outputFormat: output.format,
                                         outputScaleExponent: output.scaleExponent, target: row.target, operations: [op],
                                         method: method)
    } catch {
      throw ScoreError("\(row.id): \(error)")
    }
    var a = Aggregate()
    for (i, c) in row.outputs.enumerated() {
      let m = reference.undefined ? Measure.undefined : Measures.measure(computed: c, exact: reference.results[op]![i])
      a.add(m, caseID: row.id, index: i, computed: c)
    }
    return a
  }

  /// The groups as JSON in the shape of `run --json` (`Baseline.json()`), with `name` where a run
  /// has `kernel` and `variant`.
  public static func json(_ groups: [ScoreGroup], about: String, output: ResultFormat?) -> String {
    func number(_ x: Double?) -> JSON { x.map { .string($0.description) } ?? .null }
    var head: [(String, JSON)] = [("about", .string(about))]
    if let output {
      head.append(("outputFormat", .string(output.format.rawValue)))
      if output.scaleExponent != 0 { head.append(("outputScaleExponent", .int(output.scaleExponent))) }
    }
    return JSON.object(head + [
      ("groups", .array(groups.map { g in
        let a = g.aggregate
        return .object([
          ("family", .string(g.family)), ("format", .string(g.format.rawValue)), ("name", .string(g.name)),
          ("op", .string(g.op.rawValue)),
          ("values", .int(a.count)), ("correctlyRounded", .int(a.correctlyRounded)),
          ("maxULP", number(a.maxULP)), ("p99ULP", number(a.p99ULP)), ("meanULP", number(a.meanULP)),
          ("overflow", .int(a.overflow)), ("underflow", .int(a.underflow)), ("nan", .int(a.nan)),
          ("undefined", .int(a.undefined)),
          ("worstCase", a.worst.map { .string($0.caseID) } ?? .null), ("worstIndex", a.worst.map { .int($0.index) } ?? .null),
        ])
      })),
    ]).text() + "\n"
  }

  /// What a framework's CI can gate on: a group whose max ULP exceeds `maxULP`, or that has any of
  /// the `failOn` flags ("overflow", "underflow", "nan"). One line per violation; none: passes.
  public static func violations(_ groups: [ScoreGroup], maxULP: Double?, failOn: [String]) -> [String] {
    var out: [String] = []
    for g in groups {
      let a = g.aggregate
      let label = "\(g.name) \(g.op.rawValue) \(g.format.rawValue) \(g.family)"
      if let limit = maxULP, let m = a.maxULP, m > limit {
        out.append("\(label): max ULP error \(NumberText.ulp(m)) > \(NumberText.ulp(limit)) (worst \(a.worst.map { "\($0.caseID)[\($0.index)]" } ?? "-"))")
      }
      for flag in failOn {
        let count = flag == "overflow" ? a.overflow : flag == "underflow" ? a.underflow : a.nan
        if count > 0 { out.append("\(label): \(count) \(flag == "nan" ? "NaN" : flag) value\(count == 1 ? "" : "s")") }
      }
    }
    return out
  }
}
