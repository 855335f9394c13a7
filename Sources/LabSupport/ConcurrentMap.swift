import Dispatch

/// `body(i)` for every i in 0..<count, on `threads` threads, the results returned by index.
///
/// Workers take indices in `order` (default 0, 1, 2, ...; put the slowest first so that the last
/// to finish is a short one) and each result is stored at its own index, so the returned array
/// does not depend on the thread count or the scheduling. `progress(done, count)` is called after
/// each index, from the worker threads.
public func concurrentMap<T>(
  _ count: Int, threads: Int, order: [Int]? = nil, progress: (@Sendable (Int, Int) -> Void)? = nil,
  _ body: @Sendable (Int) throws -> T
) -> [Result<T, any Error>] {
  let state = Locked((next: 0, done: 0, results: [Result<T, any Error>?](repeating: nil, count: count)))
  DispatchQueue.concurrentPerform(iterations: max(1, min(threads, count))) { _ in
    while true {
      let position = state.withLock { s -> Int in
        defer { s.next += 1 }
        return s.next
      }
      guard position < count else { return }
      let i = order?[position] ?? position
      let result = Result { try body(i) }
      let done = state.withLock { s -> Int in
        s.results[i] = result
        s.done += 1
        return s.done
      }
      progress?(done, count)
    }
  }
  return state.withLock { $0.results.map { $0! } }
}

/// Folds `body(0)`, `body(1)`, ... into `initial` with `combine`, in index order, while `threads`
/// threads compute them: a result is combined as soon as every result before it has been, and
/// is then released, so only the results computed ahead of the fold are held (a few per thread
/// in practice), not all `count`. The fold sees the results in index order whatever the thread
/// count or scheduling. The first error (by index) is thrown after the workers stop.
public func concurrentFold<T, Accumulator>(
  _ count: Int, threads: Int, into initial: Accumulator, progress: (@Sendable (Int, Int) -> Void)? = nil,
  _ body: @Sendable (Int) throws -> T, combine: (inout Accumulator, T) throws -> Void
) throws -> Accumulator {
  // The fold runs under the lock, on whichever worker completed the prefix: `combine` is not
  // @Sendable, but it is never called from two threads at once.
  return try withoutActuallyEscaping(combine) { combine in
    let fold = UnsafeTransfer(combine)
    let state = Locked(FoldState<T, Accumulator>(accumulator: initial))
    DispatchQueue.concurrentPerform(iterations: max(1, min(threads, count))) { _ in
      while true {
        let i = state.withLock { s -> Int in
          defer { s.next += 1 }
          return s.failure == nil ? s.next : count
        }
        guard i < count else { return }
        let result = Result { try body(i) }
        let done = state.withLock { s -> Int in
          s.pending[i] = result
          while s.failure == nil, let r = s.pending.removeValue(forKey: s.combined) {
            do { try fold.value(&s.accumulator, try r.get()) } catch { s.failure = error }
            s.combined += 1
          }
          s.done += 1
          return s.done
        }
        progress?(done, count)
      }
    }
    let (accumulator, failure) = state.withLock { s in (s.accumulator, s.failure) }
    if let failure { throw failure }
    return accumulator
  }
}

/// `concurrentFold`'s shared state: results waiting for their turn, the fold so far.
private struct FoldState<T, Accumulator> {
  var next = 0
  var done = 0
  var combined = 0
  var pending: [Int: Result<T, any Error>] = [:]
  var accumulator: Accumulator
  var failure: (any Error)? = nil
}

/// A value handed to worker threads that the caller promises to use from one thread at a time.
private struct UnsafeTransfer<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}
