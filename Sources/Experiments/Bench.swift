import Dispatch
import Foundation
import LabSupport
import SoftmaxKernels
import SoftmaxSpec

/// A row shape for `bench`: rows x n logits.
public struct BenchShape: Sendable, Hashable, CustomStringConvertible {
  public let rows: Int
  public let n: Int
  public init(rows: Int, n: Int) {
    self.rows = rows
    self.n = n
  }
  public var description: String { "\(rows)x\(n)" }
  public static let standard = [BenchShape(rows: 4096, n: 1024), BenchShape(rows: 64, n: 65536), BenchShape(rows: 8, n: 262144)]

  /// "4096x1024".
  public init?(_ text: String) {
    let parts = text.split(separator: "x")
    guard parts.count == 2, let r = Int(parts[0]), let n = Int(parts[1]), r > 0, n > 0 else { return nil }
    self.init(rows: r, n: n)
  }
}

/// What one timed configuration is: a SIMD kernel, the memory copy, or the scalar textbook kernel.
public enum BenchSubject: Sendable, Hashable {
  case kernel(Op, Variant, Format, Policy)
  /// A plain copy of the same bytes (the memory yardstick).
  case copy(Format)
  /// The scalar textbook kernel (fused log-softmax).
  case textbook(Op, Variant, Format)
}

/// One line of `bench`: the median time of repeated runs after a warm-up, and its spread.
public struct BenchResult: Sendable {
  public let subject: BenchSubject
  public let shape: BenchShape
  public let threads: Int
  public let seconds: [Double]
  /// Bytes read and written per run.
  public let bytes: Int

  public init(subject: BenchSubject, shape: BenchShape, threads: Int, seconds: [Double], bytes: Int) {
    self.subject = subject
    self.shape = shape
    self.threads = threads
    self.seconds = seconds
    self.bytes = bytes
  }

  /// The format of the bytes timed.
  public var format: Format {
    switch subject {
    case let .kernel(_, _, f, _), let .copy(f), let .textbook(_, _, f): return f
    }
  }

  public var median: Double { seconds.sorted()[seconds.count / 2] }
  /// (max - min) / median.
  public var spread: Double { (seconds.max()! - seconds.min()!) / median }
  public var elementsPerSecond: Double { Double(shape.rows * shape.n) / median }
  public var bytesPerSecond: Double { Double(bytes) / median }
}

/// Times the SIMD kernels (`SIMDKernels.runBatch`) on N(0, 1) logits.
public enum Bench {
  static func time(repeats: Int, _ body: () -> Void) -> [Double] {
    body()  // warm-up
    return (0..<repeats).map { _ in
      let start = DispatchTime.now().uptimeNanoseconds
      body()
      return Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
    }
  }

  /// Runs `subjects` on `shape` with `threads` threads, `repeats` timed runs each.
  public static func run(_ subjects: [BenchSubject], shape: BenchShape, threads: Int, repeats: Int) -> [BenchResult] {
    subjects.map { subject in
      switch subject {
      case let .kernel(op, variant, format, policy):
        return withLanes(format, policy, KernelTiming(subject: subject, op: op, variant: variant, shape: shape,
                                                      threads: threads, repeats: repeats))
      case .copy(let format):
        let bytes = shape.rows * shape.n * format.byteWidth
        let source = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        let destination = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        defer {
          source.deallocate()
          destination.deallocate()
        }
        source.initializeMemory(as: UInt8.self, repeating: 1, count: bytes)
        let s = UnsafeSendable(source), d = UnsafeSendable(destination)
        let seconds = time(repeats: repeats) {
          DispatchQueue.concurrentPerform(iterations: threads) { t in
            let start = bytes * t / threads, end = bytes * (t + 1) / threads
            memcpy(d.pointer + start, s.pointer + start, end - start)
          }
        }
        return BenchResult(subject: subject, shape: shape, threads: threads, seconds: seconds, bytes: 2 * bytes)
      case let .textbook(op, variant, format):
        let data = logits(shape, seed: 1).map { format.round($0) }
        let width = op.outputCount(rowLength: shape.n)
        var sink = 0.0
        let seconds = time(repeats: repeats) {
          for r in 0..<shape.rows {
            let row = Array(data[(r * shape.n)..<((r + 1) * shape.n)])
            sink += Textbook.evaluate(op, variant, row: row, format: format, policy: .native, target: 0)?.last ?? 0
          }
        }
        _ = sink
        return BenchResult(subject: subject, shape: shape, threads: 1, seconds: seconds,
                           bytes: shape.rows * (shape.n + width) * format.byteWidth)
      }
    }
  }

  /// Each result's median time as a multiple of the copy of its format timed on the same shape
  /// with the same threads ("x copy"; 1 for the copy itself), nil when no such copy was timed.
  public static func copyRatios(_ results: [BenchResult]) -> [Double?] {
    struct Run: Hashable {
      let shape: BenchShape, threads: Int, format: Format
    }
    var copies: [Run: Double] = [:]
    for r in results {
      if case .copy = r.subject { copies[Run(shape: r.shape, threads: r.threads, format: r.format)] = r.median }
    }
    return results.map { r in copies[Run(shape: r.shape, threads: r.threads, format: r.format)].map { r.median / $0 } }
  }

  static func logits(_ shape: BenchShape, seed: UInt64) -> [Double] {
    var rng = Xoshiro256StarStar(seed: seed)
    return (0..<(shape.rows * shape.n)).map { _ in rng.gaussian() }
  }

  /// One SIMD kernel timed on the batch (`SIMDKernels.runBatch`), specialized for its lanes.
  struct KernelTiming: LanesTask {
    let subject: BenchSubject, op: Op, variant: Variant, shape: BenchShape, threads: Int, repeats: Int

    func run<L: Lanes>(_: L.Type) -> BenchResult {
      let x = Bench.logits(shape, seed: 1).map { L.Storage($0) }
      let targets = (0..<shape.rows).map { Int32($0 % shape.n) }
      let width = op.outputCount(rowLength: shape.n)
      var out = [L.Storage](repeating: L.Storage(0.0), count: shape.rows * width)
      let seconds = x.withUnsafeBufferPointer { xp in
        targets.withUnsafeBufferPointer { tp in
          out.withUnsafeMutableBufferPointer { o in
            Bench.time(repeats: repeats) {
              SIMDKernels.runBatch(L.self, op, variant, xp.baseAddress!, rows: shape.rows, n: shape.n,
                                   targets: tp.baseAddress!, o.baseAddress!, threads: threads)
            }
          }
        }
      }
      let bytes = shape.rows * (shape.n + width) * MemoryLayout<L.Storage>.size
      return BenchResult(subject: subject, shape: shape, threads: threads, seconds: seconds, bytes: bytes)
    }
  }
}

/// What `bench` times: every shape x thread count, and for each the copy yardstick of each format,
/// the scalar textbook fused kernel of each op and format (one thread), and the SIMD kernel of
/// every op x variant x format x effective policy.
public struct BenchPlan: Sendable {
  public var ops: [Op]
  public var variants: [Variant]
  public var formats: [Format]
  public var policies: [Policy]
  public var shapes: [BenchShape]
  public var threads: [Int]
  public var repeats: Int

  public init(ops: [Op], variants: [Variant], formats: [Format], policies: [Policy], shapes: [BenchShape],
              threads: [Int], repeats: Int)
  {
    self.ops = ops
    self.variants = variants
    self.formats = formats
    self.policies = policies
    self.shapes = shapes
    self.threads = threads
    self.repeats = repeats
  }

  /// The subjects timed for one thread count.
  public func subjects(threads: Int) -> [BenchSubject] {
    var subjects: [BenchSubject] = formats.map { .copy($0) }
    for format in formats {
      if threads == 1 { subjects += ops.map { .textbook($0, .fused, format) } }
      for op in ops {
        for variant in variants where variant.applies(to: op) {
          for policy in format.effectivePolicies(policies) {
            subjects.append(.kernel(op, variant, format, policy))
          }
        }
      }
    }
    return subjects
  }

  /// Times every subject of the plan, shape by shape, thread count by thread count.
  public func run() -> [BenchResult] {
    shapes.flatMap { shape in
      threads.flatMap { t in Bench.run(subjects(threads: t), shape: shape, threads: t, repeats: repeats) }
    }
  }
}
