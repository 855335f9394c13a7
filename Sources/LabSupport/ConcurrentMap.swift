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
