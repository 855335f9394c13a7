/// One part of a deterministic partition of a job's work into `count` shards.
///
/// Work items are numbered 0, 1, 2, ... in an order that does not depend on the shard; shard `index`
/// of `count` takes the items whose number is congruent to `index` modulo `count`. Written on the
/// command line as `i/N` (`--shard 3/8`: the fourth of eight), with 0 <= i < N. `0/1` is the whole job.
public struct Shard: Hashable, Sendable, CustomStringConvertible {
  public let index: Int
  public let count: Int

  public static let whole = Shard(uncheckedIndex: 0, count: 1)

  private init(uncheckedIndex index: Int, count: Int) {
    self.index = index
    self.count = count
  }

  /// `nil` unless 0 <= index < count.
  public init?(index: Int, count: Int) {
    guard count >= 1, index >= 0, index < count else { return nil }
    self.init(uncheckedIndex: index, count: count)
  }

  /// Parses `i/N`; `nil` for anything else (spaces, signs, i >= N, N = 0).
  public init?(_ text: String) {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2,
      parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
      let i = Int(parts[0]), let n = Int(parts[1])
    else { return nil }
    self.init(index: i, count: n)
  }

  /// Whether work item `item` (numbered from 0) belongs to this shard.
  public func contains(_ item: Int) -> Bool { item % count == index }

  public var isWhole: Bool { count == 1 }

  public var description: String { "\(index)/\(count)" }
}
