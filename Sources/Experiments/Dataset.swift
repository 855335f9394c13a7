import Foundation
import LabSupport
import SoftmaxSpec

/// A labelled dataset for softmax regression: `count` examples of `features` values each
/// (row-major), labels in 0..<classes.
public struct Dataset: Sendable, Equatable {
  public let features: Int
  public let classes: Int
  public let x: [Double]
  public let labels: [Int]
  /// Where the data came from, for reports and JSON.
  public let source: String

  public var count: Int { labels.count }

  public init(features: Int, classes: Int, x: [Double], labels: [Int], source: String) {
    precondition(x.count == labels.count * features && labels.allSatisfy { (0..<classes).contains($0) })
    self.features = features
    self.classes = classes
    self.x = x
    self.labels = labels
    self.source = source
  }

  /// The same data with every feature rounded to `format`, as it is stored for training.
  public func stored(in format: Format) -> Dataset {
    Dataset(features: features, classes: classes, x: x.map(format.round), labels: labels, source: source)
  }

  /// Seeded Gaussian class clusters: class centres mu_c ~ separation * N(0, I), each example
  /// scale * (mu_c + N(0, I)) with a uniform random class. `scale` multiplies every feature, so the
  /// logits X theta grow with it (quadratically along training: theta's updates scale with X too),
  /// which drives them past exp's overflow threshold.
  public static func synthetic(count: Int = 2048, features: Int = 16, classes: Int = 10, scale: Double = 1,
                               separation: Double = 1, seed: UInt64 = 1) -> Dataset
  {
    var rng = Xoshiro256StarStar(seed: seed)
    let centres = (0..<classes).map { _ in (0..<features).map { _ in separation * rng.gaussian() } }
    var x: [Double] = []
    x.reserveCapacity(count * features)
    var labels: [Int] = []
    for _ in 0..<count {
      let c = rng.index(below: classes)
      labels.append(c)
      for f in 0..<features { x.append(scale * (centres[c][f] + rng.gaussian())) }
    }
    return Dataset(features: features, classes: classes, x: x, labels: labels,
                   source: "synthetic(count: \(count), features: \(features), classes: \(classes), scale: \(scale), separation: \(separation), seed: \(seed))")
  }
}
