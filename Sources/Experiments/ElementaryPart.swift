import Accuracy
import Foundation
import LabSupport
import SoftmaxSpec

/// What `softmax-lab elementary` computes: one sweep per format and function (formats outer, in
/// this order), with its float32 and float64 settings.
public struct ElementaryJob: Sendable, Equatable {
  public var functions: [ElementaryFunction]
  public var formats: [Format]
  public var exhaustive: Bool
  public var count: Int

  public init(functions: [ElementaryFunction], formats: [Format], exhaustive: Bool, count: Int) {
    self.functions = functions
    self.formats = formats
    self.exhaustive = exhaustive
    self.count = count
  }

  /// The sweeps, in the order of the results.
  public var sweeps: [(function: ElementaryFunction, format: Format)] {
    formats.flatMap { format in functions.map { (function: $0, format: format) } }
  }

  /// The number of the first work item of each sweep: the job's items are numbered sweep after
  /// sweep (`ElementarySweep.items`).
  var firstItems: [Int] {
    var first = 0
    return sweeps.map { s in
      defer { first += ElementarySweep.items(s.format) }
      return first
    }
  }

  var items: Int { sweeps.reduce(0) { $0 + ElementarySweep.items($1.format) } }

  /// The results of every sweep from their tallies over all items.
  func results(_ tallies: [ElementaryTally]) -> [ElementaryAccuracy] {
    zip(sweeps, tallies).map { s, t in
      ElementarySweep.result(s.function, format: s.format, exhaustive: exhaustive, count: count, tally: t)
    }
  }

  /// Every sweep in one process.
  public func run(threads: Int = ProcessInfo.processInfo.activeProcessorCount) -> [ElementaryAccuracy] {
    results(sweeps.map { ElementarySweep.tally($0.function, format: $0.format, exhaustive: exhaustive, count: count, threads: threads) })
  }

  /// The part that `shard` computes; `command` is kept as its provenance.
  public func run(shard: Shard, command: String, threads: Int = ProcessInfo.processInfo.activeProcessorCount) -> ElementaryPart {
    let tallies = zip(sweeps, firstItems).map { s, first in
      ElementarySweep.tally(s.function, format: s.format, exhaustive: exhaustive, count: count, threads: threads,
                            shard: shard, firstItem: first)
    }
    return ElementaryPart(job: self, shard: shard, command: command, tallies: tallies)
  }
}

/// One shard's share of an elementary job: each sweep's tally over the shard's items (tallies
/// merge exactly in any order: `ElementaryTally.merge`). Body of the file (`PartialFile`):
/// `"sweeps"`, one per sweep in job order,
///
///     { "function": "exp", "format": "float32", "inputs": 4194304, "notCorrectlyRounded": 12,
///       "wrongSpecials": 0, "maxULP": "0.51", "worst": [key, "input's float64 bits in hex"] or null,
///       "special": [key, "bits"] or null }
public struct ElementaryPart: Sendable {
  public let job: ElementaryJob
  public let shard: Shard
  public let command: String
  let tallies: [ElementaryTally]

  public var inputs: Int { tallies.reduce(0) { $0 + $1.inputs } }

  public func text() -> String {
    func input(_ i: ElementaryTally.Input?) -> JSON {
      i.map { .array([.int(Int($0.key)), .string(String($0.value.bitPattern, radix: 16))]) } ?? .null
    }
    let sweeps: [JSON] = zip(job.sweeps, tallies).map { s, t in
      .object([
        ("function", .string(s.function.rawValue)), ("format", .string(s.format.rawValue)), ("inputs", .int(t.inputs)),
        ("notCorrectlyRounded", .int(t.notCorrectlyRounded)), ("wrongSpecials", .int(t.wrongSpecials)),
        ("maxULP", .string(t.maxULP.description)), ("worst", input(t.worst)), ("special", input(t.special)),
      ])
    }
    return PartialFile.text(.elementary, command: command, shard: shard, items: job.items, plan: ElementaryPart.json(job),
                            body: [("sweeps", .array(sweeps))])
  }

  static func json(_ job: ElementaryJob) -> JSON {
    .object([
      ("functions", .array(job.functions.map { .string($0.rawValue) })), ("formats", .array(job.formats.map { .string($0.rawValue) })),
      ("exhaustive", .bool(job.exhaustive)), ("count", .int(job.count)),
    ])
  }

  static func job(_ o: [String: Any], in name: String) throws -> ElementaryJob {
    guard let exhaustive = o["exhaustive"] as? Bool else { throw PartialResultError("\(name): the plan has no \"exhaustive\"") }
    return ElementaryJob(functions: try PartialFile.names(o, "functions", ElementaryFunction.self, in: name),
                         formats: try PartialFile.names(o, "formats", Format.self, in: name), exhaustive: exhaustive,
                         count: try PartialFile.int(o, "count", in: name))
  }

  /// The results the parts (checked by `PartialFile.checkPartition`) make together.
  static func merge(_ parts: [PartialFile.Header]) throws -> [ElementaryAccuracy] {
    let job = try ElementaryPart.job(parts[0].plan, in: parts[0].name)
    guard job.items == parts[0].items else { throw PartialResultError("\(parts[0].name): the job has \(job.items) items, the part says \(parts[0].items)") }
    var totals = [ElementaryTally](repeating: ElementaryTally(), count: job.sweeps.count)
    for part in parts {
      let name = part.name
      let sweeps = try PartialFile.array(part.object, "sweeps", in: name)
      guard sweeps.count == job.sweeps.count else { throw PartialResultError("\(name): \(sweeps.count) sweeps, the job has \(job.sweeps.count)") }
      for (i, (entry, s)) in zip(sweeps, job.sweeps).enumerated() {
        guard let o = entry as? [String: Any], o["function"] as? String == s.function.rawValue,
              o["format"] as? String == s.format.rawValue
        else { throw PartialResultError("\(name): sweep \(i) is not \(s.function.rawValue) in \(s.format.rawValue)") }
        func input(_ key: String) throws -> ElementaryTally.Input? {
          if o[key] is NSNull { return nil }
          guard let pair = o[key] as? [Any], pair.count == 2, let k = pair[0] as? Int, k >= 0,
                let bits = (pair[1] as? String).flatMap({ UInt64($0, radix: 16) })
          else { throw PartialResultError("\(name): sweep \(i) has no valid \"\(key)\"") }
          return .init(key: UInt64(k), value: Double(bitPattern: bits))
        }
        guard let maxULP = try PartialFile.double(o["maxULP"], "the maxULP of sweep \(i)", in: name) else {
          throw PartialResultError("\(name): sweep \(i) has no maxULP")
        }
        totals[i].merge(ElementaryTally(inputs: try PartialFile.int(o, "inputs", in: name),
                                        notCorrectlyRounded: try PartialFile.int(o, "notCorrectlyRounded", in: name),
                                        wrongSpecials: try PartialFile.int(o, "wrongSpecials", in: name), maxULP: maxULP,
                                        worst: try input("worst"), special: try input("special")))
      }
    }
    return job.results(totals)
  }
}
