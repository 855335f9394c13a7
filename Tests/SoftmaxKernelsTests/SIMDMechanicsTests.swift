import Accuracy
import ExactReference
import Foundation
import LabSupport
import SoftmaxKernels
import SoftmaxSpec
import Testing

@Suite("SIMD kernels: determinism and tails")
struct SIMDMechanicsTests {
  /// Runs every op and variant of one Lanes type on rows of length 1...67 placed before garbage,
  /// checking that the garbage changes nothing, that nothing is written past the outputs, and
  /// that the accurate variant stays within its bound.
  func tails<L: Lanes>(_: L.Type, _ f: Format, _ p: Policy) throws {
    var rng = Xoshiro256StarStar(seed: 67)
    for n in 1...67 {
      let row = (0..<n).map { _ in f.round(rng.gaussian()) }
      let t = rng.index(below: n)
      let reference = try Reference.evaluate(row, format: f, target: t)
      for op in Op.allCases {
        for v in Variant.allCases where v.applies(to: op) {
          let count = op.outputCount(rowLength: n)
          var results: [[L.Storage]] = []
          for garbage in [L.Storage(-Double.infinity), L.Storage(Double.nan), L.Storage(1000.0)] {
            let x = row.map { L.Storage($0) } + Array(repeating: garbage, count: 20)
            var out = [L.Storage](repeating: L.Storage(12345.0), count: count + 20)
            x.withUnsafeBufferPointer { xp in
              out.withUnsafeMutableBufferPointer { o in
                _ = SIMDKernels.run(L.self, op, v, xp.baseAddress!, n, target: t, o.baseAddress!)
              }
            }
            #expect(out[count...].allSatisfy { $0 == L.Storage(12345.0) }, "wrote past the end: n \(n) \(op) \(v)")
            results.append(Array(out[..<count]))
          }
          #expect(results[1].map { $0.double.bitPattern } == results[0].map { $0.double.bitPattern }
                  && results[2].map { $0.double.bitPattern } == results[0].map { $0.double.bitPattern },
                  "the memory past the row changed the result: n \(n) \(op) \(v)")
          // Closeness: the accurate variant within its bound at every length.
          if v == .accurate {
            let bound = accurateBound(op, f, p)
            for (c, exact) in zip(results[0], reference.results[op]!) {
              let e = Measures.ulpError(computed: c.double, exact: exact)
              #expect(e <= bound, "n \(n) \(op.rawValue) \(f.rawValue) \(p.rawValue): \(e) ULP")
            }
          }
        }
      }
    }
  }

  /// `tails` for the lane type of a (format, policy) pair, chosen by `withLanes`.
  struct Tails: LanesTask {
    let test: SIMDMechanicsTests, format: Format, policy: Policy
    func run<L: Lanes>(_: L.Type) -> (any Error)? {
      do { try test.tails(L.self, format, policy) } catch { return error }
      return nil
    }
  }

  @Test("row lengths 1...67: tails padded correctly, nothing written past the end", arguments: distinctPairs)
  func allTails(_ f: Format, _ p: Policy) throws {
    if let error = withLanes(f, p, Tails(test: self, format: f, policy: p)) { throw error }
  }

  /// The batch kernel with 1, 2 and 3 threads gives the same bits, and every row the same as alone.
  func batch<L: Lanes>(_: L.Type) {
    let rows = 37, n = 50
    var rng = Xoshiro256StarStar(seed: 5)
    let x = (0..<(rows * n)).map { _ in L.Storage(rng.gaussian() * 4) }  // rounded once to the format
    let targets = (0..<rows).map { _ in Int32(rng.index(below: n)) }
    for op in Op.allCases {
      for v in Variant.allCases where v.applies(to: op) {
        let width = op.outputCount(rowLength: n)
        var outputs: [[L.Storage]] = []
        for threads in [1, 2, 3] {
          var out = [L.Storage](repeating: L.Storage(0.0), count: rows * width)
          x.withUnsafeBufferPointer { xp in
            targets.withUnsafeBufferPointer { tp in
              out.withUnsafeMutableBufferPointer { o in
                SIMDKernels.runBatch(L.self, op, v, xp.baseAddress!, rows: rows, n: n, targets: tp.baseAddress!,
                                     o.baseAddress!, threads: threads)
              }
            }
          }
          outputs.append(out)
        }
        let bits = outputs.map { $0.map { $0.double.bitPattern } }
        #expect(bits[0] == bits[1] && bits[0] == bits[2], "\(op) \(v)")
        // Every row alone (the batch keeps three rows in flight; each must be the row's own result).
        for r in 0..<rows {
          var single = [L.Storage](repeating: L.Storage(0.0), count: width)
          x.withUnsafeBufferPointer { xp in
            single.withUnsafeMutableBufferPointer { o in
              _ = SIMDKernels.run(L.self, op, v, xp.baseAddress! + r * n, n, target: Int(targets[r]), o.baseAddress!)
            }
          }
          #expect(single.map { $0.double.bitPattern } == Array(bits[0][(r * width)..<((r + 1) * width)]), "\(op) \(v) row \(r)")
        }
      }
    }
  }

  /// `batch` for the lane type of a (format, policy) pair, chosen by `withLanes`.
  struct Batch: LanesTask {
    let test: SIMDMechanicsTests
    func run<L: Lanes>(_: L.Type) { test.batch(L.self) }
  }

  @Test("batch kernels: bit for bit the same with 1, 2 and 3 threads, and row by row", arguments: distinctPairs)
  func threads(_ f: Format, _ p: Policy) {
    withLanes(f, p, Batch(test: self))
  }

  @Test("every summation gives the sum to its bound on a long row", arguments: SIMDSummation.allCases)
  func summations(_ s: SIMDSummation) throws {
    var rng = Xoshiro256StarStar(seed: 9)
    let row = (0..<4099).map { _ in Double(Float(rng.gaussian())) }
    let exact = try Reference.evaluate(row, format: .float32, operations: [.lse]).results[.lse]![0]
    let out = row.map { Float($0) }.withUnsafeBufferPointer { xp -> Float in
      var o: Float = 0
      _ = SIMDKernels.run(Float32Native.self, .lse, .fused, xp.baseAddress!, row.count, target: 0, &o, summation: s)
      return o
    }
    let e = Measures.ulpError(computed: Double(out), exact: exact)
    // lse = m + log s: the sum's relative error, at most (n - 1) u sequentially, moves lse by about that.
    #expect(e <= (s == .sequential ? 64 : 8), "\(s): \(e) ULP")
  }
}
