import Accuracy
import Cases
import ExactReference
import Foundation
import LabSupport
import SoftmaxKernels
import SoftmaxSpec

/// What `softmax-lab search` looks for: rows on which one SIMD kernel (op, variant, format,
/// policy) is worst against the correctly rounded reference.
///
/// The work is a list of numbered restarts, each independent of the others: restart k draws its
/// row from a generator seeded by (seed, k) and improves it by local moves, `rowsPerRestart`
/// evaluated rows in all (the last restart takes what is left of the budget). With `exhaustive`,
/// restart k is the k-th finite value of the format as the first logit of a pair, and its rows
/// are every finite value as the second (n = 2, target 0). A shard takes the restarts
/// `Shard.contains(k)`, so shards merged give what one process gives.
public struct SearchPlan: Sendable, Equatable {
  public var op: Op
  public var variant: Variant
  public var format: Format
  public var policy: Policy
  /// Row length n (random search; exhaustive rows are pairs).
  public var length: Int
  /// Rows evaluated in all (random search).
  public var budget: Int
  public var seed: UInt64
  public var rowsPerRestart: Int
  public var exhaustive: Bool

  public static let defaultLength = 16
  public static let defaultBudget = 100_000
  public static let defaultRowsPerRestart = 256

  public init(op: Op, variant: Variant, format: Format, policy: Policy, length: Int = SearchPlan.defaultLength,
              budget: Int = SearchPlan.defaultBudget, seed: UInt64 = 1,
              rowsPerRestart: Int = SearchPlan.defaultRowsPerRestart, exhaustive: Bool = false)
  {
    self.op = op
    self.variant = variant
    self.format = format
    self.policy = format.effectivePolicy(policy)
    self.length = exhaustive ? 2 : length
    self.budget = budget
    self.seed = seed
    self.rowsPerRestart = rowsPerRestart
    self.exhaustive = exhaustive
  }

  /// Checks the plan; the error is one line.
  public func validated() throws -> SearchPlan {
    func fail(_ s: String) -> SearchError { SearchError(description: s) }
    guard variant.applies(to: op) else { throw fail("variant '\(variant.rawValue)' does not apply to \(op.rawValue)") }
    guard SIMDKernels.variants.contains(variant) else { throw fail("variant '\(variant.rawValue)' has no SIMD kernel") }
    if exhaustive {
      guard [.float8E4M3, .float8E5M2, .float16].contains(format) else {
        throw fail("--exhaustive takes float8-e4m3, float8-e5m2 or float16 (every pair of \(format.rawValue) logits is too many)")
      }
      return self
    }
    guard length >= 2, length <= 1 << 16 else { throw fail("--n must be between 2 and 65536 (got \(length))") }
    guard budget >= 1 else { throw fail("--budget must be at least 1 (got \(budget))") }
    guard rowsPerRestart >= 1 else { throw fail("--restart-rows must be at least 1 (got \(rowsPerRestart))") }
    return self
  }

  /// The finite values of the format in bit-pattern order (exhaustive search: float8 and float16).
  public var finiteValues: [Double] { Search.finiteValues(format) }

  /// The number of restarts (work items a shard chooses from).
  public var restarts: Int {
    exhaustive ? finiteValues.count : (budget + rowsPerRestart - 1) / rowsPerRestart
  }

  /// Rows restart k evaluates.
  public func rows(inRestart k: Int) -> Int {
    exhaustive ? finiteValues.count : min(rowsPerRestart, budget - k * rowsPerRestart)
  }

  /// The command that repeats this search.
  public var command: String {
    var s = "softmax-lab search --op \(op.rawValue) --variant \(variant.rawValue) --format \(format.rawValue) --policy \(policy.rawValue)"
    if exhaustive { return s + " --exhaustive" }
    s += " --n \(length) --budget \(budget) --seed \(seed)"
    if rowsPerRestart != SearchPlan.defaultRowsPerRestart { s += " --restart-rows \(rowsPerRestart)" }
    return s
  }
}

/// A refused search plan or a malformed partial result (one line).
public struct SearchError: Error, CustomStringConvertible {
  public let description: String
  public init(description: String) { self.description = description }
}

/// One evaluated row and how bad the kernel was on it. `id` ("restart.step") names it in its search.
public struct SearchRow: Sendable, Equatable {
  public let restart: Int
  public let step: Int
  public let logits: [Double]
  public let target: Int
  /// The largest finite ULP error over the row's outputs (0 when none is finite).
  public let ulp: Double
  /// The output the row is judged by: the worst finite one (0 when none), or for a failure the first failing one.
  public let index: Int
  public let computed: Double
  /// The exact value of that output correctly rounded to the format.
  public let exact: Double
  /// That output's status (overflow, underflow or NaN for a failure).
  public let status: Status

  public var id: String { "\(restart).\(step)" }

  /// Worse first: larger ULP error, then the earlier row (a total order: merges do not depend on order).
  static func worse(_ a: SearchRow, _ b: SearchRow) -> Bool {
    a.ulp != b.ulp ? a.ulp > b.ulp : (a.restart, a.step) < (b.restart, b.step)
  }

  static func earlier(_ a: SearchRow, _ b: SearchRow) -> Bool { (a.restart, a.step) < (b.restart, b.step) }
}

/// The outcome of a search (or of some of its restarts): counts, the worst row of each of the
/// worst restarts, and the earliest row that overflowed, underflowed or was NaN where the exact
/// result is representable.
public struct SearchResult: Sendable, Equatable {
  /// Rows evaluated and restarts run.
  public var evaluated = 0
  public var restarts = 0
  /// Rows with an overflow, underflow or NaN output.
  public var failures = 0
  /// The worst row of each restart, the worst `kept` of them, worst first.
  public var worst: [SearchRow] = []
  /// The first row (by restart, then step) with a failure.
  public var firstFailure: SearchRow? = nil

  public static let kept = 10

  public init() {}

  /// The parts combined: the result of one process that ran all their restarts (the same
  /// whatever the order of the parts).
  public static func merged(_ parts: [SearchResult]) -> SearchResult {
    var out = SearchResult()
    for p in parts {
      out.evaluated += p.evaluated
      out.restarts += p.restarts
      out.failures += p.failures
    }
    out.worst = Array(parts.flatMap(\.worst).sorted(by: SearchRow.worse).prefix(kept))
    out.firstFailure = parts.compactMap(\.firstFailure).min(by: SearchRow.earlier)
    return out
  }
}

public enum Search {
  /// Runs the restarts of `plan` that `shard` takes, on `threads` threads; `progress(done, total)`
  /// counts restarts. The result does not depend on the thread count.
  public static func run(_ plan: SearchPlan, shard: Shard = .whole,
                         threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                         using kernel: @escaping KernelFunction = Kernels.run,
                         progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> SearchResult
  {
    let plan = try plan.validated()
    let values = plan.exhaustive ? plan.finiteValues : []
    let restarts = (0..<plan.restarts).filter(shard.contains)
    let outcomes = concurrentMap(restarts.count, threads: threads, progress: progress) { i in
      try restart(restarts[i], plan, values: values, kernel)
    }
    return SearchResult.merged(try outcomes.map { try $0.get() })
  }

  /// The finite values of an 8- or 16-bit format in bit-pattern order (+0 first, -0 in the middle).
  public static func finiteValues(_ format: Format) -> [Double] {
    let all: [Double]
    switch format {
    case .float8E4M3: all = (0...255).map { Float8E4M3(bitPattern: UInt8($0)).double }
    case .float8E5M2: all = (0...255).map { Float8E5M2(bitPattern: UInt8($0)).double }
    case .float16: all = (0...0xFFFF).map { Double(Float16(bitPattern: UInt16($0))) }
    case .bfloat16: all = (0...0xFFFF).map { BFloat16(bitPattern: UInt16($0)).double }
    case .float32, .float64: return []
    }
    return all.filter(\.isFinite)
  }

  /// The seed of restart k.
  static func restartSeed(_ seed: UInt64, _ k: Int) -> UInt64 {
    var sm = SplitMix64(state: seed ^ 0x5EA2_C4ED_0000_0000)
    sm.state ^= UInt64(k) &* 0x9E37_79B9_7F4A_7C15
    return sm.next()
  }

  /// One row judged: the row as its worst finite output shows it, and as its first failing output
  /// shows it when one overflowed, underflowed or was NaN (nil for an undefined row).
  static func judge(_ row: [Double], target: Int, _ plan: SearchPlan, restart: Int, step: Int,
                    _ kernel: KernelFunction) throws -> (worst: SearchRow, failure: SearchRow?)?
  {
    let ev = try Evaluation.evaluate(row: row, format: plan.format, target: target, ops: [plan.op],
                                     variants: [plan.variant], policies: [plan.policy], using: kernel)
    guard !ev.reference.undefined, let r = ev.results.first else { return nil }
    let exact = ev.reference.results[plan.op]!
    var worst = 0, worstULP = -1.0, failure = -1
    for (i, m) in r.measures.enumerated() {
      if m.overflow || m.underflow || m.nan {
        if failure < 0 { failure = i }
      } else if let e = m.ulpError, e.isFinite, e > worstULP {
        worst = i
        worstULP = e
      }
    }
    func judged(_ i: Int) -> SearchRow {
      SearchRow(restart: restart, step: step, logits: row, target: target, ulp: max(worstULP, 0), index: i,
                computed: r.output[i], exact: exact[i].rounded, status: r.measures[i].status)
    }
    return (judged(worst), failure >= 0 ? judged(failure) : nil)
  }

  /// One restart: its rows evaluated, its worst row and its failures.
  static func restart(_ k: Int, _ plan: SearchPlan, values: [Double], _ kernel: KernelFunction) throws -> SearchResult {
    var out = SearchResult()
    out.restarts = 1
    var best: SearchRow? = nil
    func record(_ r: (worst: SearchRow, failure: SearchRow?)?) {
      out.evaluated += 1
      guard let r else { return }
      if let f = r.failure {
        out.failures += 1
        if out.firstFailure == nil { out.firstFailure = f }
      }
      if best == nil || r.worst.ulp > best!.ulp { best = r.worst }
    }
    if plan.exhaustive {
      for (j, y) in values.enumerated() {
        record(try judge([values[k], y], target: 0, plan, restart: k, step: j, kernel))
      }
    } else {
      var moves = Moves(plan, seed: restartSeed(plan.seed, k))
      var (row, target) = moves.start()
      var current = try judge(row, target: target, plan, restart: k, step: 0, kernel)
      record(current)
      for step in 1..<max(plan.rows(inRestart: k), 1) {
        let (candidate, t) = moves.move(row, target: target)
        let judged = try judge(candidate, target: t, plan, restart: k, step: step, kernel)
        record(judged)
        if let judged, current == nil || judged.worst.ulp >= current!.worst.ulp {
          (row, target, current) = (candidate, t, judged)
        }
      }
    }
    out.worst = best.map { [$0] } ?? []
    return out
  }
}

/// The random starting rows and the local moves of a restart, on the format's grid.
struct Moves {
  let format: Format
  let n: Int
  let op: Op
  let overflow: Double, underflow: Double, largest: Double
  var rng: Xoshiro256StarStar

  init(_ plan: SearchPlan, seed: UInt64) {
    format = plan.format
    n = plan.length
    op = plan.op
    let t = Thresholds(plan.format)
    overflow = t.overflow
    underflow = t.underflow
    largest = plan.format.greatestFiniteMagnitude
    rng = Xoshiro256StarStar(seed: seed)
  }

  /// A value of the format near v (clamped to the finite range).
  func grid(_ v: Double) -> Double { format.round(max(-largest, min(largest, v))) }

  func argmax(_ x: [Double]) -> Int { x.indices.max { x[$0] < x[$1] || (x[$0] == x[$1] && $0 > $1) }! }

  /// A power of two 2^e, e uniform in [a, b].
  mutating func exp2(_ a: Double, _ b: Double) -> Double { DeterministicMath.exp2(rng.uniform(a, b)) }

  /// A starting row: one of the shapes of the case families, drawn at random.
  mutating func start() -> ([Double], Int) {
    var x: [Double]
    switch rng.index(below: 6) {
    case 0:  // spread: N(0, sigma^2), sigma from 1/8 to 4T
      let sigma = exp2(-3, DeterministicMath.log2(4 * overflow))
      x = (0..<n).map { _ in grid(sigma * rng.gaussian()) }
    case 1:  // confident: one logit leads N(0, 1) others by d, up to past the top log-prob's underflow
      x = (0..<n).map { _ in grid(rng.gaussian()) }
      let d = rng.uniform(0, Generator.confidentMaxLead(format, length: n))
      x[rng.index(below: n)] = grid(x.max()! + d)
    case 2, 3:  // the largest logit near exp's overflow or underflow threshold, the others below it
      let peak = grid(rng.index(below: 2) == 0 ? rng.uniform(overflow / 2, 2 * overflow) : rng.uniform(2 * underflow, underflow / 2))
      let spread = exp2(-4, 4)
      x = (0..<n).map { _ in grid(peak - spread * abs(rng.gaussian())) }
      x[rng.index(below: n)] = peak
    case 4:  // near ties around a base of magnitude 2^e
      let base = grid(exp2(0, Double(format.precision + 3)) * (rng.index(below: 2) == 0 ? 1 : -1))
      x = (0..<n).map { _ in step(base, by: rng.index(below: 3) - 1) }
    default:  // a cluster just below the maximum, the rest far below
      let m = grid(rng.gaussian() * 4)
      let gap = exp2(-2, DeterministicMath.log2(overflow))
      x = (0..<n).map { _ in rng.index(below: 2) == 0 ? step(m, by: -rng.index(below: 4)) : grid(m - gap - abs(rng.gaussian())) }
    }
    let target = op.needsTarget && rng.index(below: 2) == 0 ? argmax(x) : rng.index(below: n)
    return (x, target)
  }

  /// v moved by k steps on the format's grid (stopping at the largest finite values).
  func step(_ v: Double, by k: Int) -> Double {
    var v = v
    for _ in 0..<abs(k) {
      let next = k > 0 ? format.nextUp(v) : format.nextDown(v)
      if !next.isFinite { break }
      v = next
    }
    return v
  }

  /// The row after one local move, and its target.
  mutating func move(_ row: [Double], target: Int) -> ([Double], Int) {
    var x = row, t = target
    let top = argmax(x)
    switch rng.index(below: op.needsTarget ? 7 : 6) {
    case 0:  // a logit moved by k ulps, the top one half the time
      let j = rng.index(below: 2) == 0 ? top : rng.index(below: n)
      let k = (1 << rng.index(below: 5)) * (rng.index(below: 2) == 0 ? 1 : -1)
      x[j] = step(x[j], by: k)
    case 1:  // the gap between the top two logits changed
      var second = top == 0 ? 1 : 0
      for j in x.indices where j != top && x[j] > x[second] { second = j }
      let gap = x[top] - x[second]
      if rng.index(below: 2) == 0 || gap == 0 {
        x[top] = step(x[top], by: (1 << rng.index(below: 4)) * (rng.index(below: 2) == 0 ? 1 : -1))
      } else {
        x[top] = grid(x[second] + gap * exp2(-1, 1))
      }
    case 2:  // a cluster near the maximum added
      let m = x[top]
      for _ in 0..<(1 + rng.index(below: min(n - 1, 8))) {
        let j = rng.index(below: n)
        x[j] = rng.index(below: 2) == 0 ? step(m, by: -rng.index(below: 4)) : grid(m - exp2(-8, 2))
      }
    case 3:  // a scale applied
      let s = exp2(-1, 1)
      x = x.map { grid($0 * s) }
    case 4:  // a shift applied (the others' gaps kept where the grid allows)
      let c = rng.uniform(-1, 1) * exp2(-4, DeterministicMath.log2(overflow))
      x = x.map { grid($0 + c) }
    case 5:  // one logit redrawn below the maximum
      let j = rng.index(below: n)
      x[j] = grid(x[top] - abs(rng.gaussian()) * exp2(-4, DeterministicMath.log2(overflow)))
    default:  // another target
      t = rng.index(below: 2) == 0 ? top : rng.index(below: n)
    }
    return (x, t)
  }
}
