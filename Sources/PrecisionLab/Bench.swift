import Dispatch
import Foundation
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
        switch (format, policy) {
        case (.float16, .native): return kernel(Float16Native.self, subject, op, variant, shape, threads, repeats)
        case (.float16, .wide): return kernel(Float16Wide.self, subject, op, variant, shape, threads, repeats)
        case (.float32, .native): return kernel(Float32Native.self, subject, op, variant, shape, threads, repeats)
        case (.float32, .wide): return kernel(Float32Wide.self, subject, op, variant, shape, threads, repeats)
        case (.float64, _): return kernel(Float64Native.self, subject, op, variant, shape, threads, repeats)
        }
      case .copy(let format):
        let bytes = shape.rows * shape.n * (format.precision == 11 ? 2 : format.precision == 24 ? 4 : 8)
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
            let out: [Double]
            switch format {
            case .float16: out = Textbook.evaluate(op, variant, row.map { Float16($0) }, target: 0).map(Double.init)
            case .float32: out = Textbook.evaluate(op, variant, row.map { Float($0) }, target: 0).map(Double.init)
            case .float64: out = Textbook.evaluate(op, variant, row, target: 0)
            }
            sink += out[width - 1]
          }
        }
        _ = sink
        let size = format.precision == 11 ? 2 : format.precision == 24 ? 4 : 8
        return BenchResult(subject: subject, shape: shape, threads: 1, seconds: seconds,
                           bytes: shape.rows * (shape.n + width) * size)
      }
    }
  }

  static func logits(_ shape: BenchShape, seed: UInt64) -> [Double] {
    var rng = Xoshiro256StarStar(seed: seed)
    return (0..<(shape.rows * shape.n)).map { _ in rng.gaussian() }
  }

  static func kernel<L: Lanes>(_: L.Type, _ subject: BenchSubject, _ op: Op, _ variant: Variant, _ shape: BenchShape,
                               _ threads: Int, _ repeats: Int) -> BenchResult
  {
    let x = logits(shape, seed: 1).map { L.Storage($0) }
    let targets = (0..<shape.rows).map { Int32($0 % shape.n) }
    let width = op.outputCount(rowLength: shape.n)
    var out = [L.Storage](repeating: 0, count: shape.rows * width)
    let seconds = x.withUnsafeBufferPointer { xp in
      targets.withUnsafeBufferPointer { tp in
        out.withUnsafeMutableBufferPointer { o in
          time(repeats: repeats) {
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
