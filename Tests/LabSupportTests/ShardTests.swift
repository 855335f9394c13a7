import LabSupport
import Testing

@Suite("Shards")
struct ShardTests {
  @Test("i/N parses for 0 <= i < N and nothing else")
  func parsing() {
    #expect(Shard("3/8") == Shard(index: 3, count: 8))
    #expect(Shard("0/1") == .whole)
    for bad in ["", "1", "8/8", "-1/4", "1/0", "1/-2", " 1/4", "1/4 ", "a/4", "1//4", "1/4/5", "+1/4", "1.0/4"] {
      #expect(Shard(bad) == nil, "\(bad)")
    }
    #expect(Shard(index: 2, count: 7)?.description == "2/7")
  }

  @Test("the shards of N partition the items: each item in exactly one", arguments: [1, 2, 4, 7])
  func partition(count: Int) {
    let shards = (0..<count).map { Shard(index: $0, count: count)! }
    for item in 0..<100 {
      #expect(shards.filter { $0.contains(item) }.count == 1)
    }
  }
}
