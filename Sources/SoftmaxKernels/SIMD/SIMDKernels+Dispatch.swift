import Dispatch
import SoftmaxSpec

extension SIMDKernels {
  /// The variants with a SIMD kernel: every variant.
  public static let variants: [Variant] = Variant.allCases

  /// `op` by `variant` on one row of `format` values (carried as Doubles) under `policy`; nil when
  /// the variant does not apply to the operation.
  public static func evaluate(
    _ op: Op, _ variant: Variant, row: [Double], format: Format, policy: Policy, target: Int,
    summation: SIMDSummation? = nil
  ) -> [Double]? {
    guard variant.applies(to: op) else { return nil }
    return withLanes(format, policy, RowTask(op: op, variant: variant, row: row, target: target, summation: summation))
  }

  /// One row through `run`, converted from and to Doubles.
  struct RowTask: LanesTask {
    let op: Op, variant: Variant, row: [Double], target: Int, summation: SIMDSummation?

    func run<L: Lanes>(_: L.Type) -> [Double] {
      let x = row.map { L.Storage($0) }
      var out = [L.Storage](repeating: L.Storage(0.0), count: op.outputCount(rowLength: row.count))
      x.withUnsafeBufferPointer { xp in
        out.withUnsafeMutableBufferPointer { o in
          _ = SIMDKernels.run(L.self, op, variant, xp.baseAddress!, row.count, target: target, o.baseAddress!,
                              summation: summation)
        }
      }
      return out.map(\.double)
    }
  }

  /// `op` by `variant` on a row-major batch of `rows` rows of n logits, row r's target `targets[r]`,
  /// writing op.outputCount(n) values per row. Rows are spread over `threads` threads in
  /// contiguous blocks, each block with three rows in flight (`runRows`); every pass of a row sees
  /// the same vectors in the same order as in `run`, so the results do not depend on `threads`.
  @inlinable
  public static func runBatch<L: Lanes>(
    _: L.Type, _ op: Op, _ variant: Variant, _ x: UnsafePointer<L.Storage>, rows: Int, n: Int,
    targets: UnsafePointer<Int32>, _ out: UnsafeMutablePointer<L.Storage>, threads: Int,
    summation: SIMDSummation? = nil
  ) {
    guard variant.applies(to: op) else { return }
    let width = op.outputCount(rowLength: n)
    let blocks = max(1, min(threads, rows))
    let xs = UnsafeSendable(x), outs = UnsafeSendable(out), ts = UnsafeSendable(targets)
    let summation = summation ?? .default(for: variant)
    let body: @Sendable (Int) -> Void = { block in
      let start = rows * block / blocks, end = rows * (block + 1) / blocks
      withRecipe(L.self, op, variant, summation, RunRows(rows: start..<end) { r in
        RowRef(xs.pointer + r * n, n, Int(ts.pointer[r]), outs.pointer + r * width)
      })
    }
    if blocks == 1 { body(0) } else { DispatchQueue.concurrentPerform(iterations: blocks, execute: body) }
  }
}

extension SIMDKernels {
  @usableFromInline
  struct RunRows<L: Lanes>: RecipeTask {
    @usableFromInline let rows: Range<Int>
    @usableFromInline let row: (Int) -> RowRef<L>
    @inlinable init(rows: Range<Int>, row: @escaping (Int) -> RowRef<L>) {
      self.rows = rows
      self.row = row
    }
    @inlinable func run<R: RowRecipe>(_ recipe: R) where R.L == L { SIMDKernels.runRows(recipe, rows, row) }
  }
}

/// A pointer handed to worker threads that touch disjoint parts of its memory.
public struct UnsafeSendable<P>: @unchecked Sendable {
  public let pointer: P
  public init(_ pointer: P) { self.pointer = pointer }
}
