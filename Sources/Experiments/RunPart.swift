import Accuracy
import Cases
import ExactReference
import Foundation
import LabSupport
import SoftmaxKernels
import SoftmaxSpec

/// One shard's share of a run: the rows (work items, numbered family by family, format by format,
/// row by row: `Runner.units`) whose number is congruent to i modulo N, each with its own
/// aggregates. Each row keeps every ULP error of its finite outputs, in element order, because a
/// group's mean is their sum in row order and its p99 an order statistic of all of them: merging
/// re-adds the rows in row order, as one process does, so the result is the same to the bit.
///
/// Body of the file (`PartialFile`): `"rows"`, one object per row of the shard in item order,
///
///     { "item": 17, "case": "moderate/3", "parameter": "0.5" or null,
///       "referenceValues": 40, "mpfrValues": 0,
///       "groups": [[group, values, correctlyRounded, overflow, underflow, nan, undefined,
///                   worstIndex or null, "ULP errors: base64 of little-endian float64"], ...] }
///
/// where `group` numbers the plan's groups in the order of its results (`Runner.groupKeys`).
public struct RunPart: Sendable {
  public let plan: RunPlan
  public let shard: Shard
  /// The command that computed the part (provenance only).
  public let command: String
  /// The run's work items, all shards together.
  public let items: Int
  let rows: [(item: Int, outcome: Runner.UnitOutcome)]

  /// Rows evaluated, reference values computed and how many of them needed MPFR.
  public var rowCount: Int { rows.count }
  public var referenceValues: Int { rows.reduce(0) { $0 + $1.outcome.referenceValues } }
  public var mpfrValues: Int { rows.reduce(0) { $0 + $1.outcome.mpfrValues } }

  /// The part file.
  public func text() -> String {
    let keys = Runner.groupKeys(plan)
    let number = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, $0) })
    let body: [JSON] = rows.map { item, outcome in
      let groups: [JSON] = outcome.aggregates.map { (number[$0.key]!, $0.value) }.sorted { $0.0 < $1.0 }.map { g, a in
        .array([.int(g), .int(a.count), .int(a.correctlyRounded), .int(a.overflow), .int(a.underflow), .int(a.nan),
                .int(a.undefined), a.worst.map { .int($0.index) } ?? .null, .string(PartialFile.base64(a.finiteErrors))])
      }
      return .object([
        ("item", .int(item)), ("case", .string(outcome.caseID)),
        ("parameter", outcome.parameter.map { .string($0.description) } ?? .null),
        ("referenceValues", .int(outcome.referenceValues)), ("mpfrValues", .int(outcome.mpfrValues)),
        ("groups", .array(groups)),
      ])
    }
    return PartialFile.text(.run, command: command, shard: shard, items: items, plan: RunPart.json(plan),
                            body: [("rows", .array(body))])
  }

  /// What identifies the run: everything its results depend on, nothing else (not the threads).
  static func json(_ p: RunPlan) -> JSON {
    func names<E: RawRepresentable>(_ values: [E]) -> JSON where E.RawValue == String { .array(values.map { .string($0.rawValue) }) }
    return .object([
      ("kernels", names(p.kernels)), ("ops", names(p.ops)), ("variants", names(p.variants)), ("formats", names(p.formats)),
      ("policies", names(p.policies)), ("families", names(p.families)),
      ("seed", .string(String(p.settings.seed))), ("rows", p.settings.rows.map { .int($0) } ?? .null),
      ("n", p.settings.length.map { .int($0) } ?? .null),
      ("outputFormat", p.outputFormat.map { .string($0.rawValue) } ?? .null),
      ("outputScaleExponent", .int(p.outputScaleExponent)), ("reference", .string(p.reference.rawValue)),
    ])
  }

  static func plan(_ o: [String: Any], in name: String) throws -> RunPlan {
    guard let s = o["seed"] as? String, let seed = UInt64(s) else { throw PartialResultError("\(name): the plan has no seed") }
    func optionalInt(_ key: String) throws -> Int? {
      if o[key] is NSNull { return nil }
      return try PartialFile.int(o, key, in: name)
    }
    var plan = RunPlan(kernels: try PartialFile.names(o, "kernels", KernelKind.self, in: name),
                       ops: try PartialFile.names(o, "ops", Op.self, in: name),
                       variants: try PartialFile.names(o, "variants", Variant.self, in: name),
                       formats: try PartialFile.names(o, "formats", Format.self, in: name),
                       policies: try PartialFile.names(o, "policies", Policy.self, in: name),
                       families: try PartialFile.names(o, "families", CaseFamily.self, in: name),
                       settings: CaseSettings(seed: seed, rows: try optionalInt("rows"), length: try optionalInt("n")))
    if !(o["outputFormat"] is NSNull) {
      guard let f = (o["outputFormat"] as? String).flatMap(Format.init) else {
        throw PartialResultError("\(name): the plan's outputFormat is not a format")
      }
      plan.outputFormat = f
    }
    plan.outputScaleExponent = try PartialFile.int(o, "outputScaleExponent", in: name)
    guard let r = (o["reference"] as? String).flatMap(ReferenceMethod.init) else {
      throw PartialResultError("\(name): the plan's reference is not fast or exact")
    }
    plan.reference = r
    return plan
  }

  /// The run the parts (checked by `PartialFile.checkPartition`) make together.
  static func merge(_ parts: [PartialFile.Header]) throws -> (RunPlan, RunResult) {
    let first = parts[0]
    let plan = try RunPart.plan(first.plan, in: first.name)
    let units = Runner.units(plan)
    guard units.count == first.items else {
      throw PartialResultError("\(first.name): the plan has \(units.count) rows, the part says \(first.items)")
    }
    let keys = Runner.groupKeys(plan)
    var outcomes = [Runner.UnitOutcome?](repeating: nil, count: units.count)
    for part in parts {
      let name = part.name
      let rows = try PartialFile.array(part.object, "rows", in: name)
      var items: [Int] = []
      for entry in rows {
        guard let row = entry as? [String: Any] else { throw PartialResultError("\(name): a row is not an object") }
        let item = try PartialFile.int(row, "item", in: name)
        guard units.indices.contains(item), outcomes[item] == nil else { throw PartialResultError("\(name): row item \(item) is out of place") }
        let unit = units[item]
        guard let caseID = row["case"] as? String else { throw PartialResultError("\(name): row \(item) has no case id") }
        let parameter = try PartialFile.double(row["parameter"], "the parameter of row \(item)", in: name)
        var aggregates: [GroupKey: Aggregate] = [:]
        var points: [GroupKey: RowPoint] = [:]
        for entry in try PartialFile.array(row, "groups", in: name) {
          let g = entry as? [Any] ?? []
          let numbers = g.prefix(7).compactMap { $0 as? Int }
          guard g.count == 9, numbers.count == 7, keys.indices.contains(numbers[0]),
                g[7] is NSNull || g[7] is Int, let errors = (g[8] as? String).flatMap(PartialFile.doubles(base64:))
          else { throw PartialResultError("\(name): row \(item) has a malformed group") }
          let key = keys[numbers[0]]
          guard key.family == unit.family, key.format == unit.format, aggregates[key] == nil else {
            throw PartialResultError("\(name): row \(item) names a group of another row")
          }
          let a = Aggregate(count: numbers[1], correctlyRounded: numbers[2], overflow: numbers[3], underflow: numbers[4],
                            nan: numbers[5], undefined: numbers[6], errors: errors,
                            worst: (g[7] as? Int).map { (caseID, $0) })
          aggregates[key] = a
          points[key] = RowPoint(index: unit.index, parameter: parameter, maxULP: a.maxULP,
                                 failed: a.overflow + a.underflow + a.nan > 0)
        }
        outcomes[item] = Runner.UnitOutcome(caseID: caseID, parameter: parameter, aggregates: aggregates, points: points,
                                            referenceValues: try PartialFile.int(row, "referenceValues", in: name),
                                            mpfrValues: try PartialFile.int(row, "mpfrValues", in: name))
        items.append(item)
      }
      guard items == part.shardItems else {
        throw PartialResultError("\(name): its rows are not those of shard \(part.shard) (\(items.count) of \(part.shardItems.count))")
      }
    }
    return (plan, Runner.assemble(plan, outcomes.map { $0! }))
  }
}

extension Runner {
  /// The part of `plan` that `shard` computes (`RunPart`); `command` is kept as its provenance.
  public static func run(_ plan: RunPlan, shard: Shard, command: String,
                         threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                         using kernel: @escaping KernelFunction = Kernels.run,
                         progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> RunPart
  {
    let rows = try evaluate(plan, shard: shard, threads: threads, using: kernel, progress: progress)
    return RunPart(plan: plan, shard: shard, command: command, items: units(plan).count, rows: rows)
  }
}
