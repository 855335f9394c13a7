import LabSupport
import SoftmaxSpec

/// The training experiment of reports/training.md: softmax regression on the synthetic data at
/// several feature scales, naive against fused and accurate, in float16 native and wide, float32
/// and float64.
public struct TrainingExperiment: Sendable {
  public static let scales: [Double] = [1, 8, 64]
  public static let variants: [Variant] = [.naive, .fused, .accurate]
  public static let configurations: [(Format, Policy)] = [(.float16, .native), (.float16, .wide), (.float32, .native),
                                                          (.float64, .native)]

  public struct Entry: Sendable {
    public let scale: Double
    public let run: TrainingRun
  }

  public let samples: Int
  public let epochs: Int
  public let entries: [Entry]
  public let reduction: ReductionStudy

  /// Every run (in parallel over `threads`; each run is sequential, so the results do not depend
  /// on the thread count) and the reduction study over `reductionRows` rows.
  public static func run(samples: Int = 2048, epochs: Int = 20, reductionRows: Int = 1_000_000,
                         threads: Int = 1) throws -> TrainingExperiment
  {
    // (index of the scale, settings)
    let jobs: [(Int, TrainingSettings)] = scales.indices.flatMap { k in
      variants.flatMap { variant in
        configurations.map { (k, TrainingSettings(variant: variant, format: $0.0, policy: $0.1, epochs: epochs)) }
      }
    }
    let datasets = scales.map { TrainingExperiment.data(samples: samples, scale: $0) }
    let runs = try concurrentMap(jobs.count, threads: threads) { j in try Trainer.train(datasets[jobs[j].0], jobs[j].1) }
      .map { try $0.get() }
    return TrainingExperiment(samples: samples, epochs: epochs,
                              entries: zip(jobs, runs).map { Entry(scale: scales[$0.0.0], run: $0.1) },
                              reduction: try ReductionStudy.run(count: reductionRows))
  }

  /// The synthetic data of one scale (separation 1: classes overlap, so the error stays above 0).
  public static func data(samples: Int, scale: Double) -> Dataset {
    Dataset.synthetic(count: samples, scale: scale, separation: 1, seed: 1)
  }
}
