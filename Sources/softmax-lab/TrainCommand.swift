import ArgumentParser
import Experiments
import Foundation
import LabSupport
import Reports
import SoftmaxSpec

/// `softmax-lab train`: softmax regression by mini-batch SGD with a chosen variant, format and policy.
struct TrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Train a softmax regression by mini-batch SGD and record where precision breaks it.",
    discussion: """
      theta (features x classes) starts at 0; each step computes the logits X theta, the mean \
      cross-entropy and its gradient with the chosen variant, and updates theta -= lr / B X^T (P - Y), \
      batches in order. Data, theta and every product and sum are values of --format, computed in \
      --policy's format. The data is a seeded set of Gaussian class clusters (--scale multiplies \
      every feature; large scales drive the logits past exp's overflow threshold), or MNIST-style \
      IDX files (--images, --labels; uncompressed; pixels scaled to [0, 1] times --scale). \
      Prints per epoch the mean loss and the training error, and the first epoch and step at \
      which the loss or theta became inf or NaN.
      Example: softmax-lab train --variant naive --format float16 --scale 8
      """)

  @Option(help: "The loss's variant (one with a batch loss).")
  var variant: Variant = .fused

  @Option(help: "The storage format of data, theta and logits.")
  var format: Format = .float32

  @Option(help: "The precision policy.")
  var policy: Policy = .native

  @Option(help: "Epochs.")
  var epochs: Int = 10

  @Option(help: "Examples per mini-batch (B).")
  var batchSize: Int = 64

  @Option(name: .customLong("lr"), parsing: .unconditional, help: "The learning rate (rounded to the format).")
  var learningRate: Double = 0.05

  @Option(parsing: .unconditional, help: "Label smoothing eps in [0, 1].")
  var labelSmoothing: Double = 0

  @Option(help: "Synthetic data: examples.")
  var samples: Int = 2048

  @Option(help: "Synthetic data: features (n).")
  var features: Int = 16

  @Option(help: "Synthetic data: classes (k).")
  var classes: Int = 10

  @Option(parsing: .unconditional, help: "Feature scale: multiplies every feature (synthetic and IDX data).")
  var scale: Double = 1

  @Option(parsing: .unconditional, help: "Synthetic data: distance of the class centres, in standard deviations of the noise.")
  var separation: Double = 1

  @Option(help: "Synthetic data: the seed.")
  var seed: UInt64 = 1

  @Option(help: "An IDX images file (e.g. MNIST's train-images-idx3-ubyte, uncompressed); needs --labels.")
  var images: String?

  @Option(help: "The IDX labels file that goes with --images.")
  var labels: String?

  @Option(help: "Use only the first N examples of the IDX files.")
  var limit: Int?

  @Option(help: "Also write the run as JSON to this file ('-': standard output instead of the table).")
  var json: String?

  func validate() throws {
    guard Variant.batchVariants.contains(variant) else { throw ValidationError(BatchError.variant(variant).description) }
    guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1 (got \(epochs))") }
    guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1 (got \(batchSize))") }
    guard learningRate.isFinite && learningRate > 0 else { throw ValidationError("--lr must be a positive number (got \(learningRate))") }
    guard (0...1).contains(labelSmoothing) else { throw ValidationError("--label-smoothing must be in [0, 1] (got \(labelSmoothing))") }
    guard scale.isFinite && scale > 0 else { throw ValidationError("--scale must be a positive number (got \(scale))") }
    guard (images == nil) == (labels == nil) else { throw ValidationError("--images and --labels go together") }
    if let limit, limit < 1 { throw ValidationError("--limit must be at least 1 (got \(limit))") }
    guard samples >= 1, features >= 1, classes >= 2 else {
      throw ValidationError("synthetic data needs --samples >= 1, --features >= 1 and --classes >= 2")
    }
    guard separation.isFinite && separation >= 0 else { throw ValidationError("--separation must be >= 0 (got \(separation))") }
  }

  func run() throws {
    let data: Dataset
    if let images, let labels {
      data = try IDXFile.dataset(images: IDXFile.read(path: images), labels: IDXFile.read(path: labels), scale: scale,
                                 limit: limit, names: (images, labels))
    } else {
      data = Dataset.synthetic(count: samples, features: features, classes: classes, scale: scale,
                               separation: separation, seed: seed)
    }
    let settings = TrainingSettings(variant: variant, format: format, policy: policy, epochs: epochs,
                                    batchSize: batchSize, learningRate: learningRate, labelSmoothing: labelSmoothing)
    let result = try Trainer.train(data, settings)
    if let json {
      let text = TrainingOutput.json(result).text() + "\n"
      try emit(text, to: json)
      if json == "-" { return }
    }
    print(TrainingOutput.table(result), terminator: "")
  }
}
