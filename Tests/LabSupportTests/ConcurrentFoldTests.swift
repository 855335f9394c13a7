import LabSupport
import Testing

@Suite("Ordered parallel fold")
struct ConcurrentFoldTests {
  struct Failure: Error, Equatable { let index: Int }

  @Test("the fold sees the results in index order whatever the thread count", arguments: [1, 2, 3, 8])
  func order(threads: Int) throws {
    let folded = try concurrentFold(500, threads: threads, into: [Int]()) { i in i * i } combine: { $0.append($1) }
    #expect(folded == (0..<500).map { $0 * $0 })
    // A fold that depends on order: floating-point sums of values of very different sizes.
    let sum = try concurrentFold(300, threads: threads, into: 0.0) { i in i % 3 == 0 ? 1e16 : 1.0 } combine: { $0 += $1 }
    #expect(sum == (0..<300).reduce(0.0) { s, i in s + (i % 3 == 0 ? 1e16 : 1.0) })
  }

  @Test("the first failing index is thrown, and nothing after it is folded", arguments: [1, 2, 4])
  func failure(threads: Int) {
    let seen = Locked([Int]())
    #expect(throws: Failure(index: 40)) {
      _ = try concurrentFold(200, threads: threads, into: 0) { i -> Int in
        if i == 40 || i == 90 { throw Failure(index: i) }
        return i
      } combine: { _, i in seen.withLock { $0.append(i) } }
    }
    #expect(seen.withLock { $0 } == Array(0..<40))
  }
}
