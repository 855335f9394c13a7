import Experiments
import Foundation
import SoftmaxSpec
import Testing

@Suite("Softmax-regression training")
struct TrainingTests {
  @Test("fused float32 on separable clusters reaches a training error below 1% within 3 epochs")
  func separable() throws {
    // Centres 3 noise standard deviations apart per feature in 16 dimensions: distinct centres
    // are about 3 sqrt(32) = 17 standard deviations apart, so a linear classifier separates them.
    let data = Dataset.synthetic(count: 512, features: 16, classes: 10, scale: 1, separation: 3, seed: 5)
    let run = try Trainer.train(data, TrainingSettings(variant: .fused, format: .float32, epochs: 3))
    #expect(run.firstBreak == nil)
    #expect(run.epochs.count == 3)
    #expect(run.epochs.last!.trainingError < 0.01)
    #expect(run.epochs.last!.meanLoss < run.epochs.first!.meanLoss)
  }

  @Test("naive float16 at feature scale 8 breaks in epoch 1; fused and accurate float16 stay finite",
        arguments: [Variant.naive, .fused, .accurate])
  func float16Breaks(_ variant: Variant) throws {
    // After the first step theta ~ lr X^T (1/k - Y) / B is proportional to the scale, so the
    // second step's logits grow like lr S^2 |x|^2: at S = 8 they exceed float16's exp overflow
    // threshold 11.09 and the naive exp(x) is inf (softmax inf/inf = NaN).
    let data = Dataset.synthetic(count: 256, features: 16, classes: 10, scale: 8, seed: 1)
    let run = try Trainer.train(data, TrainingSettings(variant: variant, format: .float16, policy: .native, epochs: 2))
    if variant == .naive {
      let b = try #require(run.firstBreak)
      #expect(b.epoch == 1)
      #expect(run.epochs.last!.meanLoss.isNaN)
    } else {
      #expect(run.firstBreak == nil)
      #expect(run.epochs.allSatisfy { $0.meanLoss.isFinite })
      #expect(run.epochs.last!.trainingError < 0.5)
    }
  }

  @Test("a run is deterministic for a seed, and another seed gives other data", arguments: [Format.float16, .float32])
  func deterministic(_ f: Format) throws {
    let settings = TrainingSettings(variant: .accurate, format: f, epochs: 2, batchSize: 32)
    let a = try Trainer.train(.synthetic(count: 128, seed: 9), settings)
    let b = try Trainer.train(.synthetic(count: 128, seed: 9), settings)
    #expect(a == b)
    #expect(Dataset.synthetic(count: 128, seed: 9) != Dataset.synthetic(count: 128, seed: 10))
  }
}
