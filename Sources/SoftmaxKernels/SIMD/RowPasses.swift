import SoftmaxSpec

// How the SIMD kernels walk memory. Every variant is three passes over a row, each a loop over the
// row's vectors in order:
//
//   first   a reduction that needs nothing (the max; two-pass's and online's sums)
//   second  a reduction that needs the first's result (the sum of exp(x_j - m))
//   output  the results, from the second's (or a no-op for lse and cross-entropy, written at once)
//
// A variant with fewer passes has `Idle` ones. A batch keeps three rows in flight: one loop does
// the first pass of row r + 2, the second of row r + 1 and the output of row r together
// (`interleaved`), so the exp-heavy pass overlaps the memory-bound ones. Each pass of a row sees
// the same vectors in the same order whether it runs alone or interleaved, so the results are
// the same bits either way (and whatever the thread count).

/// One pass over a row: `step` gets the row's vectors in order, lanes past the end filled with -inf.
public protocol RowPass {
  associatedtype L: Lanes
  /// The vector at i (`count` valid lanes).
  mutating func step(_ v: L.V, at i: Int, count: Int)
}

/// A pass with nothing to do.
@usableFromInline
struct Idle<L: Lanes>: RowPass {
  @inlinable init() {}
  @inlinable @inline(__always) func step(_ v: L.V, at i: Int, count: Int) {}
}

/// Where a row is: its logits, length, target and outputs.
@usableFromInline
struct RowRef<L: Lanes> {
  @usableFromInline let x: UnsafePointer<L.Storage>
  @usableFromInline let n: Int
  @usableFromInline let target: Int
  @usableFromInline let out: UnsafeMutablePointer<L.Storage>
  @inlinable init(_ x: UnsafePointer<L.Storage>, _ n: Int, _ target: Int, _ out: UnsafeMutablePointer<L.Storage>) {
    self.x = x
    self.n = n
    self.target = target
    self.out = out
  }
}

/// One variant for one operation as three passes.
@usableFromInline
protocol RowRecipe {
  associatedtype L: Lanes
  associatedtype First: RowPass where First.L == L
  associatedtype Second: RowPass where Second.L == L
  associatedtype Output: RowPass where Output.L == L
  func first(_ row: RowRef<L>) -> First
  func second(_ row: RowRef<L>, after first: First) -> Second
  /// The output pass; scalar results (lse, cross-entropy) are written here and the pass is idle.
  func output(_ row: RowRef<L>, after second: Second) -> Output
}

extension SIMDKernels {
  /// One pass over a whole row.
  @inlinable
  static func sweep<P: RowPass>(_ p: inout P, _ x: UnsafePointer<P.L.Storage>, _ n: Int) {
    typealias L = P.L
    var pass = p  // a local, as in `interleaved`
    defer { p = pass }
    let w = L.width
    var i = 0
    while i + w <= n {
      pass.step(L.load(x + i, count: w, fill: -.infinity), at: i, count: w)
      i += w
    }
    if i < n { pass.step(L.load(x + i, count: n - i, fill: -.infinity), at: i, count: n - i) }
  }

  /// Three passes over three rows of the same length in one loop.
  @inlinable @inline(never)
  static func interleaved<A: RowPass, B: RowPass, C: RowPass>(
    _ pa: inout A, _ xa: UnsafePointer<A.L.Storage>, _ pb: inout B, _ xb: UnsafePointer<A.L.Storage>,
    _ pc: inout C, _ xc: UnsafePointer<A.L.Storage>, _ n: Int
  ) where B.L == A.L, C.L == A.L {
    typealias L = A.L
    // The passes as locals, so that their accumulators live in registers, not behind the inout
    // pointers (stored on every step otherwise: measured in the disassembly).
    var a = pa, b = pb, c = pc
    defer {
      pa = a
      pb = b
      pc = c
    }
    let w = L.width
    var i = 0
    while i + w <= n {
      a.step(L.load(xa + i, count: w, fill: -.infinity), at: i, count: w)
      b.step(L.load(xb + i, count: w, fill: -.infinity), at: i, count: w)
      c.step(L.load(xc + i, count: w, fill: -.infinity), at: i, count: w)
      i += w
    }
    if i < n {
      a.step(L.load(xa + i, count: n - i, fill: -.infinity), at: i, count: n - i)
      b.step(L.load(xb + i, count: n - i, fill: -.infinity), at: i, count: n - i)
      c.step(L.load(xc + i, count: n - i, fill: -.infinity), at: i, count: n - i)
    }
  }

  /// One row, its three passes one after the other.
  @inlinable @inline(never)
  static func runRow<R: RowRecipe>(_ recipe: R, _ row: RowRef<R.L>) {
    var first = recipe.first(row)
    sweep(&first, row.x, row.n)
    var second = recipe.second(row, after: first)
    sweep(&second, row.x, row.n)
    var output = recipe.output(row, after: second)
    sweep(&output, row.x, row.n)
  }

  /// Rows lo..<hi with three in flight: the first pass of row r + 2, the second of r + 1 and the
  /// output of r in one loop; the first and last rows alone.
  @inlinable
  static func runRows<R: RowRecipe>(_ recipe: R, _ rows: Range<Int>, _ row: (Int) -> RowRef<R.L>) {
    guard rows.count >= 3 else {
      for r in rows { runRow(recipe, row(r)) }
      return
    }
    let lo = rows.lowerBound, n = row(lo).n
    // Row lo: first and second passes; row lo + 1: first pass.
    var first0 = recipe.first(row(lo))
    sweep(&first0, row(lo).x, n)
    var second = recipe.second(row(lo), after: first0)
    sweep(&second, row(lo).x, n)
    var first = recipe.first(row(lo + 1))
    sweep(&first, row(lo + 1).x, n)
    var r = lo
    while r + 2 < rows.upperBound {
      // In flight: output of r, second of r + 1, first of r + 2.
      var output = recipe.output(row(r), after: second)
      second = recipe.second(row(r + 1), after: first)
      first = recipe.first(row(r + 2))
      interleaved(&first, row(r + 2).x, &second, row(r + 1).x, &output, row(r).x, n)
      r += 1
    }
    // Drain: rows upperBound - 2 and - 1.
    var output = recipe.output(row(r), after: second)
    sweep(&output, row(r).x, n)
    second = recipe.second(row(r + 1), after: first)
    sweep(&second, row(r + 1).x, n)
    var last = recipe.output(row(r + 1), after: second)
    sweep(&last, row(r + 1).x, n)
  }
}

// MARK: Choices fixed at compile time

/// A value a pass would otherwise read at run time on every step (the summation, the output
/// mode, whether the max pass tracks the index), fixed by a type: `fixed` is the value, or nil
/// for "the one stored in the pass" (`Runtime`). Once specialized, the pass's `switch` on
/// `Choice.fixed ?? stored` folds to one case, so the hot loop neither tests nor jumps on it.
@usableFromInline
protocol Choice {
  associatedtype Value
  static var fixed: Value? { get }
}

/// The value stored in the pass, read at run time.
@usableFromInline
enum Runtime<Value>: Choice {
  @inlinable static var fixed: Value? { nil }
}

@usableFromInline enum LaneParallelSum: Choice {
  @inlinable static var fixed: SIMDSummation? { .laneParallel }
}
@usableFromInline enum CompensatedSum: Choice {
  @inlinable static var fixed: SIMDSummation? { .compensated }
}
@usableFromInline enum WithIndex: Choice {
  @inlinable static var fixed: Bool? { true }
}
@usableFromInline enum WithoutIndex: Choice {
  @inlinable static var fixed: Bool? { false }
}
@usableFromInline enum LogSoftmaxOp: Choice {
  @inlinable static var fixed: Op? { .logSoftmax }
}
@usableFromInline enum SoftmaxOp: Choice {
  @inlinable static var fixed: Op? { .softmax }
}
@usableFromInline enum GradientOp: Choice {
  @inlinable static var fixed: Op? { .ceGradient }
}
@usableFromInline enum LogSoftmaxMode: Choice {
  @inlinable static var fixed: ShiftedMode? { .logSoftmax }
}
@usableFromInline enum SoftmaxMode: Choice {
  @inlinable static var fixed: ShiftedMode? { .softmax }
}
@usableFromInline enum GradientMode: Choice {
  @inlinable static var fixed: ShiftedMode? { .gradient }
}
