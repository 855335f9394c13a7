import LabSupport
import SoftmaxSpec

/// The worked examples of docs/definitions.md and the public bug reports it cites, as rows.
struct SeedExample: Sendable {
  let note: String
  let target: Int
  let logits: @Sendable (Format) -> [Double]

  static let all: [SeedExample] = [
    SeedExample(note: "softmax([2, 1, 0.1]) of the classic write-up", target: 0) { _ in [2, 1, 0.1] },
    SeedExample(note: "cross-entropy example, row 0 (target 0)", target: 0) { _ in [1.1316, -0.7943, 0.1328] },
    SeedExample(note: "cross-entropy example, row 1 (target 1)", target: 1) { _ in [0.2654, 0.1978, -0.0265] },
    SeedExample(note: "cross-entropy example, row 2 (target 2)", target: 2) { _ in [-2.8054, 0.2867, -0.1517] },
    SeedExample(note: "SciPy 18295: logsumexp([0, -40]) returned 0", target: 0) { _ in [0, -40] },
    SeedExample(note: "PyTorch 113708: -log_softmax([1 - log(2 eps), 0]) in float32", target: 0) { _ in
      [1 - DeterministicMath.log(0x1p-22), 0]
    },
    SeedExample(note: "PyTorch 113708: -log_softmax([1 - log(eps), 0]) returned 0", target: 0) { _ in
      [1 - DeterministicMath.log(0x1p-23), 0]
    },
    SeedExample(note: "MLX 4169: x - lse(x) without a shift gave 0 for [1e8, 1e8] (inf in float16)", target: 0) { _ in
      [1e8, 1e8]
    },
    SeedExample(note: "just above exp's overflow threshold T of the format", target: 1) { f in
      let t = Thresholds(f).overflow
      return [f.round(t) > t ? f.round(t) : f.nextUp(f.round(t)), 0]
    },
    SeedExample(note: "just below exp's overflow threshold T of the format", target: 1) { f in
      let t = Thresholds(f).overflow
      return [f.round(t) < t ? f.round(t) : f.nextDown(f.round(t)), 0]
    },
  ]
}
