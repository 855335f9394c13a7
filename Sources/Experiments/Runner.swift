import Accuracy
import Cases
import ExactReference
import Foundation
import LabSupport
import SoftmaxKernels
import SoftmaxSpec

/// A group (docs/definitions.md, "Aggregates"): kernel kind x operation x variant x format x policy x case family.
public struct GroupKey: Hashable, Sendable {
  public let kernel: KernelKind
  public let op: Op
  public let variant: Variant
  public let format: Format
  public let policy: Policy
  public let family: CaseFamily

  public init(kernel: KernelKind, op: Op, variant: Variant, format: Format, policy: Policy, family: CaseFamily) {
    self.kernel = kernel
    self.op = op
    self.variant = variant
    self.format = format
    self.policy = policy
    self.family = family
  }
}

/// What an experiment runs: every combination of these, over the cases the settings make.
public struct RunPlan: Sendable {
  public var kernels: [KernelKind]
  public var ops: [Op]
  public var variants: [Variant]
  public var formats: [Format]
  public var policies: [Policy]
  public var families: [CaseFamily]
  public var settings: CaseSettings
  /// Results delivered in this format (nil: each row's own) after a scale 2^outputScaleExponent
  /// (docs/definitions.md, "Mixed formats").
  public var outputFormat: Format? = nil
  public var outputScaleExponent = 0
  /// How the reference is computed (`.exact`: MPFR only).
  public var reference = ReferenceMethod.fast

  public init(kernels: [KernelKind] = [.simd], ops: [Op] = Op.allCases, variants: [Variant] = SIMDKernels.variants,
              formats: [Format] = Format.allCases, policies: [Policy] = Policy.allCases,
              families: [CaseFamily] = CaseFamily.allCases, settings: CaseSettings = .init())
  {
    self.kernels = kernels
    self.ops = ops
    self.variants = variants
    self.formats = formats
    self.policies = policies
    self.families = families
    self.settings = settings
  }

  /// The policies run for a format: the effective ones (float64's `wide` runs once, as `native`).
  public func policies(for format: Format) -> [Policy] {
    let delivery = output(for: format)
    return delivery.kernelFormat(for: format).effectivePolicies(policies)
  }

  /// How results of logits in `format` are delivered.
  public func output(for format: Format) -> ResultFormat {
    ResultFormat(outputFormat ?? format, scaleExponent: outputScaleExponent)
  }

  /// True when some format's results are delivered in another format or scaled.
  public var isMixed: Bool { formats.contains { !output(for: $0).isIdentity(for: $0) } }
}

/// One row's result in one group, for plots: the row's largest finite ULP error and whether any
/// of its values overflowed, underflowed or was NaN.
public struct RowPoint: Sendable {
  public let index: Int
  public let parameter: Double?
  public let maxULP: Double?
  public let failed: Bool
}

/// The aggregates of every group of a run, in the plan's order (family, format, op, variant,
/// policy), and what was evaluated.
public struct RunResult: Sendable {
  public let groups: [(key: GroupKey, aggregate: Aggregate)]
  /// Each group's rows, in row order.
  public let rowsByGroup: [GroupKey: [RowPoint]]
  /// Rows evaluated and reference values computed.
  public let rows: Int
  public let referenceValues: Int
  /// The reference values of rows that the fast path could not decide (MPFR's Ziv loop did), or
  /// every value with `RunPlan.reference = .exact`.
  public let mpfrValues: Int

  /// The share of reference values that needed MPFR, in [0, 1].
  public var mpfrShare: Double { referenceValues == 0 ? 0 : Double(mpfrValues) / Double(referenceValues) }
}

/// Why a run stopped.
public struct RunError: Error, CustomStringConvertible {
  public let description: String
}

/// Evaluates a plan against the MPFR reference, each row's reference computed once and reused for
/// every variant and policy, rows spread over threads. The result does not depend on the thread
/// count: each row's measures are aggregated alone, then merged in row order.
public enum Runner {
  /// One row to evaluate.
  struct Unit: Sendable {
    let family: CaseFamily
    let format: Format
    let index: Int
  }

  /// Runs `plan` on `threads` threads (default: every core). `progress(done, total)` is called
  /// after each row, from the worker threads.
  public static func run(_ plan: RunPlan, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                         using kernel: @escaping KernelFunction = Kernels.run,
                         progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> RunResult
  {
    let outcomes = try evaluate(plan, shard: .whole, threads: threads, using: kernel, progress: progress)
    return assemble(plan, outcomes.map(\.outcome))
  }

  /// The work items of `plan`, numbered in this order (family, format, row): a shard's share
  /// depends on this numbering only, never on the number of shards.
  static func units(_ plan: RunPlan) -> [Unit] {
    plan.families.flatMap { family in
      plan.formats.flatMap { format in
        (0..<plan.settings.rows(family)).map { Unit(family: family, format: format, index: $0) }
      }
    }
  }

  /// Every group key the plan can produce, in the order of its results.
  static func groupKeys(_ plan: RunPlan) -> [GroupKey] {
    var keys: [GroupKey] = []
    for family in plan.families {
      for format in plan.formats {
        for kernel in plan.kernels {
          for op in plan.ops {
            for variant in plan.variants where variant.applies(to: op) {
              for policy in plan.policies(for: format) {
                keys.append(GroupKey(kernel: kernel, op: op, variant: variant, format: format, policy: policy, family: family))
              }
            }
          }
        }
      }
    }
    return keys
  }

  /// The outcomes of the work items of `shard`, in item order.
  static func evaluate(_ plan: RunPlan, shard: Shard, threads: Int, using kernel: @escaping KernelFunction,
                       progress: (@Sendable (Int, Int) -> Void)?) throws -> [(item: Int, outcome: UnitOutcome)]
  {
    for v in plan.variants where !plan.kernels.contains(where: { $0.variants.contains(v) }) {
      throw RunError(description: EvaluationError.notImplemented(v, plan.kernels.first ?? .simd).description)
    }
    let all = units(plan)
    let items = all.indices.filter(shard.contains)
    let units = items.map { all[$0] }
    // Long rows first, so that the last row to finish is a short one.
    let order = units.indices.sorted {
      let a = units[$0].family == .hugeN ? 32768 << (units[$0].index % 4) : 0
      let b = units[$1].family == .hugeN ? 32768 << (units[$1].index % 4) : 0
      return a != b ? a > b : $0 < $1
    }
    let outcomes = concurrentMap(units.count, threads: threads, order: order, progress: progress) { i in
      try evaluate(units[i], plan, kernel)
    }
    return try units.indices.map { (items[$0], try outcomes[$0].get()) }
  }

  /// The result of every work item's outcome, given in item order: each row's aggregates merged
  /// in row order, so that it does not matter where or in how many parts the rows were evaluated.
  static func assemble(_ plan: RunPlan, _ outcomes: [UnitOutcome]) -> RunResult {
    var merged: [GroupKey: Aggregate] = [:]
    var rowsByGroup: [GroupKey: [RowPoint]] = [:]
    var referenceValues = 0
    var mpfrValues = 0
    for outcome in outcomes {
      referenceValues += outcome.referenceValues
      mpfrValues += outcome.mpfrValues
      for (key, aggregate) in outcome.aggregates { merged[key, default: Aggregate()].merge(aggregate) }
      for (key, point) in outcome.points { rowsByGroup[key, default: []].append(point) }
    }
    let groups = groupKeys(plan).compactMap { key in merged[key].map { (key: key, aggregate: $0) } }
    return RunResult(groups: groups, rowsByGroup: rowsByGroup, rows: outcomes.count, referenceValues: referenceValues,
                     mpfrValues: mpfrValues)
  }

  /// One row: the case, its reference, every variant and policy measured.
  static func evaluate(_ unit: Unit, _ plan: RunPlan, _ kernel: KernelFunction) throws -> UnitOutcome {
    let c = Generator.make(unit.family, index: unit.index, format: unit.format, settings: plan.settings)
    let evaluation: RowEvaluation
    do {
      evaluation = try Evaluation.evaluate(row: c.logits, format: c.format, target: c.target, ops: plan.ops,
                                           variants: plan.variants, policies: plan.policies(for: c.format),
                                           kernels: plan.kernels, output: plan.output(for: c.format), reference: plan.reference,
                                           using: kernel)
    } catch {
      throw RunError(description: "case \(c.id) in \(c.format.rawValue): \(error)")
    }
    var aggregates: [GroupKey: Aggregate] = [:]
    var points: [GroupKey: RowPoint] = [:]
    let id = c.id
    for r in evaluation.results {
      let key = GroupKey(kernel: r.kernel, op: r.op, variant: r.variant, format: c.format, policy: r.policy, family: c.family)
      var a = Aggregate()
      for (i, m) in r.measures.enumerated() { a.add(m, caseID: id, index: i, computed: r.output[i]) }
      aggregates[key] = a
      points[key] = RowPoint(index: c.index, parameter: c.parameter, maxULP: a.maxULP,
                             failed: a.overflow + a.underflow + a.nan > 0)
    }
    let values = evaluation.reference.results.values.reduce(0) { $0 + $1.count }
    return UnitOutcome(caseID: id, parameter: c.parameter, aggregates: aggregates, points: points, referenceValues: values,
                       mpfrValues: evaluation.reference.decidedByFastPath ? 0 : values)
  }

  /// A row's aggregates and plot points, its reference values and how many of them needed MPFR.
  struct UnitOutcome: Sendable {
    let caseID: String
    let parameter: Double?
    let aggregates: [GroupKey: Aggregate]
    let points: [GroupKey: RowPoint]
    let referenceValues: Int
    let mpfrValues: Int
  }
}
